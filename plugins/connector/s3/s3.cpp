// connector:s3: results documents and archived payloads as objects of one bucket, on
// AWS S3 or any S3-compatible server, signed with AWS Signature V4 (libcurl's
// CURLOPT_AWS_SIGV4, through the shared HTTP client).
//   results   <results_prefix><index>/[YYYY/MM/DD/]<uuid>.json (or .txt for -T text)
//   archive   <archive_prefix><sha1>, plus <archive_prefix>md5/<md5> (and sha256/,
//             sha512/) holding the sha1, so get_file finds a payload by any hash; an
//             object already there is not written again (content-addressed)
// Transport failures and 5xx/429 answers are retried `retries` times with backoff; other
// answers are errors naming S3's code (AccessDenied, NoSuchBucket, ...). A save that
// fails throws: the message behind it is not acknowledged.
#include <chrono>
#include <ctime>
#include <optional>
#include <random>
#include <string>

#include "http_client.hpp"
#include "queue_support.hpp"
#include "stoq/plugin.hpp"

namespace stoq::plugins::s3 {
namespace {

constexpr const char* kIndexedHashes[] = {"md5", "sha256", "sha512"};

// Object keys: unreserved characters and '/' as they are, anything else %XX (SigV4's
// canonical URI must equal what is sent).
std::string encode_key(std::string_view key) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string encoded;
  for (unsigned char c : key) {
    if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~' || c == '/') {
      encoded += static_cast<char>(c);
    } else {
      encoded += '%';
      encoded += kHex[c >> 4];
      encoded += kHex[c & 0x0F];
    }
  }
  return encoded;
}

// S3's error code from an XML error body (<Code>NoSuchKey</Code>), or the status.
std::string s3_error(const http::Response& response) {
  std::size_t start = response.body.find("<Code>");
  std::size_t end = response.body.find("</Code>");
  if (start != std::string::npos && end != std::string::npos && end > start + 6) {
    return "HTTP " + std::to_string(response.status) + " " + response.body.substr(start + 6, end - start - 6);
  }
  return "HTTP " + std::to_string(response.status);
}

