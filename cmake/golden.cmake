# Golden-file check: runs PROGRAM, normalises its output (addresses, offsets, line
# numbers, directories) and compares it with GOLDEN. With -DUPDATE=ON, rewrites GOLDEN.
execute_process(COMMAND ${PROGRAM} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${PROGRAM} exited with ${rc}:\n${out}${err}")
endif()
string(REGEX REPLACE "0x[0-9a-f]+" "0x?" out "${out}")
string(REGEX REPLACE "\\(([^()\n]*/)?([^/()\n]+):[0-9]+\\)" "(\\2:?)" out "${out}")
# A site in libc (a static destructor run by exit()): named from libc's debug info when
# it is installed (libc6-dbg: "__run_exit_handlers (exit.c:?)"), else "exit".
string(REGEX REPLACE "at: __run_exit_handlers \\(exit.c:\\?\\)" "at: exit" out "${out}")
if(UPDATE)
  file(WRITE ${GOLDEN} "${out}")
  return()
endif()
file(READ ${GOLDEN} expected)
if(NOT out STREQUAL expected)
  file(WRITE ${GOLDEN}.actual "${out}")
  execute_process(COMMAND diff -u ${GOLDEN} ${GOLDEN}.actual OUTPUT_VARIABLE d)
  message(FATAL_ERROR "output differs from ${GOLDEN}:\n${d}")
endif()
