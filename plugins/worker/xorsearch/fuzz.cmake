# worker:xorsearch: the terms parser and the one-pass searcher over arbitrary bytes,
# checked against a naive search (seeds in fuzz/corpus/fuzz_xorsearch/).
set(xorsearch_dir ${PROJECT_SOURCE_DIR}/plugins/worker/xorsearch)
list(APPEND STOQ_FUZZ_TARGETS fuzz_xorsearch)
set(fuzz_xorsearch_SOURCES ${xorsearch_dir}/fuzz_xorsearch.cpp ${xorsearch_dir}/xor_scanner.cpp)
set(fuzz_xorsearch_INCLUDE ${xorsearch_dir})
