# stoq_add_plugin(<category> <name> SOURCES ... [LIBRARIES ...] [TEST_PROPERTIES ...])
# Builds plugins/<category>/<name> as a module into lib/stoq/plugins/<category>/<name>/
# next to its .stoq file and templates/, in the build tree and the install tree alike.
# tests/*_test.cpp beside it become the test executable plugin_<category>_<name>_test,
# which loads the built module through stoq::testing::PluginHarness; TEST_PROPERTIES
# are ctest properties of its tests (e.g. RESOURCE_LOCK rabbitmq: they share a broker).
function(stoq_add_plugin category name)
  cmake_parse_arguments(PLUGIN "" "" "SOURCES;LIBRARIES;TEST_PROPERTIES" ${ARGN})
  set(target stoq_${category}_${name})
  set(out_dir ${STOQ_PLUGIN_BUILD_DIR}/${category}/${name})
  add_library(${target} MODULE ${PLUGIN_SOURCES})
  target_link_libraries(${target} PRIVATE stoq ${PLUGIN_LIBRARIES})
  set_target_properties(${target} PROPERTIES
    PREFIX "" OUTPUT_NAME ${name}
    LIBRARY_OUTPUT_DIRECTORY ${out_dir}
    CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON
    BUILD_RPATH "$ORIGIN/../../../.." INSTALL_RPATH "$ORIGIN/../../../..")
  configure_file(${CMAKE_CURRENT_SOURCE_DIR}/${name}.stoq ${out_dir}/${name}.stoq COPYONLY)
  install(TARGETS ${target} LIBRARY DESTINATION ${STOQ_PLUGIN_INSTALL_DIR}/${category}/${name})
  install(FILES ${CMAKE_CURRENT_SOURCE_DIR}/${name}.stoq DESTINATION ${STOQ_PLUGIN_INSTALL_DIR}/${category}/${name})
  # templates/ (-T NAME, stoq render), subfolders included: copied like the .stoq file, so
  # a new or edited template reaches the build tree with the next build.
  if(IS_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/templates)
    file(GLOB_RECURSE templates CONFIGURE_DEPENDS LIST_DIRECTORIES false
         RELATIVE ${CMAKE_CURRENT_SOURCE_DIR}/templates ${CMAKE_CURRENT_SOURCE_DIR}/templates/*)
    foreach(template ${templates})
      configure_file(${CMAKE_CURRENT_SOURCE_DIR}/templates/${template} ${out_dir}/templates/${template} COPYONLY)
    endforeach()
    install(DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/templates DESTINATION ${STOQ_PLUGIN_INSTALL_DIR}/${category}/${name})
  endif()
  set_property(GLOBAL APPEND PROPERTY STOQ_PLUGIN_TARGETS ${target})
  file(GLOB plugin_tests CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/tests/*_test.cpp)
  if(STOQ_BUILD_TESTS AND plugin_tests)
    set(test_target plugin_${category}_${name}_test)
    add_executable(${test_target} ${plugin_tests})
    target_link_libraries(${test_target} PRIVATE stoq GTest::gtest_main ${PLUGIN_LIBRARIES})
    target_compile_definitions(${test_target} PRIVATE ${STOQ_TEST_DEFINES})
    add_dependencies(${test_target} ${target})
    gtest_discover_tests(${test_target} TEST_PREFIX "plugin.${category}.${name}." DISCOVERY_TIMEOUT 30
                         PROPERTIES LABELS plugin ${PLUGIN_TEST_PROPERTIES})
  endif()
endfunction()
