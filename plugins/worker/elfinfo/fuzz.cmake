# worker elfinfo's ELF parser (elf_parser.cpp) on arbitrary bytes; seeds in fuzz/corpus/fuzz_elfinfo/.
set(elfinfo_dir ${PROJECT_SOURCE_DIR}/plugins/worker/elfinfo)
list(APPEND STOQ_FUZZ_TARGETS fuzz_elfinfo)
set(fuzz_elfinfo_SOURCES ${elfinfo_dir}/fuzz_elfinfo.cpp ${elfinfo_dir}/elf_parser.cpp ${elfinfo_dir}/elf_names.cpp)
set(fuzz_elfinfo_INCLUDE ${elfinfo_dir})
