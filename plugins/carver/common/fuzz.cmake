# Two combined libFuzzer targets for the carver and decoder plugins (the first input
# byte picks the parser): fuzz_decoders (every decoder codec) and fuzz_carvers (pe,
# rtf, OLE Packager, swf, xdp parsers and the `headers` patterns). Seeds:
# fuzz/corpus/fuzz_decoders/ and fuzz/corpus/fuzz_carvers/.
set(carve_root ${PROJECT_SOURCE_DIR}/plugins)
set(carve_common ${carve_root}/carver/common)
set(carve_common_sources ${carve_common}/byte_sink.cpp ${carve_common}/codecs.cpp ${carve_common}/packager.cpp
    ${carve_common}/patterns.cpp)
list(APPEND STOQ_FUZZ_TARGETS fuzz_decoders fuzz_carvers)
set(fuzz_decoders_SOURCES ${carve_common}/fuzz_decoders.cpp ${carve_common_sources}
    ${carve_root}/decoder/xor/xor_codec.cpp ${carve_root}/decoder/b85/b85_codec.cpp
    ${carve_root}/decoder/hex/hex_codec.cpp ${carve_root}/decoder/uu/uu_codec.cpp
    ${carve_root}/decoder/binhex/binhex_codec.cpp)
set(fuzz_decoders_INCLUDE ${carve_common} ${carve_root}/decoder/xor ${carve_root}/decoder/b85
    ${carve_root}/decoder/hex ${carve_root}/decoder/uu ${carve_root}/decoder/binhex ${carve_root}/decoder/rot47
    ${carve_root}/decoder/bitrot)
set(fuzz_carvers_SOURCES ${carve_common}/fuzz_carvers.cpp ${carve_common_sources}
    ${carve_root}/carver/pe/pe_layout.cpp ${carve_root}/carver/rtf/hex_runs.cpp ${carve_root}/carver/rtf/ole1.cpp
    ${carve_root}/carver/swf/swf_extract.cpp ${carve_root}/carver/xdp/xdp_chunks.cpp)
set(fuzz_carvers_INCLUDE ${carve_common} ${carve_root}/carver/pe ${carve_root}/carver/rtf ${carve_root}/carver/swf
    ${carve_root}/carver/xdp)
set(fuzz_carvers_LIBRARIES z lzma)
