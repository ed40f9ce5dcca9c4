# extractor:ole's parsers (fuzz/CMakeLists.txt includes this file).
set(ole_dir ${PROJECT_SOURCE_DIR}/plugins/extractor/ole)
list(APPEND STOQ_FUZZ_TARGETS fuzz_cfb fuzz_ovba)
set(fuzz_cfb_SOURCES ${ole_dir}/fuzz_cfb.cpp ${ole_dir}/cfb.cpp ${ole_dir}/ovba.cpp)
set(fuzz_cfb_INCLUDE ${ole_dir})
set(fuzz_ovba_SOURCES ${ole_dir}/fuzz_ovba.cpp ${ole_dir}/cfb.cpp ${ole_dir}/ovba.cpp)
set(fuzz_ovba_INCLUDE ${ole_dir})
