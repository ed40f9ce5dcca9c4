// The shared HTTP client (http_client.hpp) against FakeServer: what the server received
// is the oracle, and `base64` for the basic-auth header.
#include "http_client.hpp"

#include <gtest/gtest.h>

#include "es_test_support.hpp"
#include "fake_http_server.hpp"
#include "stoq/testing.hpp"

namespace {
using stoq::http::endpoint_of;
using stoq::http::HttpClient;
using stoq::http::Request;
using stoq::http::TransportError;
using namespace std::chrono_literals;

TEST(HttpClient, EndpointOfNamesHostAndPortOnly) {
  EXPECT_EQ(endpoint_of("http://es:9200/_bulk?x=1"), "es:9200");
  EXPECT_EQ(endpoint_of("https://hooks.slack.com/services/T0/B0/SECRET"), "hooks.slack.com:443");
  EXPECT_EQ(endpoint_of("http://user:pass@10.0.0.1/path"), "10.0.0.1:80");
  EXPECT_EQ(endpoint_of("http://[::1]:8080/"), "[::1]:8080");
  EXPECT_EQ(endpoint_of("HTTPS://Example.org"), "Example.org:443");
}

TEST(HttpClient, SendsMethodHeadersAndBodyAndReadsTheAnswer) {
  fake_http::FakeServer server;
  server.respond([](const fake_http::Recorded& request, httplib::Response& response) {
    response.status = request.method == "PUT" ? 201 : 200;
    response.set_header("X-Echo-Length", std::to_string(request.body.size()));
    response.set_content(request.method == "HEAD" ? "" : "answer to " + request.method, "text/plain");
  });
  HttpClient client;
  Request put;
  put.method = "PUT";
  put.url = server.url() + "/bucket/key";
  put.headers = {"Content-Type: application/octet-stream", "X-Custom: yes"};
  const std::string body("binary\0body", 11);
  put.body = body;
  auto answer = client.perform(put);
  EXPECT_EQ(answer.status, 201);
  EXPECT_EQ(answer.body, "answer to PUT");
  EXPECT_EQ(answer.header("x-echo-length"), "11");
  EXPECT_EQ(answer.header("X-ECHO-LENGTH"), "11");

  Request get;
  get.url = server.url() + "/bucket/key?list";
  EXPECT_EQ(client.perform(get).body, "answer to GET");
  Request del;
  del.method = "DELETE";
  del.url = server.url() + "/bucket/key";
  EXPECT_EQ(client.perform(del).status, 200);

  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 3U);
  EXPECT_EQ(requests[0].method, "PUT");
  EXPECT_EQ(requests[0].path, "/bucket/key");
  EXPECT_EQ(requests[0].body, body);
  EXPECT_EQ(requests[0].headers["x-custom"], "yes");
  EXPECT_EQ(requests[0].headers["content-type"], "application/octet-stream");
  EXPECT_EQ(requests[0].headers.count("expect"), 0U);  // no 100-continue round trip
  EXPECT_EQ(requests[1].method, "GET");
  EXPECT_EQ(requests[2].method, "DELETE");
  EXPECT_TRUE(requests[2].body.empty());
}

TEST(HttpClient, BasicAuthAndAwsSignatures) {
  STOQ_NEED_TOOL("base64");
  fake_http::FakeServer server;
  server.respond([](const fake_http::Recorded&, httplib::Response& response) { response.status = 204; });
  HttpClient client;
  Request basic;
  basic.url = server.url() + "/";
  basic.user_password = "user:p@ss:word";
  client.perform(basic);
  Request signed_request;
  signed_request.method = "PUT";
  signed_request.url = server.url() + "/bucket/key";
  signed_request.body = "x";
  signed_request.user_password = "AKIDEXAMPLE:secret";
  signed_request.aws_sigv4 = "aws:amz:us-east-1:s3";
  client.perform(signed_request);
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2U);
  std::string encoded = stoq::testing::run_command("printf %s 'user:p@ss:word' | base64");
  encoded.pop_back();
  EXPECT_EQ(requests[0].headers["authorization"], "Basic " + encoded);
  EXPECT_EQ(requests[1].headers["authorization"].rfind("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/", 0), 0U)
      << requests[1].headers["authorization"];
  EXPECT_EQ(requests[1].headers.count("x-amz-date"), 1U);
}

TEST(HttpClient, ErrorsNameTheEndpointAndNeverTheUrl) {
  es_test::RefusingPort refusing;
  const std::string address = "127.0.0.1:" + std::to_string(refusing.port());
  HttpClient client;
  Request request;
  request.url = "http://" + address + "/services/SECRET-PATH";
  try {
    client.perform(request);
    FAIL() << "a closed port answered";
  } catch (const TransportError& e) {
    EXPECT_EQ(std::string(e.what()).rfind(address + ": ", 0), 0U) << e.what();
    EXPECT_EQ(std::string(e.what()).find("SECRET"), std::string::npos) << e.what();
  }
  EXPECT_THROW(client.check_reachable(request.url, 5s), TransportError);
  request.url = "ftp://" + address + "/file";
  try {
    client.perform(request);
    FAIL() << "ftp was accepted";
  } catch (const TransportError& e) {
    FAIL() << "a refused scheme is not a transport error: " << e.what();
  } catch (const stoq::Error& e) {
    EXPECT_NE(std::string(e.what()).find("not a usable http(s) URL"), std::string::npos) << e.what();
  }
}

TEST(HttpClient, ALargerAnswerThanAllowedIsAnErrorAndASlowOneTimesOut) {
  fake_http::FakeServer server;
  server.respond([](const fake_http::Recorded& request, httplib::Response& response) {
    if (request.path == "/slow") std::this_thread::sleep_for(3s);
    response.set_content(std::string(1000, 'x'), "text/plain");
  });
  HttpClient client;
  client.check_reachable(server.url() + "/anything", 5s);
  Request request;
  request.url = server.url() + "/big";
  request.max_response_bytes = 999;
  EXPECT_THROW(
      {
        try {
          client.perform(request);
        } catch (const TransportError&) {
          ADD_FAILURE() << "an oversized answer is not a transport error";
        }
      },
      stoq::Error);
  request.max_response_bytes = 1000;
  EXPECT_EQ(client.perform(request).body.size(), 1000U);
  request.url = server.url() + "/slow";
  request.timeout = 300ms;
  EXPECT_THROW(client.perform(request), TransportError);
}

}  // namespace
