# Configures, builds and runs tests/consumer_subdir, a project that adds lockorder's
# source tree with add_subdirectory. Arguments: SOURCE_DIR, WORK, CXX.
file(REMOVE_RECURSE ${WORK})
execute_process(COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/consumer_subdir -B ${WORK}/build
                        -DCMAKE_CXX_COMPILER=${CXX} -DLOCKORDER_SOURCE_DIR=${SOURCE_DIR}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "configuring the consumer failed:\n${out}${err}")
endif()
# Not top level: nothing of lockorder's own tests or examples is generated.
foreach(dir tests examples tools)
  if(EXISTS ${WORK}/build/lockorder/${dir})
    message(FATAL_ERROR "lockorder generated its ${dir}/ inside the consumer's build")
  endif()
endforeach()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${WORK}/build
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "building the consumer failed:\n${out}${err}")
endif()
execute_process(COMMAND ${WORK}/build/consumer RESULT_VARIABLE rc OUTPUT_VARIABLE out)
if(NOT rc EQUAL 0 OR NOT out MATCHES "lockorder as a subdirectory")
  message(FATAL_ERROR "the consumer did not run: ${out}")
endif()