bool is_hex_digest(const std::string& value, std::size_t length) {
  return value.size() == length &&
         std::all_of(value.begin(), value.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

std::string random_name() {
  std::random_device random;
  std::string name;
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 32; ++i) name += kHex[random() % 16];
  return name;
}

class S3Connector final : public Connector {
 public:
  bool activate(Stoq& /*stoq*/) override {
    bucket_ = options().get_string("bucket_name");
    region_ = options().get_string("region");
    access_key_ = queue_support::secret(options(), "access_key");
    secret_key_ = queue_support::secret(options(), "secret_key");
    endpoint_ = options().get_string("endpoint");
    results_prefix_ = options().get_string("results_prefix");
    archive_prefix_ = options().get_string("archive_prefix");
    retries_ = static_cast<int>(options().get_int("retries"));
    timeout_ = std::chrono::seconds(options().get_int("timeout"));
    if (bucket_.empty() || bucket_.find('/') != std::string::npos) throw Error("bucket_name must be a bucket name");
    if (region_.empty()) throw Error("region must not be empty");
    if (access_key_.empty() || secret_key_.empty()) {
      throw Error(
          "no credentials: set access_key and secret_key, or the environment variables access_key_env and "
          "secret_key_env name (" +
          options().get_string("access_key_env") + ", " + options().get_string("secret_key_env") + ")");
    }
    if (retries_ < 1 || retries_ > 100) throw Error("retries must be 1..100");
    if (timeout_.count() < 1 || timeout_.count() > 3600) throw Error("timeout must be 1..3600 seconds");
    if (endpoint_.empty()) endpoint_ = "https://s3." + region_ + ".amazonaws.com";
    while (!endpoint_.empty() && endpoint_.back() == '/') endpoint_.pop_back();
    connect();
    return true;
  }

  // HEAD the bucket: an unreachable server or a missing bucket is one line at start.
  void connect() override {
    http::Response response = request("HEAD", "", {}, {});
    if (response.status == 404) throw Error("bucket " + bucket_ + " does not exist on " + http::endpoint_of(endpoint_));
    if (response.status >= 300)
      throw Error("bucket " + bucket_ + " on " + http::endpoint_of(endpoint_) + ": " + s3_error(response));
  }

  void disconnect() override { client_.disconnect(); }

  Json save(const Content& payload, const Json& kwargs) override {
    if (kwargs.value("archive", false)) return archive(payload.bytes(), kwargs);
    std::string key = results_prefix_ + kwargs.value("index", std::string("stoq")) + "/";
    if (kwargs.value("use_date", false)) key += date_path();
    bool text = payload.kind() == Content::Kind::Text;
    key += document_name(payload) + (text ? ".txt" : ".json");
    std::string body = payload.serialize(-1);
    put(key, body, text ? "text/plain; charset=utf-8" : "application/json");
    return key;
  }

  Payload get_file(const Json& kwargs) override {
    std::string sha1 = kwargs.value("sha1", "");
    if (!is_hex_digest(sha1, 40)) sha1 = sha1_from_index(kwargs);
    std::string key = archive_prefix_ + sha1;
    auto limit = static_cast<std::size_t>(stoq().config().max_payload_size);
    http::Response response = request("GET", key, {}, {}, limit);
    if (response.status == 404) throw Error("no archived payload " + key + " in bucket " + bucket_);
    if (response.status != 200) throw Error("cannot get " + key + ": " + s3_error(response));
    return Payload(Bytes(response.body.begin(), response.body.end()));
  }

 private:
  Json archive(ByteView bytes, const Json& kwargs) {
    std::string sha1 = kwargs.value("sha1", "");
    if (!is_hex_digest(sha1, 40)) throw Error("archiving needs the payload's sha1");
    std::string key = archive_prefix_ + sha1;
    if (request("HEAD", key, {}, {}).status != 200) {
      put(key, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), "application/octet-stream");
    }
    for (const char* hash : kIndexedHashes) {
      std::string value = kwargs.value(hash, "");
      if (!value.empty()) put(archive_prefix_ + hash + "/" + value, sha1, "text/plain");
    }
    return key;
  }

  std::string sha1_from_index(const Json& kwargs) {
    for (const char* hash : kIndexedHashes) {
      std::string value = kwargs.value(hash, "");
      if (value.empty()) continue;
      if (value.find('/') != std::string::npos || value.size() > 128) throw Error(std::string("bad ") + hash);
      std::string key = archive_prefix_ + hash + "/" + value;
      http::Response response = request("GET", key, {}, {}, 64);
      if (response.status == 404) continue;
      if (response.status != 200) throw Error("cannot get " + key + ": " + s3_error(response));
      if (is_hex_digest(response.body, 40)) return response.body;
    }
    throw Error("no archived payload with that sha1, md5, sha256 or sha512 in bucket " + bucket_);
  }

  void put(const std::string& key, std::string_view body, const std::string& type) {
    http::Response response = request("PUT", key, body, {"Content-Type: " + type});
    if (response.status != 200) throw Error("cannot put " + key + " in bucket " + bucket_ + ": " + s3_error(response));
  }

  // One request, retried on transport errors and 5xx/429 answers.
  http::Response request(const std::string& method, const std::string& key, std::string_view body,
                         std::vector<std::string> headers, std::size_t max_response = 0) {
    http::Request request;
    request.method = method;
    request.url = endpoint_ + "/" + bucket_ + (key.empty() ? "" : "/" + encode_key(key));
    request.headers = std::move(headers);
    // SigV4 for S3 signs the payload's SHA-256, which libcurl 7.88 does not compute.
    request.headers.push_back("x-amz-content-sha256: " + compute_hashes(ByteView(body)).sha256);
    request.body = body;
    request.timeout = timeout_;
    request.user_password = access_key_ + ":" + secret_key_;
    request.aws_sigv4 = "aws:amz:" + region_ + ":s3";
    request.max_response_bytes = max_response;
    queue_support::Backoff backoff;
    for (int attempt = 1;; ++attempt) {
      std::string failure;
      try {
        http::Response response = client_.perform(request);
        if (response.status < 500 && response.status != 429) return response;
        failure = s3_error(response);
      } catch (const http::TransportError& error) {
        failure = error.what();
      }
      std::string what = method + " " + (key.empty() ? bucket_ : key) + " on " + http::endpoint_of(endpoint_);
      if (attempt >= retries_) throw Error(what + " failed: " + failure);
      log().warn(what + " failed (" + failure + "); attempt " + std::to_string(attempt + 1) + " of " +
                 std::to_string(retries_) + " in " + std::to_string(backoff.next_delay().count()) + " ms");
      if (!backoff.wait(stoq())) throw Error(what + " failed: " + failure);
    }
  }

  static std::string date_path() {
    std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    std::array<char, 16> text{};
    std::strftime(text.data(), text.size(), "%Y/%m/%d/", &utc);
    return text.data();
  }

  // The results' first uuid (the payload's), else a random name.
  static std::string document_name(const Content& payload) {
    if (payload.kind() == Content::Kind::Results) {
      const Json& document = payload.json();
      auto results = document.find("results");
      if (results != document.end() && results->is_array() && !results->empty()) {
        const Json& uuid = (*results)[0].value("uuid", Json());
        if (uuid.is_array() && !uuid.empty() && uuid.back().is_string()) {
          std::string name = uuid.back().get<std::string>();
          if (!name.empty() && name.size() <= 64 && name.find('/') == std::string::npos) return name;
        }
      }
    }
    return random_name();
  }

  std::string bucket_, region_, access_key_, secret_key_, endpoint_, results_prefix_, archive_prefix_;
  int retries_ = 3;
  std::chrono::seconds timeout_{60};
  http::HttpClient client_;
};

