# extractor:decompress parsers of untrusted bytes, one libFuzzer target each (seeds in
# fuzz/corpus/fuzz_<x>/): the deflate64 and implode decoders and the zip central-
# directory reader (which also decodes the deflate64/implode members it finds).
set(decompress_dir ${PROJECT_SOURCE_DIR}/plugins/extractor/decompress)
foreach(parser deflate64 implode zip_directory)
  list(APPEND STOQ_FUZZ_TARGETS fuzz_${parser})
  set(fuzz_${parser}_SOURCES ${decompress_dir}/fuzz_${parser}.cpp ${decompress_dir}/codec.cpp
      ${decompress_dir}/deflate64.cpp ${decompress_dir}/implode.cpp ${decompress_dir}/zip_directory.cpp)
  set(fuzz_${parser}_INCLUDE ${decompress_dir})
endforeach()
