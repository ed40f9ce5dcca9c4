# The CMake package of the SDK, for out-of-tree plugins: find_package(stoq) gives
#   stoq::sdk        libstoq.so, include/ (stoq/*.hpp, stoq/sdk_digest.h), nlohmann_json
#   stoq::testing    libstoq-core.so: stoq::testing::PluginHarness (include/stoq/testing.hpp)
#   stoq_add_plugin  cmake/StoqPlugin.cmake, the function the bundled plugins use
# in <prefix>/lib/cmake/stoq/ after `cmake --install`, and in <build>/lib/cmake/stoq/ after a
# build (no install needed: -Dstoq_DIR=<dir of bin/stoq>/../lib/cmake/stoq works in both).
# The pkg-config file (stoq.pc) is the alternative for other build systems.
include(CMakePackageConfigHelpers)
set(stoq_package_dir ${CMAKE_INSTALL_LIBDIR}/cmake/stoq)
set(stoq_package_build_dir ${CMAKE_BINARY_DIR}/${stoq_package_dir})

configure_file(${PROJECT_SOURCE_DIR}/cmake/stoqConfig.cmake.in ${stoq_package_build_dir}/stoqConfig.cmake @ONLY)
write_basic_package_version_file(${stoq_package_build_dir}/stoqConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
configure_file(${PROJECT_SOURCE_DIR}/cmake/StoqPlugin.cmake ${stoq_package_build_dir}/StoqPlugin.cmake COPYONLY)
export(EXPORT stoqTargets NAMESPACE stoq:: FILE ${stoq_package_build_dir}/stoqTargets.cmake)

install(EXPORT stoqTargets NAMESPACE stoq:: DESTINATION ${stoq_package_dir})
install(FILES ${stoq_package_build_dir}/stoqConfig.cmake ${stoq_package_build_dir}/stoqConfigVersion.cmake
              ${PROJECT_SOURCE_DIR}/cmake/StoqPlugin.cmake
        DESTINATION ${stoq_package_dir})
