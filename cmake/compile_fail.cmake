# lockorder_compile_fail(NAME file.cpp [DEFINITIONS ...] [OPTIONS ...] [LABELS ...])
#
# A compile-fail case is one source file with two halves:
#   - compiled with -DLOCKORDER_COMPILE_FAIL it must FAIL, and the compiler's output must
#     match every `// expect: <regex>` line of the file (and, when given, the first line
#     containing "error" must match every `// expect-first-error: <regex>` line);
#   - compiled without it (its compiling twin) it must SUCCEED, so a case cannot pass
#     because of a typo or a missing include.
# Both halves are ctest tests run with the compiler the build uses. OPTIONS are extra
# compiler flags for both halves (tests/thread_safety/ passes -Wthread-safety ones);
# LABELS are added to the label `compile`.
function(lockorder_compile_fail name source)
  cmake_parse_arguments(CF "" "" "DEFINITIONS;OPTIONS;LABELS" ${ARGN})
  get_filename_component(source "${source}" ABSOLUTE)
  set(flags -std=c++20 -fsyntax-only -I${PROJECT_SOURCE_DIR}/include ${CF_DEFINITIONS} ${CF_OPTIONS})
  add_test(NAME compile_fail.${name}
    COMMAND ${CMAKE_COMMAND} -DCXX=${CMAKE_CXX_COMPILER} "-DFLAGS=${flags}"
            -DSOURCE=${source} -DEXPECT_FAIL=ON -P ${PROJECT_SOURCE_DIR}/cmake/run_compile.cmake)
  add_test(NAME compile_pass.${name}
    COMMAND ${CMAKE_COMMAND} -DCXX=${CMAKE_CXX_COMPILER} "-DFLAGS=${flags}"
            -DSOURCE=${source} -DEXPECT_FAIL=OFF -P ${PROJECT_SOURCE_DIR}/cmake/run_compile.cmake)
  set_tests_properties(compile_fail.${name} compile_pass.${name} PROPERTIES LABELS "compile;${CF_LABELS}")
endfunction()
