# extractor:tnef's reader (fuzz/CMakeLists.txt includes this file).
set(tnef_dir ${PROJECT_SOURCE_DIR}/plugins/extractor/tnef)
list(APPEND STOQ_FUZZ_TARGETS fuzz_tnef)
set(fuzz_tnef_SOURCES ${tnef_dir}/fuzz_tnef.cpp ${tnef_dir}/tnef.cpp)
set(fuzz_tnef_INCLUDE ${tnef_dir})
