// worker:smtp: SMTP sessions (envelope, dot-stuffing, BDAT, RSET, several transactions,
// unterminated DATA), limits, the original .stoq file, the stoq executable end to end
// with the stdout template, and the fuzz target over its seeds.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "run_cli.hpp"
#include "session.hpp"
#include "smtp_test_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

namespace fs = std::filesystem;
using stoq::Json;
using stoq::testing::TempDir;

const std::string kShort = "From: a@example.org\r\nTo: b@example.com\r\nSubject: hi\r\n\r\nbody\r\n";

TEST(SmtpSession, EnvelopeAndSeveralTransactions) {
  std::string session =
      "220 mx.example.com ESMTP\r\n"
      "EHLO client.example.org\r\n250-mx\r\n250 AUTH PLAIN\r\n"
      "AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n235 ok\r\n"
      "MAIL FROM:<a@example.org> SIZE=100\r\nRCPT TO:<b@example.com>\r\nRCPT TO:<c@example.com> NOTIFY=NEVER\r\n"
      "DATA\r\n354 go\r\n" +
      smtp_test::dot_stuffed(kShort + ".hidden\r\n..two\r\n") +
      ".\r\n250 ok\r\n"
      "MAIL FROM:<>\r\nRCPT TO:<d@example.com>\r\nRSET\r\n"  // abandoned
      "MAIL FROM:<x@example.org>\r\nRCPT TO:<y@example.com>\r\nBDAT 20\r\nSubject: chunked\r\n\r\nBDAT 6 LAST\r\nhello!"
      "QUIT\r\n";
  smtp_test::Smtp smtp;
  Json scan = smtp.scan(session);
  ASSERT_TRUE(scan.is_array()) << scan.dump(2);
  ASSERT_EQ(scan.size(), 2U);
  const Json& first = scan[0];
  EXPECT_EQ(first["container"], "smtp_session");
  EXPECT_EQ(first["envelope"]["helo"], "client.example.org");
  EXPECT_EQ(first["envelope"]["mail_from"], "a@example.org");
  EXPECT_EQ(first["envelope"]["rcpt_to"], Json::array({"b@example.com", "c@example.com"}));
  EXPECT_EQ(first["envelope"]["auth_mechanism"], "PLAIN");
  EXPECT_EQ(first["envelope"].dump().find("AGFsaWNl"), std::string::npos);  // credentials never kept
  EXPECT_EQ(first["envelope"]["complete"], true);
  EXPECT_EQ(first["subject"], "hi");
  EXPECT_EQ(first["body"], "body\r\n.hidden\r\n..two\r\n");
  const Json& second = scan[1];
  EXPECT_EQ(second["message_index"], 1);
  EXPECT_EQ(second["envelope"]["mail_from"], "x@example.org");
  EXPECT_EQ(second["envelope"]["rcpt_to"], Json::array({"y@example.com"}));
  EXPECT_EQ(second["subject"], "chunked");
  EXPECT_EQ(second["body"], "hello!");
}

TEST(SmtpSession, UnterminatedDataAndStartTls) {
  smtp_test::Smtp smtp;
  Json scan = smtp.scan("EHLO c\r\nSTARTTLS\r\nEHLO c\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n" + kShort);
  ASSERT_TRUE(scan.is_object()) << scan.dump(2);
  EXPECT_EQ(scan["envelope"]["complete"], false);
  EXPECT_EQ(scan["envelope"]["starttls"], true);
  EXPECT_EQ(scan["subject"], "hi");
  EXPECT_NE(scan["session_defects"].dump().find("inside DATA"), std::string::npos);
  // A session without DATA: one document saying what was there.
  Json empty = smtp.scan("HELO c\r\nQUIT\r\n");
  EXPECT_EQ(empty["container"], "smtp_session");
  EXPECT_EQ(empty["messages"], 0);
}

