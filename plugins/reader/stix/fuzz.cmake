# reader:stix's pattern and bundle builder over arbitrary values (seeds in
# fuzz/corpus/fuzz_stix_pattern/).
set(stix_dir ${PROJECT_SOURCE_DIR}/plugins/reader/stix)
list(APPEND STOQ_FUZZ_TARGETS fuzz_stix_pattern)
set(fuzz_stix_pattern_SOURCES ${stix_dir}/fuzz_stix_pattern.cpp ${stix_dir}/bundle.cpp
    ${PROJECT_SOURCE_DIR}/plugins/reader/text/decode.cpp)
set(fuzz_stix_pattern_INCLUDE ${stix_dir} ${PROJECT_SOURCE_DIR}/plugins/reader/text)
