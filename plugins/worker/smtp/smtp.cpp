// worker:smtp: e-mail as results. The payload may be one RFC 5322 message, an mbox or a
// raw SMTP session transcript; each message becomes one results document (an array
// when there are several) with its headers, addresses, subject, date, message id,
// text and HTML bodies and attachment list (name, type, size, md5/sha1/sha256).
// Extracting the attachments stays extractor:email's job under dispatch (-D).
//
// The original worker's options load unchanged. use_queue and use_bloom are not
// implemented: False is accepted, True refuses activation rather than pretend.
// workers_list, attachment_connector and the bloom_* settings are accepted and unused
// (attachments are scanned through dispatch and archived with -A).
#include <cstdlib>
#include <string>

#include "message.hpp"
#include "mime.hpp"
#include "session.hpp"
#include "stoq/plugin.hpp"

namespace stoq::plugins::worker::smtp {
namespace {

using stoq::smtp::Container;

constexpr stoq_option_spec kOptions[] = {
    {"max_messages", STOQ_OPTION_INT, "1000", "Messages reported from one mbox or SMTP session.", 0},
    {"max_headers", STOQ_OPTION_INT, "1000", "Header fields reported per message.", 0},
    {"max_header_bytes", STOQ_OPTION_INT, "65536", "Bytes kept of each decoded header value.", 0},
    {"max_addresses", STOQ_OPTION_INT, "1000", "Addresses reported per address field (from, to, cc, ...).", 0},
    {"max_parts", STOQ_OPTION_INT, "1000", "MIME leaf parts walked per message.", 0},
    {"max_nesting", STOQ_OPTION_INT, "32", "Multiparts and attached messages nested deeper are one part.", 0},
    {"max_decoded_bytes", STOQ_OPTION_INT, "268435456", "Decoded bytes of all parts of one message.", 0},
    {"max_body_bytes", STOQ_OPTION_INT, "1048576", "Bytes kept of the text and of the HTML body.", 0},
    {"max_recipients", STOQ_OPTION_INT, "1000", "RCPT TO kept per SMTP transaction.", 0},
    // The original smtp worker's options (stoq-plugins-public 0.14.0).
    {"use_queue", STOQ_OPTION_BOOL, "False", "Publish attachments to worker queues: not implemented, must be False.",
     0},
    {"workers_list", STOQ_OPTION_LIST, "", "Original: workers for attachments. Not used: use dispatch (-D).", 0},
    {"attachment_connector", STOQ_OPTION_STRING, "", "Original: connector saving attachments. Not used: use -A.", 0},
    {"use_bloom", STOQ_OPTION_BOOL, "False", "Bloom-filter dedupe of header values: not implemented, must be False.",
     0},
    {"bloom_directory", STOQ_OPTION_STRING, "", "Original bloom-filter folder. Not used.", 0},
    {"bloom_size", STOQ_OPTION_INT, "50000000", "Original bloom-filter capacity. Not used.", 0},
    {"bloom_fp_rate", STOQ_OPTION_STRING, "0.001", "Original bloom-filter false-positive rate. Not used.", 0},
    {"bloom_update", STOQ_OPTION_INT, "60", "Original bloom-filter save interval (s). Not used.", 0},
    {"bloomfield_list", STOQ_OPTION_LIST, "from", "Original headers put in bloom filters. Not used.", 0},
};

std::size_t positive(const Options& options, const char* name) {
  std::int64_t value = options.get_int(name);
  if (value < 1) throw Error(std::string(name) + " must be 1 or more, got " + std::to_string(value));
  return static_cast<std::size_t>(value);
}

Json envelope_of(const stoq::smtp::Envelope& envelope) {
  Json out = Json::object();
  out["helo"] = stoq::smtp::utf8(envelope.helo);
  out["mail_from"] = stoq::smtp::utf8(envelope.mail_from);
  Json rcpt_to = Json::array();
  for (const std::string& rcpt : envelope.rcpt_to) rcpt_to.push_back(stoq::smtp::utf8(rcpt));
  out["rcpt_to"] = std::move(rcpt_to);
  if (!envelope.auth_mechanism.empty()) out["auth_mechanism"] = stoq::smtp::utf8(envelope.auth_mechanism);
  if (envelope.tls) out["starttls"] = true;
  out["complete"] = envelope.complete;
  if (envelope.truncated) out["truncated"] = true;
  if (envelope.rcpt_dropped > 0) out["rcpt_dropped"] = envelope.rcpt_dropped;
  return out;
}

}  // namespace

class SmtpWorker final : public Worker {
 public:
  bool activate(Stoq& /*stoq*/) override {
    const Options& opts = options();
    if (opts.get_bool("use_queue")) {
      throw Error(
          "use_queue = True: publishing attachments to queues is not implemented in this stoq; set "
          "use_queue = False and scan attachments with dispatch (-D, extractor:email)");
    }
    if (opts.get_bool("use_bloom")) {
      throw Error(
          "use_bloom = True: bloom-filter dedupe of header values is not implemented in this stoq; set "
          "use_bloom = False");
    }
    limits_.max_headers = positive(opts, "max_headers");
    limits_.max_header_bytes = positive(opts, "max_header_bytes");
    limits_.max_addresses = positive(opts, "max_addresses");
    limits_.max_parts = positive(opts, "max_parts");
    limits_.max_nesting = positive(opts, "max_nesting");
    limits_.max_decoded_bytes = positive(opts, "max_decoded_bytes");
    limits_.max_body_bytes = positive(opts, "max_body_bytes");
    session_.max_transactions = positive(opts, "max_messages");
    session_.max_recipients = positive(opts, "max_recipients");
    session_.max_data_bytes = static_cast<std::size_t>(limits_.max_decoded_bytes);
    return true;
  }

