# Runs PROGRAM under callgrind for each pair of loops (std / lockorder: lock+unlock;
# std_cv / lockorder_cv: a condition variable made, waited on, notified) and compares the
# instructions executed by their loops (functions `*loop*`, inclusive). Fails above 1.01.
foreach(kind std lockorder std_cv lockorder_cv)
  execute_process(COMMAND ${VALGRIND} --tool=callgrind --callgrind-out-file=${CMAKE_CURRENT_BINARY_DIR}/cg.${kind}
                          --toggle-collect=*loop* ${PROGRAM} ${kind}
                  RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "callgrind failed: ${err}")
  endif()
  string(REGEX MATCH "Collected : ([0-9]+)" m "${err}")
  set(ir_${kind} ${CMAKE_MATCH_1})
endforeach()
foreach(pair "std;lockorder;lockorder::mutex" "std_cv;lockorder_cv;lockorder::condition_variable")
  list(GET pair 0 std)
  list(GET pair 1 ours)
  list(GET pair 2 what)
  math(EXPR scaled "${ir_${ours}} * 1000 / ${ir_${std}}")
  message(STATUS "callgrind Ir in the loop: std ${ir_${std}}, ${what} (RUNTIME=0) ${ir_${ours}}, ratio ${scaled}/1000")
  if(scaled GREATER 1010)
    message(FATAL_ERROR "LOCKORDER_RUNTIME=0: ${what} costs more than its std counterpart: ratio ${scaled}/1000")
  endif()
endforeach()
