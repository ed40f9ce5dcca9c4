# extractor:pdf's libqpdf wrapper (fuzz/CMakeLists.txt includes this file). Only the
# wrapper gets coverage instrumentation: libqpdf itself is the system library.
find_package(qpdf REQUIRED)
set(pdf_dir ${PROJECT_SOURCE_DIR}/plugins/extractor/pdf)
list(APPEND STOQ_FUZZ_TARGETS fuzz_pdf)
set(fuzz_pdf_SOURCES ${pdf_dir}/fuzz_pdf.cpp ${pdf_dir}/pdf_streams.cpp)
set(fuzz_pdf_INCLUDE ${pdf_dir})
set(fuzz_pdf_LIBRARIES qpdf::libqpdf)
# qpdf 11.3's headers do not compile as C++20 with clang 14 (see pdf_streams.hpp).
set_source_files_properties(${pdf_dir}/pdf_streams.cpp PROPERTIES COMPILE_OPTIONS -std=c++17)
