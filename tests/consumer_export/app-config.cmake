# The embedding project's package: its library and, in the same export set, lockorder's.
include(CMakeFindDependencyMacro)
find_dependency(Boost 1.81 CONFIG COMPONENTS headers)
find_dependency(Threads)
include("${CMAKE_CURRENT_LIST_DIR}/app-targets.cmake")
