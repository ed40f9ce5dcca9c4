# worker:peinfo's PE parser (fuzz/CMakeLists.txt includes this file).
set(peinfo_dir ${PROJECT_SOURCE_DIR}/plugins/worker/peinfo)
list(APPEND STOQ_FUZZ_TARGETS fuzz_peinfo)
set(fuzz_peinfo_SOURCES ${peinfo_dir}/fuzz_peinfo.cpp ${peinfo_dir}/pe_analyze.cpp ${peinfo_dir}/pe_image.cpp
    ${peinfo_dir}/pe_names.cpp ${peinfo_dir}/pe_imports.cpp ${peinfo_dir}/pe_ordinals.cpp
    ${peinfo_dir}/pe_resources.cpp ${peinfo_dir}/pe_version.cpp ${peinfo_dir}/pe_debug.cpp
    ${peinfo_dir}/pe_signature.cpp)
set(fuzz_peinfo_INCLUDE ${peinfo_dir})
set(fuzz_peinfo_LIBRARIES OpenSSL::Crypto)
