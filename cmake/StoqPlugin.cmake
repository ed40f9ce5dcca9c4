# stoq_add_plugin(<category> <name> SOURCES ... [LIBRARIES ...] [FILES ...] [TEST_PROPERTIES ...])
#
# One implementation for the bundled plugins (plugins/<category>/<name>/CMakeLists.txt) and
# for out-of-tree packages (find_package(stoq) loads this file from lib/cmake/stoq/).
#
# The plugin folder is ${CMAKE_CURRENT_SOURCE_DIR}/<name>/ when it holds <name>.stoq (the
# stoQ guide's package layout: CMakeLists.txt at the package root, the plugin's files in a
# subfolder named after it), else ${CMAKE_CURRENT_SOURCE_DIR}. Relative SOURCES and FILES
# are taken from the plugin folder (SOURCES also from the current source dir).
#
# Builds the MODULE <name>.so (target stoq_<category>_<name>, linked to stoq::sdk only) and
# stages it with <name>.stoq, templates/, rules/ and FILES (paths kept) in
#   ${STOQ_PLUGIN_STAGING_DIR}/<category>/<name>/
# and installs the same to ${STOQ_PLUGIN_INSTALL_DIR}/<category>/<name>/. <folder>/tests/*_test.cpp
# become the executable plugin_<category>_<name>_test (stoq::testing, GTest::gtest_main,
# the compile definitions ${STOQ_PLUGIN_TEST_DEFINES}, which hold STOQ_PLUGIN_DIR = the
# staging root), registered with gtest_discover_tests (prefix plugin.<category>.<name>.);
# TEST_PROPERTIES are ctest properties of its tests (e.g. RESOURCE_LOCK rabbitmq).
#
# Settings (the caller's, read when the function runs):
#   STOQ_PLUGIN_STAGING_DIR    staging root (bundled: <build>/lib/stoq/plugins)
#   STOQ_PLUGIN_INSTALL_DIR    install root, relative to the prefix (bundled: lib/stoq/plugins)
#   STOQ_PLUGIN_BUILD_RPATH, STOQ_PLUGIN_INSTALL_RPATH   the module's RPATH (may be empty)
#   STOQ_PLUGIN_BUILD_TESTS    build tests/ (bundled: STOQ_BUILD_TESTS; packages: ON, and
#                              tests are skipped with a message when GTest is not found)
#   STOQ_PLUGIN_TEST_DEFINES   compile definitions of the test executable
# Appends the module target to the global property STOQ_PLUGIN_TARGETS.
include_guard(GLOBAL)

# The plugin-folder path of `item` when it exists there, else `item` unchanged.
function(_stoq_plugin_path out folder item)
  if(NOT IS_ABSOLUTE ${item} AND EXISTS ${folder}/${item})
    set(item ${folder}/${item})
  endif()
  set(${out} ${item} PARENT_SCOPE)
endfunction()

