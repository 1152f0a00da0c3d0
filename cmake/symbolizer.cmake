# cmake/symbolizer.cmake — libbacktrace for the DWARF symbolizer of report sites
# (include/lockorder/detail/symbolize.hpp, LOCKORDER_SYMBOLIZER=1: function, file and line
# from the debug info, without -rdynamic).
#
# libbacktrace is GCC's: libbacktrace.a in the GCC installation directory
# (/usr/lib/gcc/x86_64-linux-gnu/12 with g++ 12) and backtrace.h in its include/
# subdirectory. g++ finds both by itself. clang++ links it with -lbacktrace too (its driver
# passes -L<the GCC installation it selected>), but does not search GCC's include
# directory: the header comes through -idirafter, so that GCC's own stddef.h, xmmintrin.h...
# in that directory can never shadow clang's. A standalone libbacktrace (installed from
# github.com/ianlancetaylor/libbacktrace) is found in the default paths.
#
# Input:  LOCKORDER_LIBBACKTRACE (cache, ON): look for libbacktrace at all.
# Output: LOCKORDER_BACKTRACE_FOUND: TRUE when libbacktrace is found and a program links
#           with it.
#         lockorder_backtrace (INTERFACE target, only when found): backtrace.h's directory
#           (-idirafter, when the compiler does not search it already) and the library.
#         lockorder_symbolizer (INTERFACE target, always): LOCKORDER_SYMBOLIZER=1 and
#           lockorder_backtrace when found, LOCKORDER_SYMBOLIZER=0 (dladdr()) otherwise.
#           Link it to the one target that compiles the validator:
#             target_link_libraries(lockorder PRIVATE lockorder_symbolizer)
#           (a static library passes the link to libbacktrace on to its users; exporting
#           it needs the two targets in the export set, or a find step in the package
#           config, as the library path is absolute).
include_guard(GLOBAL)

option(LOCKORDER_LIBBACKTRACE "Symbolize report sites with libbacktrace (DWARF file:line) when found" ON)

set(LOCKORDER_BACKTRACE_FOUND FALSE)