TEST(SmtpSession, DetectionAndLimits) {
  using stoq::smtp::Container;
  EXPECT_EQ(stoq::smtp::detect("220 hi\r\nehlo x\r\n"), Container::Session);
  EXPECT_EQ(stoq::smtp::detect("MAIL FROM:<a@b>\r\n"), Container::Session);
  EXPECT_EQ(stoq::smtp::detect("From a@b Mon Jan  1 00:00:00 2024\n"), Container::Mbox);
  EXPECT_EQ(stoq::smtp::detect("Received: from x\r\nHELO: y\r\n"), Container::Message);
  stoq::smtp::SessionLimits limits;
  limits.max_transactions = 2;
  limits.max_recipients = 1;
  limits.max_data_bytes = 10;
  std::string many;
  for (int i = 0; i < 5; ++i)
    many += "MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nRCPT TO:<e@f>\r\nDATA\r\n" + kShort + ".\r\n";
  stoq::smtp::Session session = stoq::smtp::parse_session(many, limits);
  ASSERT_EQ(session.transactions.size(), 2U);
  EXPECT_TRUE(session.more);
  EXPECT_EQ(session.transactions[0].envelope.rcpt_dropped, 1U);
  EXPECT_EQ(session.transactions[0].data.size(), 10U);
  EXPECT_TRUE(session.transactions[0].envelope.truncated);
  // Through the plugin: max_messages is said.
  smtp_test::Smtp smtp(smtp_test::Overrides{{"max_messages", "2"}});
  Json scan = smtp.scan(many);
  ASSERT_EQ(scan.size(), 2U);
  EXPECT_EQ(scan[1]["limits_reached"], Json::array({"max_messages"}));
}

TEST(SmtpLimits, HeadersPartsBodiesAndDecodedBytes) {
  std::string message = smtp_test::sample_message();
  Json few = smtp_test::Smtp(smtp_test::Overrides{{"max_headers", "3"}, {"max_header_bytes", "5"}}).scan(message);
  EXPECT_EQ(few["headers"].size(), 3U);
  EXPECT_EQ(few["headers"]["from"], "Fran");  // "Fran\xC3\xA7" is 6 bytes: never cut inside a UTF-8 sequence
  EXPECT_NE(few["limits_reached"].dump().find("max_headers"), std::string::npos);
  Json parts = smtp_test::Smtp(smtp_test::Overrides{{"max_parts", "1"}}).scan(message);
  EXPECT_EQ(parts["parts"], 1);
  EXPECT_EQ(parts["att"].size(), 0U);
  EXPECT_NE(parts["limits_reached"].dump().find("max_parts"), std::string::npos);
  Json body = smtp_test::Smtp(smtp_test::Overrides{{"max_body_bytes", "4"}}).scan(message);
  EXPECT_EQ(body["body"], "Caf");
  EXPECT_EQ(body["body_truncated"], true);
  Json decoded = smtp_test::Smtp(smtp_test::Overrides{{"max_decoded_bytes", "30"}}).scan(message);
  EXPECT_NE(decoded["limits_reached"].dump().find("max_decoded_bytes"), std::string::npos);
  EXPECT_EQ(decoded["att"].size(), 0U);
  // The harness outlives the exception: it unloads the module that threw it.
  TempDir work;
  stoq::testing::PluginHarness harness(work.path());
  EXPECT_THROW(harness.activate<stoq::Worker>(STOQ_PLUGIN_DIR, "smtp", {{"max_parts", "0"}}), stoq::Error);
}

TEST(SmtpLimits, DeepNestingAndManyAddressesAreBounded) {
  std::string nested;
  for (int i = 0; i < 500; ++i) nested += "Content-Type: message/rfc822\r\n\r\n";
  nested += "Subject: bottom\r\n\r\nbody\r\n";
  Json scan = smtp_test::Smtp(smtp_test::Overrides{{"max_nesting", "8"}}).scan(nested);
  EXPECT_EQ(scan["parts"], 1);
  EXPECT_NE(scan["defects"].dump().find("nesting deeper than 8"), std::string::npos);
  std::string to = "To: ";
  for (int i = 0; i < 3000; ++i) to += "u" + std::to_string(i) + "@example.com, ";
  Json many = smtp_test::Smtp(smtp_test::Overrides{{"max_addresses", "10"}}).scan(to + "\r\n\r\nx\r\n");
  EXPECT_EQ(many["to"].size(), 10U);
}

