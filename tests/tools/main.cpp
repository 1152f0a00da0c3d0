// The tool's unit tests: one Catch2 executable (tests/tools/CMakeLists.txt).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
