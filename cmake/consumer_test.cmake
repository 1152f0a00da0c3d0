# A user project built against lockorder, one way per MODE:
#   find_package      install into a fresh prefix; tests/consumer finds it (CMake package)
#   pkg_config        install into a fresh prefix; tests/consumer/main.cpp compiled with
#                     `pkg-config --cflags --libs lockorder` for that prefix
#   add_subdirectory  tests/consumer_subdir adds lockorder's source tree (not top level:
#                     lockorder must generate none of its tests, examples or tools)
#   export_set        tests/consumer_export embeds lockorder with LOCKORDER_INSTALL=OFF and
#                     LOCKORDER_EXPORT_SET in a library it installs with install(EXPORT),
#                     built and installed; tests/consumer_export/user
#                     finds that package and uses the library and lockorder through it
#   install_unbuilt   lockorder's own source tree configured (tools on) and installed with no
#                     build step: the library and lockorder-graph are installed, and
#                     tests/consumer finds the package
# Then the program runs and must say which way it was built.
# Arguments: MODE, BUILD_DIR (lockorder's build, for the installs), SOURCE_DIR, WORK, CXX.

# Runs a command; stops with `what` and the command's output if it fails.
function(step what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err
                  OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed:\n${out}${err}")
  endif()
  set(step_output "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE ${WORK})
if(MODE STREQUAL "add_subdirectory")
  step("configuring the consumer" ${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/consumer_subdir
       -B ${WORK}/build -DCMAKE_CXX_COMPILER=${CXX} -DLOCKORDER_SOURCE_DIR=${SOURCE_DIR})
  foreach(dir tests examples tools)
    if(EXISTS ${WORK}/build/lockorder/${dir})
      message(FATAL_ERROR "lockorder generated its ${dir}/ inside the consumer's build")
    endif()
  endforeach()
  step("building the consumer" ${CMAKE_COMMAND} --build ${WORK}/build)
  set(program ${WORK}/build/consumer)
  set(expect "lockorder as a subdirectory")
elseif(MODE STREQUAL "export_set")
  step("configuring the embedding project" ${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/consumer_export
       -B ${WORK}/app -DCMAKE_CXX_COMPILER=${CXX} -DLOCKORDER_SOURCE_DIR=${SOURCE_DIR})
  step("building it" ${CMAKE_COMMAND} --build ${WORK}/app)
  step("installing it" ${CMAKE_COMMAND} --install ${WORK}/app --prefix ${WORK}/prefix)
  step("configuring its user" ${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/consumer_export/user
       -B ${WORK}/build -DCMAKE_CXX_COMPILER=${CXX} -DCMAKE_PREFIX_PATH=${WORK}/prefix)
  step("building its user" ${CMAKE_COMMAND} --build ${WORK}/build)
  set(program ${WORK}/build/app_user)
  set(expect "count 2, lockorder from the app's export set")
elseif(MODE STREQUAL "install_unbuilt")
  step("configuring lockorder" ${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK}/lockorder
       -DCMAKE_CXX_COMPILER=${CXX} -DLOCKORDER_BUILD_TESTS=OFF -DLOCKORDER_BUILD_EXAMPLES=OFF
       -DLOCKORDER_BUILD_TOOLS=ON)
  step("installing lockorder, not built" ${CMAKE_COMMAND} --install ${WORK}/lockorder
       --prefix ${WORK}/prefix)
  foreach(file lib*/liblockorder.a bin/lockorder-graph include/lockorder/lockorder.hpp)
    file(GLOB found ${WORK}/prefix/${file})  # lib or lib64, as GNUInstallDirs chose
    if(NOT found)
      file(GLOB_RECURSE found RELATIVE ${WORK}/prefix ${WORK}/prefix/*)
      message(FATAL_ERROR "the install has no ${file}: ${found}")
    endif()
  endforeach()
  file(WRITE ${WORK}/empty.json
       "{\"lockorder_graph\": 1, \"runs\": [], \"classes\": [], \"edges\": []}\n")
  step("the installed lockorder-graph" ${WORK}/prefix/bin/lockorder-graph cycles ${WORK}/empty.json)
  step("configuring the consumer" ${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/consumer
       -B ${WORK}/build -DCMAKE_CXX_COMPILER=${CXX} -DCMAKE_PREFIX_PATH=${WORK}/prefix)
  step("building the consumer" ${CMAKE_COMMAND} --build ${WORK}/build)
  set(program ${WORK}/build/consumer)
  set(expect "installed lockorder")
elseif(MODE STREQUAL "find_package" OR MODE STREQUAL "pkg_config")
  step("installing lockorder" ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${WORK}/prefix)
  set(expect "installed lockorder")
  if(MODE STREQUAL "find_package")
    step("configuring the consumer" ${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/consumer
         -B ${WORK}/build -DCMAKE_CXX_COMPILER=${CXX} -DCMAKE_PREFIX_PATH=${WORK}/prefix)
    step("building the consumer" ${CMAKE_COMMAND} --build ${WORK}/build)
    set(program ${WORK}/build/consumer)
  else()
    find_program(PKG_CONFIG NAMES pkg-config pkgconf)
    if(NOT PKG_CONFIG)
      message(FATAL_ERROR "pkg-config not found: install it (Debian: pkgconf; scripts/deps.sh does)")
    endif()
    set(ENV{PKG_CONFIG_PATH} ${WORK}/prefix/share/pkgconfig)
    step("pkg-config --cflags --libs lockorder (PKG_CONFIG_PATH=${WORK}/prefix/share/pkgconfig)"
         ${PKG_CONFIG} --cflags --libs lockorder)
    set(flags "${step_output}")
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
    step("compiling the consumer with pkg-config's flags"
         ${CXX} ${SOURCE_DIR}/tests/consumer/main.cpp ${flags} -o ${WORK}/consumer)
    set(program ${WORK}/consumer)
  endif()
else()
  message(FATAL_ERROR "consumer_test.cmake: unknown MODE '${MODE}'")
endif()
execute_process(COMMAND ${program} RESULT_VARIABLE rc OUTPUT_VARIABLE out)
if(NOT rc EQUAL 0 OR NOT out MATCHES "${expect}")
  message(FATAL_ERROR "the consumer did not run: ${out}")
endif()
