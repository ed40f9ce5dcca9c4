# extractor:email's parser (fuzz/CMakeLists.txt includes this file).
set(email_dir ${PROJECT_SOURCE_DIR}/plugins/extractor/email)
list(APPEND STOQ_FUZZ_TARGETS fuzz_mime)
set(fuzz_mime_SOURCES ${email_dir}/fuzz_mime.cpp ${email_dir}/mime.cpp ${email_dir}/codecs.cpp)
set(fuzz_mime_INCLUDE ${email_dir})
