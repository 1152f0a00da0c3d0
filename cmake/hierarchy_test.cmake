# Checks what lockorder_hierarchy_docs() generated for tests/graph/hierarchy.hpp: every
# class of the chain (reached through after<> from gpu_lock alone), levels, and reasons.
file(READ ${MD} md)
file(READ ${DOT} dot)
foreach(expect "`seed003::barrier_mutex` \\| 10" "`seed003::gpu_lock` \\| 60 \\| `seed003::mmap_sem`"
               "gpu fault handlers take gpu locks inside mmap_sem")
  if(NOT md MATCHES "${expect}")
    message(FATAL_ERROR "Markdown lacks `${expect}`:\n${md}")
  endif()
endforeach()
if(NOT dot MATCHES "\"seed003::barrier_mutex\" -> \"seed003::cpu_hotplug_lock\" \\[label=\"rcu_barrier")
  message(FATAL_ERROR "DOT lacks the declared edge:\n${dot}")
endif()