constexpr stoq_option_spec kOptions[] = {
    {"access_key", STOQ_OPTION_STRING, "", "Access key id (prefer access_key_env).", 0},
    {"access_key_env", STOQ_OPTION_STRING, "AWS_ACCESS_KEY_ID", "Environment variable that, when set, gives it.", 0},
    {"secret_key", STOQ_OPTION_STRING, "", "Secret access key (prefer secret_key_env).", 0},
    {"secret_key_env", STOQ_OPTION_STRING, "AWS_SECRET_ACCESS_KEY", "Environment variable that, when set, gives it.",
     0},
    {"bucket_name", STOQ_OPTION_STRING, "stoq-archive", "The bucket (it must exist).", 0},
    {"region", STOQ_OPTION_STRING, "us-east-1", "Region, for the signature (and the AWS endpoint).", 0},
    {"endpoint", STOQ_OPTION_STRING, "",
     "Base URL of an S3-compatible server, path-style (empty: https://s3.<region>.amazonaws.com).", 0},
    {"results_prefix", STOQ_OPTION_STRING, "results/", "Key prefix of results documents.", 0},
    {"archive_prefix", STOQ_OPTION_STRING, "archive/", "Key prefix of archived payloads.", 0},
    {"retries", STOQ_OPTION_INT, "3", "Attempts of each request (with backoff) on transport errors and 5xx.", 0},
    {"timeout", STOQ_OPTION_INT, "60", "Seconds one request may take.", 0},
};

}  // namespace
}  // namespace stoq::plugins::s3

STOQ_PLUGIN(stoq::plugins::s3::S3Connector, "s3", "1.0", "Save results and archive payloads in an S3 bucket",
            stoq::plugins::s3::kOptions)