# Copies the file or folder `relative` (under `folder`) into `stage` and installs it under
# `destination`, keeping its relative path. A copy is refreshed at configure time (and
# the folder's file list is re-globbed on each build: CONFIGURE_DEPENDS).
function(_stoq_plugin_stage folder relative stage destination)
  set(source ${folder}/${relative})
  if(IS_DIRECTORY ${source})
    file(GLOB_RECURSE items CONFIGURE_DEPENDS LIST_DIRECTORIES false RELATIVE ${source} ${source}/*)
    foreach(item ${items})
      configure_file(${source}/${item} ${stage}/${relative}/${item} COPYONLY)
    endforeach()
    get_filename_component(parent ${relative} DIRECTORY)
    install(DIRECTORY ${source} DESTINATION ${destination}/${parent})
  elseif(EXISTS ${source})
    configure_file(${source} ${stage}/${relative} COPYONLY)
    get_filename_component(parent ${relative} DIRECTORY)
    install(FILES ${source} DESTINATION ${destination}/${parent})
  else()
    message(FATAL_ERROR "stoq_add_plugin: ${source} does not exist")
  endif()
endfunction()

function(stoq_add_plugin category name)
  cmake_parse_arguments(PLUGIN "" "" "SOURCES;LIBRARIES;FILES;TEST_PROPERTIES" ${ARGN})
  if(NOT PLUGIN_SOURCES)
    message(FATAL_ERROR "stoq_add_plugin(${category} ${name}): SOURCES is required")
  endif()
  if(NOT DEFINED STOQ_PLUGIN_STAGING_DIR OR NOT DEFINED STOQ_PLUGIN_INSTALL_DIR)
    message(FATAL_ERROR "stoq_add_plugin: STOQ_PLUGIN_STAGING_DIR and STOQ_PLUGIN_INSTALL_DIR are not set")
  endif()
  set(folder ${CMAKE_CURRENT_SOURCE_DIR})
  if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/${name}/${name}.stoq)
    set(folder ${CMAKE_CURRENT_SOURCE_DIR}/${name})
  endif()
  if(NOT EXISTS ${folder}/${name}.stoq)
    message(FATAL_ERROR "stoq_add_plugin: no ${name}.stoq in ${CMAKE_CURRENT_SOURCE_DIR}/${name} "
                        "or ${CMAKE_CURRENT_SOURCE_DIR}")
  endif()
  set(target stoq_${category}_${name})
  set(stage ${STOQ_PLUGIN_STAGING_DIR}/${category}/${name})
  set(destination ${STOQ_PLUGIN_INSTALL_DIR}/${category}/${name})
  if(destination MATCHES "^\\./")
    string(SUBSTRING ${destination} 2 -1 destination)
  endif()

  set(sources "")
  foreach(source ${PLUGIN_SOURCES})
    _stoq_plugin_path(source ${folder} ${source})
    list(APPEND sources ${source})
  endforeach()
  add_library(${target} MODULE ${sources})
  target_link_libraries(${target} PRIVATE stoq::sdk ${PLUGIN_LIBRARIES})
  # Only stoq_plugin_entry (STOQ_PLUGIN) is exported: two plugins never clash.
  set_target_properties(${target} PROPERTIES
    PREFIX "" OUTPUT_NAME ${name}
    LIBRARY_OUTPUT_DIRECTORY ${stage}
    CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
  if(STOQ_PLUGIN_BUILD_RPATH)
    set_target_properties(${target} PROPERTIES BUILD_RPATH "${STOQ_PLUGIN_BUILD_RPATH}")
  endif()
  if(STOQ_PLUGIN_INSTALL_RPATH)
    set_target_properties(${target} PROPERTIES INSTALL_RPATH "${STOQ_PLUGIN_INSTALL_RPATH}")
  endif()
  install(TARGETS ${target} LIBRARY DESTINATION ${destination})

  _stoq_plugin_stage(${folder} ${name}.stoq ${stage} ${destination})
  # templates/ (-T NAME, stoq render) and rules/ (e.g. yara's), subfolders included.
  foreach(data templates rules)
    if(IS_DIRECTORY ${folder}/${data})
      _stoq_plugin_stage(${folder} ${data} ${stage} ${destination})
    endif()
  endforeach()
  foreach(file ${PLUGIN_FILES})
    if(IS_ABSOLUTE ${file})
      file(RELATIVE_PATH file ${folder} ${file})
    endif()
    _stoq_plugin_stage(${folder} ${file} ${stage} ${destination})
  endforeach()
  set_property(GLOBAL APPEND PROPERTY STOQ_PLUGIN_TARGETS ${target})

  file(GLOB plugin_tests CONFIGURE_DEPENDS ${folder}/tests/*_test.cpp)
  if(NOT STOQ_PLUGIN_BUILD_TESTS OR NOT plugin_tests)
    return()
  endif()
  if(NOT TARGET GTest::gtest_main)
    find_package(GTest QUIET)
    if(NOT TARGET GTest::gtest_main)
      message(STATUS "stoq_add_plugin(${category} ${name}): GoogleTest not found, tests/ not built")
      return()
    endif()
  endif()
  include(GoogleTest)  # ctest needs enable_testing() in the caller's scope: stoqConfig.cmake calls it
  set(test_target plugin_${category}_${name}_test)
  add_executable(${test_target} ${plugin_tests})
  target_link_libraries(${test_target} PRIVATE stoq::testing GTest::gtest_main ${PLUGIN_LIBRARIES})
  target_compile_definitions(${test_target} PRIVATE ${STOQ_PLUGIN_TEST_DEFINES})
  add_dependencies(${test_target} ${target})
  gtest_discover_tests(${test_target} TEST_PREFIX "plugin.${category}.${name}." DISCOVERY_TIMEOUT 30
                       PROPERTIES LABELS plugin ${PLUGIN_TEST_PROPERTIES})
endfunction()
