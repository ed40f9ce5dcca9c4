# worker:smtp: session splitting, mbox splitting, address lists and the per-message
# results over arbitrary bytes (seeds in fuzz/corpus/fuzz_smtp/). The MIME parser it
# drives is extractor:email's, compiled in here so that libFuzzer instruments it too.
set(smtp_dir ${PROJECT_SOURCE_DIR}/plugins/worker/smtp)
set(smtp_email_dir ${PROJECT_SOURCE_DIR}/plugins/extractor/email)
list(APPEND STOQ_FUZZ_TARGETS fuzz_smtp)
set(fuzz_smtp_SOURCES ${smtp_dir}/fuzz_smtp.cpp ${smtp_dir}/session.cpp ${smtp_dir}/addresses.cpp
    ${smtp_dir}/message.cpp ${smtp_email_dir}/mime.cpp ${smtp_email_dir}/codecs.cpp)
set(fuzz_smtp_INCLUDE ${smtp_dir} ${smtp_email_dir})