TEST(SmtpStoqFile, TheOriginalStoqFileLoadsUnchanged) {
  const fs::path original = fs::path(STOQ_SHARED_DIR) / "corpus" / "stoq-configs" / "worker" / "smtp.stoq";
  if (!fs::exists(original)) STOQ_MISSING("original .stoq not present: " << original);
  TempDir plugins;
  const std::string folder = plugins.mkdir("worker/smtp");
  fs::copy_file(original, folder + "/smtp.stoq");
  fs::create_symlink(fs::path(STOQ_PLUGIN_DIR) / "worker" / "smtp" / "smtp.so", folder + "/smtp.so");
  smtp_test::Smtp smtp({}, plugins.path());
  Json scan = smtp.scan(smtp_test::sample_message());
  EXPECT_EQ(scan["att"].size(), 1U);
  EXPECT_EQ(scan["from"][0]["address"], "francois@example.org");
  // What is not implemented is refused, not pretended.
  TempDir work;
  stoq::testing::PluginHarness harness(work.path());
  EXPECT_THROW(harness.activate<stoq::Worker>(plugins.path(), "smtp", {{"use_queue", "True"}}), stoq::Error);
  EXPECT_THROW(harness.activate<stoq::Worker>(plugins.path(), "smtp", {{"use_bloom", "True"}}), stoq::Error);
}

TEST(SmtpCli, CorpusMessageAndTemplate) {
  const std::string eml = smtp_test::corpus("test.eml");
  STOQ_NEED_PATH(eml);
  stoq_test::StoqEnv env;
  stoq_test::CliResult result = stoq_test::run_stoq(env, {"smtp", "-F", eml});
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  std::vector<stoq_test::OJson> documents = stoq_test::documents_of(result);
  ASSERT_EQ(documents.size(), 1U) << result.describe();
  EXPECT_EQ(documents[0]["results"][0]["scan"]["att"].size(), 2U);
  stoq_test::CliResult text = stoq_test::run_stoq(env, {"smtp", "-F", eml, "-T", "stdout.tpl"});
  ASSERT_EQ(text.exit_code, 0) << text.describe();
  EXPECT_TRUE(stoq_test::contains(text.out, "From      Foo Bar <foo.bar@example.com>")) << text.out;
  EXPECT_TRUE(stoq_test::contains(text.out, "test.doc")) << text.out;
  // An mbox: one document per message.
  std::string mbox = env.home().write(
      "input/box.mbox", "From a Mon Jan  1 00:00:00 2024\n" + kShort + "\nFrom b Mon Jan  1 00:00:00 2024\n" + kShort);
  stoq_test::CliResult boxed = stoq_test::run_stoq(env, {"smtp", "-F", mbox});
  ASSERT_EQ(boxed.exit_code, 0) << boxed.describe();
  EXPECT_EQ(stoq_test::documents_of(boxed).size(), 2U) << boxed.describe();
}

TEST(SmtpFuzz, SeedsAndRandomDamage) {
  std::vector<std::string> rejected;
  EXPECT_GE(stoq::testing::replay_seeds(SMTP_FUZZ_CORPUS, LLVMFuzzerTestOneInput, &rejected), 4U);
  EXPECT_EQ(rejected, std::vector<std::string>{});
  const std::string base = "EHLO x\r\nMAIL FROM:<a@b>\r\nDATA\r\n" + smtp_test::sample_message() + ".\r\n";
  unsigned seed = 7;
  for (int round = 0; round < 1500; ++round) {
    std::string mutated = base;
    for (int i = 0; i < 6; ++i) {
      seed = seed * 1103515245U + 12345U;
      mutated[(seed >> 8) % mutated.size()] = "-=\r\n:;\"<>(.,@\x80\xff"[(seed >> 20) % 15];
    }
    if (round % 5 == 0) mutated.resize((seed >> 4) % mutated.size());
    EXPECT_EQ(LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(mutated.data()), mutated.size()), 0);
  }
}

}  // namespace
