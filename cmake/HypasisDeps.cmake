# Every external dependency, found once. All come from Debian packages installed by scripts/setup.sh,
# except blst, which setup.sh builds into third_party/blst.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(Boost 1.81...<1.82 REQUIRED CONFIG COMPONENTS json url system)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(CLI11 CONFIG REQUIRED)
find_package(RocksDB CONFIG REQUIRED)
find_package(Snappy CONFIG REQUIRED)
pkg_check_modules(SECP256K1 REQUIRED IMPORTED_TARGET libsecp256k1)
pkg_check_modules(CRYPTOPP REQUIRED IMPORTED_TARGET libcrypto++)
pkg_check_modules(TOMLPLUSPLUS REQUIRED IMPORTED_TARGET tomlplusplus)

find_path(TL_EXPECTED_INCLUDE tl/expected.hpp REQUIRED)

set(HYPASIS_BLST_DIR ${PROJECT_SOURCE_DIR}/third_party/blst CACHE PATH "blst build from scripts/setup.sh")
if(NOT EXISTS ${HYPASIS_BLST_DIR}/libblst.a)
  message(FATAL_ERROR "blst not found in ${HYPASIS_BLST_DIR}: run scripts/setup.sh first")
endif()
add_library(blst STATIC IMPORTED GLOBAL)
set_target_properties(blst PROPERTIES IMPORTED_LOCATION ${HYPASIS_BLST_DIR}/libblst.a
                                      INTERFACE_INCLUDE_DIRECTORIES ${HYPASIS_BLST_DIR}/include)

if(HYPASIS_TESTS)
  find_package(GTest REQUIRED)
endif()
if(HYPASIS_BENCH)
  find_package(benchmark REQUIRED)
endif()
