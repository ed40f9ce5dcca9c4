# worker:strings: the string scanner over arbitrary bytes (seeds in fuzz/corpus/fuzz_strings/).
set(strings_dir ${PROJECT_SOURCE_DIR}/plugins/worker/strings)
list(APPEND STOQ_FUZZ_TARGETS fuzz_strings)
set(fuzz_strings_SOURCES ${strings_dir}/fuzz_strings.cpp ${strings_dir}/string_scanner.cpp)
set(fuzz_strings_INCLUDE ${strings_dir})
