# Translation units of one program built with different validator table sizes
# (header-only): the validator that starts second says so once on stderr and stays off;
# the program runs on (detail/rt_state.hpp: configuration_in_use). MIXED=ON: a.cpp with
# LOCKORDER_MAX_HELD=4, b.cpp with the default: the message must appear. MIXED=OFF (the
# twin): both with the default: it must not.
set(common -std=c++20 -I${INCLUDE} -DLOCKORDER_RUNTIME=1)
set(a_defs)
if(MIXED)
  set(a_defs -DLOCKORDER_MAX_HELD=4)
endif()
foreach(unit a b)
  set(defs)
  if(unit STREQUAL a)
    set(defs ${a_defs})
  endif()
  execute_process(COMMAND ${CXX} ${common} ${defs} -c ${DIR}/${unit}.cpp -o ${OUT}/${unit}.o
                  RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "compiling ${unit}.cpp failed:\n${err}")
  endif()
endforeach()
execute_process(COMMAND ${CXX} ${OUT}/a.o ${OUT}/b.o -o ${OUT}/mixed_program -ldl -pthread
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "linking failed:\n${err}")
endif()
execute_process(COMMAND ${OUT}/mixed_program RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the program failed (${rc}):\n${err}")
endif()
set(said "lockorder: this program mixes validator configurations: tables_")
string(FIND "${err}" "${said}" at)
if(MIXED AND at EQUAL -1)
  message(FATAL_ERROR "units with different table sizes ran without a word:\n${err}")
elseif(NOT MIXED AND NOT at EQUAL -1)
  message(FATAL_ERROR "units with the same table sizes were called mixed:\n${err}")
endif()
message(STATUS "stderr:\n${err}")
