# hypasis_library(NAME DIR [DEPS dep...] [TEST_DEPS dep...])
#
# Builds the static library hypasis_<NAME> from every DIR/*.cpp (recursively) that is not a test, benchmark or
# fuzz target, and, when tests are on, the test binary <NAME>_test from every DIR/*_test.cpp beside the code.
# *_bench.cpp files are collected into a global list that bench/ turns into one Google Benchmark binary.
function(hypasis_library NAME DIR)
  cmake_parse_arguments(ARG "" "" "DEPS;TEST_DEPS" ${ARGN})
  file(GLOB_RECURSE all_sources CONFIGURE_DEPENDS ${DIR}/*.cpp)
  set(lib_sources ${all_sources})
  list(FILTER lib_sources EXCLUDE REGEX "(_test|_bench|_fuzz)\\.cpp$")
  set(test_sources ${all_sources})
  list(FILTER test_sources INCLUDE REGEX "_test\\.cpp$")
  set(bench_sources ${all_sources})
  list(FILTER bench_sources INCLUDE REGEX "_bench\\.cpp$")

  if(lib_sources)
    add_library(hypasis_${NAME} STATIC ${lib_sources})
    target_link_libraries(hypasis_${NAME} PUBLIC hypasis_flags ${ARG_DEPS})
  else()
    add_library(hypasis_${NAME} INTERFACE)
    target_link_libraries(hypasis_${NAME} INTERFACE hypasis_flags ${ARG_DEPS})
  endif()
  add_library(hypasis::${NAME} ALIAS hypasis_${NAME})

  if(HYPASIS_TESTS AND test_sources)
    add_executable(${NAME}_test ${test_sources})
    target_link_libraries(${NAME}_test PRIVATE hypasis_${NAME} hypasis_test_util ${ARG_TEST_DEPS}
                          GTest::gmock GTest::gtest_main)
    # A GTEST_SKIP (e.g. fixtures absent) is reported by CTest as skipped, not passed.
    gtest_discover_tests(${NAME}_test DISCOVERY_TIMEOUT 60
                         PROPERTIES SKIP_REGULAR_EXPRESSION "\\[  SKIPPED \\]")
  endif()
  if(bench_sources)
    set_property(GLOBAL APPEND PROPERTY HYPASIS_BENCH_SOURCES ${bench_sources})
    set_property(GLOBAL APPEND PROPERTY HYPASIS_BENCH_LIBS hypasis_${NAME})
  endif()
endfunction()