  Json scan(const Payload& payload, const Json& /*kwargs*/) override {
    if (payload.is_none()) throw Error("smtp needs a payload: give a message, mbox or SMTP session with -F");
    std::string_view data = payload.bytes().as_string_view();
    Container container = stoq::smtp::detect(data);
    Json documents = Json::array();
    bool more = false;
    if (container == Container::Session) {
      stoq::smtp::Session session = stoq::smtp::parse_session(data, session_);
      more = session.more;
      for (std::size_t i = 0; i < session.transactions.size(); ++i) {
        const stoq::smtp::Transaction& transaction = session.transactions[i];
        Json document = header(container, i, session.transactions.size());
        document["envelope"] = envelope_of(transaction.envelope);
        document.update(stoq::smtp::describe_message(transaction.data, limits_));
        documents.push_back(std::move(document));
      }
      if (documents.empty()) {
        Json document = header(container, 0, 0);
        document["commands"] = session.commands;
        document["starttls"] = session.starttls;
        documents.push_back(std::move(document));
      }
      if (!session.defects.empty()) {
        Json defects = Json::array();
        for (const std::string& defect : session.defects) defects.push_back(stoq::smtp::utf8(defect));
        documents.back()["session_defects"] = std::move(defects);
      }
    } else if (container == Container::Mbox) {
      std::vector<std::string_view> messages = mime::split_mbox(data);
      std::size_t count = std::min(messages.size(), session_.max_transactions);
      more = count < messages.size();
      for (std::size_t i = 0; i < count; ++i) {
        Json document = header(container, i, messages.size());
        document.update(stoq::smtp::describe_message(messages[i], limits_));
        documents.push_back(std::move(document));
      }
    } else {
      Json document = header(container, 0, 1);
      document.update(stoq::smtp::describe_message(data, limits_));
      return document;
    }
    if (more) documents.back()["limits_reached"].push_back("max_messages");
    if (documents.size() == 1) return std::move(documents[0]);
    return documents;
  }

 private:
  static Json header(Container container, std::size_t index, std::size_t count) {
    Json document = Json::object();
    document["container"] = stoq::smtp::container_name(container);
    if (container != Container::Message) {
      document["message_index"] = index;
      document["messages"] = count;
    }
    return document;
  }

  stoq::smtp::MessageLimits limits_;
  stoq::smtp::SessionLimits session_;
};

}  // namespace stoq::plugins::worker::smtp

STOQ_PLUGIN(stoq::plugins::worker::smtp::SmtpWorker, "smtp", "0.14.0",
            "Parse e-mail messages, mbox files and SMTP sessions: headers, addresses, bodies and attachments",
            stoq::plugins::worker::smtp::kOptions)