if(LOCKORDER_LIBBACKTRACE)
  # Where the compiler's GCC installation keeps libbacktrace.a: g++ and clang++ both answer
  # -print-file-name with the path they would link (the name alone when they have none).
  # CMAKE_CXX_FLAGS go along, for a --gcc-toolchain or --gcc-install-dir in them.
  separate_arguments(_lockorder_bt_flags NATIVE_COMMAND "${CMAKE_CXX_FLAGS}")
  set(_lockorder_bt_hints)
  foreach(_lockorder_bt_query -print-file-name=libbacktrace.a -print-libgcc-file-name)
    execute_process(COMMAND ${CMAKE_CXX_COMPILER} ${_lockorder_bt_flags} ${_lockorder_bt_query}
                    OUTPUT_VARIABLE _lockorder_bt_path OUTPUT_STRIP_TRAILING_WHITESPACE
                    ERROR_QUIET RESULT_VARIABLE _lockorder_bt_rc)
    if(_lockorder_bt_rc EQUAL 0 AND IS_ABSOLUTE "${_lockorder_bt_path}" AND EXISTS "${_lockorder_bt_path}")
      get_filename_component(_lockorder_bt_name "${_lockorder_bt_path}" NAME)
      if(_lockorder_bt_name MATCHES "^lib(backtrace|gcc)\\.a$")  # not compiler-rt's builtins
        get_filename_component(_lockorder_bt_dir "${_lockorder_bt_path}" DIRECTORY)
        get_filename_component(_lockorder_bt_dir "${_lockorder_bt_dir}" REALPATH)
        list(APPEND _lockorder_bt_hints "${_lockorder_bt_dir}")
      endif()
    endif()
  endforeach()
  list(REMOVE_DUPLICATES _lockorder_bt_hints)

  find_library(LOCKORDER_BACKTRACE_LIBRARY NAMES backtrace HINTS ${_lockorder_bt_hints}
               DOC "libbacktrace (GCC's libbacktrace.a, or a standalone one)")
  if(LOCKORDER_BACKTRACE_LIBRARY)
    # The header that goes with that library: GCC's is in include/ next to it.
    get_filename_component(_lockorder_bt_libdir "${LOCKORDER_BACKTRACE_LIBRARY}" DIRECTORY)
    find_path(LOCKORDER_BACKTRACE_INCLUDE_DIR backtrace.h
              HINTS "${_lockorder_bt_libdir}/include" "${_lockorder_bt_libdir}/../include"
              DOC "directory of libbacktrace's backtrace.h")
  endif()

  if(LOCKORDER_BACKTRACE_LIBRARY AND LOCKORDER_BACKTRACE_INCLUDE_DIR)
    # -idirafter only when the compiler does not search that directory already (g++ does).
    get_filename_component(_lockorder_bt_inc "${LOCKORDER_BACKTRACE_INCLUDE_DIR}" REALPATH)
    set(_lockorder_bt_implicit FALSE)
    foreach(_lockorder_bt_dir IN LISTS CMAKE_CXX_IMPLICIT_INCLUDE_DIRECTORIES)
      get_filename_component(_lockorder_bt_dir "${_lockorder_bt_dir}" REALPATH)
      if(_lockorder_bt_dir STREQUAL _lockorder_bt_inc)
        set(_lockorder_bt_implicit TRUE)
      endif()
    endforeach()
    set(_lockorder_bt_compile_options)
    if(NOT _lockorder_bt_implicit)
      set(_lockorder_bt_compile_options "SHELL:-idirafter \"${LOCKORDER_BACKTRACE_INCLUDE_DIR}\"")
    endif()

    # It must link: a program that asks libbacktrace for a state.
    include(CheckCXXSourceCompiles)
    include(CMakePushCheckState)
    cmake_push_check_state(RESET)
    set(CMAKE_REQUIRED_QUIET TRUE)
    if(NOT _lockorder_bt_implicit)
      set(CMAKE_REQUIRED_FLAGS "-idirafter ${LOCKORDER_BACKTRACE_INCLUDE_DIR}")
    endif()
    set(CMAKE_REQUIRED_LIBRARIES "${LOCKORDER_BACKTRACE_LIBRARY}")
    check_cxx_source_compiles([[
      #include <backtrace.h>
      int main() { return backtrace_create_state(nullptr, 1, nullptr, nullptr) ? 0 : 1; }
    ]] LOCKORDER_BACKTRACE_LINKS)
    cmake_pop_check_state()

    if(LOCKORDER_BACKTRACE_LINKS)
      set(LOCKORDER_BACKTRACE_FOUND TRUE)
      if(NOT TARGET lockorder_backtrace)
        add_library(lockorder_backtrace INTERFACE)
        target_compile_options(lockorder_backtrace INTERFACE ${_lockorder_bt_compile_options})
        target_link_libraries(lockorder_backtrace INTERFACE "${LOCKORDER_BACKTRACE_LIBRARY}")
      endif()
    endif()
  endif()
endif()

if(NOT TARGET lockorder_symbolizer)
  add_library(lockorder_symbolizer INTERFACE)
  if(LOCKORDER_BACKTRACE_FOUND)
    target_compile_definitions(lockorder_symbolizer INTERFACE LOCKORDER_SYMBOLIZER=1)
    target_link_libraries(lockorder_symbolizer INTERFACE lockorder_backtrace)
  else()
    target_compile_definitions(lockorder_symbolizer INTERFACE LOCKORDER_SYMBOLIZER=0)
  endif()
endif()

if(LOCKORDER_BACKTRACE_FOUND)
  message(STATUS "lockorder: symbolizer: libbacktrace (${LOCKORDER_BACKTRACE_LIBRARY}, "
                 "${LOCKORDER_BACKTRACE_INCLUDE_DIR}/backtrace.h): report sites get file:line")
elseif(NOT LOCKORDER_LIBBACKTRACE)
  message(STATUS "lockorder: symbolizer: dladdr() (LOCKORDER_LIBBACKTRACE is OFF)")
else()
  if(NOT LOCKORDER_BACKTRACE_LIBRARY)
    set(_lockorder_bt_why "libbacktrace not found (looked in: ${_lockorder_bt_hints} and the default paths)")
  elseif(NOT LOCKORDER_BACKTRACE_INCLUDE_DIR)
    set(_lockorder_bt_why "backtrace.h not found for ${LOCKORDER_BACKTRACE_LIBRARY}")
  else()
    set(_lockorder_bt_why "a program using ${LOCKORDER_BACKTRACE_LIBRARY} does not link")
  endif()
  message(STATUS "lockorder: symbolizer: dladdr(), no file:line in report sites: ${_lockorder_bt_why}")
endif()
