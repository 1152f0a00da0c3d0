# The observed graph as an artifact, end to end: two runs export their graphs; each
# alone is acyclic; merged, lockorder-graph finds the cycle and says no single run saw
# it; the hierarchy suggested from the acyclic run compiles and rejects the inversion.
# Arguments: PROGRAM, TOOL, CXX, SOURCE_DIR, WORK.
file(MAKE_DIRECTORY ${WORK})
foreach(run forward backward)
  set(ENV{LOCKORDER_OPTIONS} "export=${WORK}/${run}.json")
  execute_process(COMMAND ${PROGRAM} ${run} RESULT_VARIABLE rc)
  unset(ENV{LOCKORDER_OPTIONS})
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "the ${run} run reported something on its own (${rc})")
  endif()
  execute_process(COMMAND ${TOOL} cycles ${WORK}/${run}.json RESULT_VARIABLE rc OUTPUT_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "the ${run} run alone has a cycle:\n${out}")
  endif()
endforeach()
unset(ENV{LOCKORDER_OPTIONS})
execute_process(COMMAND ${TOOL} merge ${WORK}/merged.json ${WORK}/forward.json ${WORK}/backward.json
                RESULT_VARIABLE rc)
execute_process(COMMAND ${TOOL} cycles ${WORK}/merged.json RESULT_VARIABLE rc OUTPUT_VARIABLE out)
if(NOT rc EQUAL 1 OR NOT out MATCHES "seen by no single run" OR NOT out MATCHES "gpu_lock --> barrier_mutex")
  message(FATAL_ERROR "the merged graph's cycle was not found (${rc}):\n${out}")
endif()
message(STATUS "merged:\n${out}")
execute_process(COMMAND ${TOOL} suggest ${WORK}/forward.json RESULT_VARIABLE rc OUTPUT_FILE ${WORK}/suggested.hpp)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "no hierarchy suggested for an acyclic graph")
endif()
foreach(expect_fail ON OFF)
  execute_process(COMMAND ${CMAKE_COMMAND} -DCXX=${CXX}
                          "-DFLAGS=-std=c++20;-fsyntax-only;-I${SOURCE_DIR}/include;-DLOCKORDER_SUGGESTED=\"${WORK}/suggested.hpp\""
                          -DSOURCE=${SOURCE_DIR}/tests/graph/suggested_use.cpp -DEXPECT_FAIL=${expect_fail}
                          -P ${SOURCE_DIR}/cmake/run_compile.cmake
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "suggested hierarchy (expect fail: ${expect_fail}):\n${out}${err}")
  endif()
endforeach()
