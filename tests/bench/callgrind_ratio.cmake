# Runs PROGRAM std / PROGRAM lockorder under callgrind and compares the instructions
# executed by their lock/unlock loops (function `loop`, inclusive). Fails above 1.01.
foreach(kind std lockorder)
  execute_process(COMMAND ${VALGRIND} --tool=callgrind --callgrind-out-file=${CMAKE_CURRENT_BINARY_DIR}/cg.${kind}
                          --toggle-collect=*loop* ${PROGRAM} ${kind}
                  RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "callgrind failed: ${err}")
  endif()
  string(REGEX MATCH "Collected : ([0-9]+)" m "${err}")
  set(ir_${kind} ${CMAKE_MATCH_1})
endforeach()
math(EXPR scaled "${ir_lockorder} * 1000 / ${ir_std}")
message(STATUS "callgrind Ir in the loop: std::mutex ${ir_std}, lockorder::mutex (RUNTIME=0) ${ir_lockorder}, ratio ${scaled}/1000")
if(scaled GREATER 1010)
  message(FATAL_ERROR "LOCKORDER_RUNTIME=0 costs more than std::mutex: ratio ${scaled}/1000")
endif()
