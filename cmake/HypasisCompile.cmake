# Compiler flags shared by every Hypasis target (not by third-party code).
add_library(hypasis_flags INTERFACE)
target_compile_options(hypasis_flags INTERFACE -Wall -Wextra -Werror -Wshadow -Wnon-virtual-dtor -Wpedantic)
target_include_directories(hypasis_flags INTERFACE ${PROJECT_SOURCE_DIR}/src)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # GCC 12 reports a false -Wmismatched-new-delete on Boost.Asio's coroutine frames (their operator new/delete pair
  # is matched; the inliner loses track of it), in whichever file inlines an awaitable's destruction. clang keeps
  # the warning, and ASan's alloc-dealloc-mismatch check covers the real thing at run time.
  target_compile_options(hypasis_flags INTERFACE -Wno-mismatched-new-delete)
endif()

if(HYPASIS_SANITIZE)
  # ASan+UBSan for the whole build; UBSan findings abort so that a test fails instead of printing.
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
  if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    # clang 14 cannot emit UBSan's function-type checks for C++20 coroutine frames (Boost.Asio awaitables): it
    # fails with "Cannot represent a difference across sections". Every other UBSan check stays on.
    add_compile_options(-fno-sanitize=function)
  endif()
endif()

if(HYPASIS_FUZZ)
  # Coverage instrumentation for every library the fuzz targets link, not only for the targets themselves:
  # without it libFuzzer sees almost none of the decoder's branches (measured on eth_message: coverage 788 -> 7,208).
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

find_program(MOLD_PROGRAM mold)
if(MOLD_PROGRAM AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_GREATER_EQUAL 12.1)
  add_link_options(-fuse-ld=mold)
endif()
