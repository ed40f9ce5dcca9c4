# reader:text's decoder over arbitrary bytes (seeds in fuzz/corpus/fuzz_text_decode/).
set(text_dir ${PROJECT_SOURCE_DIR}/plugins/reader/text)
list(APPEND STOQ_FUZZ_TARGETS fuzz_text_decode)
set(fuzz_text_decode_SOURCES ${text_dir}/fuzz_text_decode.cpp ${text_dir}/decode.cpp)
set(fuzz_text_decode_INCLUDE ${text_dir})
