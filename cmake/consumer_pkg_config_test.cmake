# Installs lockorder into a fresh prefix, then compiles tests/consumer/main.cpp with the
# flags `pkg-config --cflags --libs lockorder` gives for that prefix, and runs it.
# Arguments: BUILD_DIR (lockorder's build), SOURCE_DIR, WORK, CXX.
find_program(PKG_CONFIG NAMES pkg-config pkgconf)
if(NOT PKG_CONFIG)
  message(FATAL_ERROR "pkg-config not found: install it (Debian: pkgconf; scripts/deps.sh does)")
endif()
file(REMOVE_RECURSE ${WORK})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${WORK}/prefix
                RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "install failed: ${err}")
endif()
set(ENV{PKG_CONFIG_PATH} ${WORK}/prefix/share/pkgconfig)
execute_process(COMMAND ${PKG_CONFIG} --cflags --libs lockorder
                RESULT_VARIABLE rc OUTPUT_VARIABLE flags ERROR_VARIABLE err
                OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "pkg-config does not find lockorder in ${WORK}/prefix: ${err}")
endif()
# The include directory must be the fresh prefix's, whatever prefix the build configured.
file(REAL_PATH ${WORK}/prefix/include want)
string(REGEX MATCH "-I[^ ]+" include_flag "${flags}")
string(REGEX REPLACE "^-I" "" include_dir "${include_flag}")
if(NOT include_dir OR NOT IS_DIRECTORY "${include_dir}")
  message(FATAL_ERROR "pkg-config gave no existing include directory: ${flags}")
endif()
file(REAL_PATH ${include_dir} got)
if(NOT got STREQUAL want)
  message(FATAL_ERROR "pkg-config points at ${got}, not at the prefix ${want}: ${flags}")
endif()
separate_arguments(flags UNIX_COMMAND "${flags}")
execute_process(COMMAND ${CXX} ${SOURCE_DIR}/tests/consumer/main.cpp ${flags} -o ${WORK}/consumer
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "compiling the consumer with pkg-config's flags failed:\n${out}${err}")
endif()
execute_process(COMMAND ${WORK}/consumer RESULT_VARIABLE rc OUTPUT_VARIABLE out)
if(NOT rc EQUAL 0 OR NOT out MATCHES "installed lockorder")
  message(FATAL_ERROR "the consumer did not run: ${out}")
endif()
