// HttpClient against the in-test fake server: retries, streaming, bodies from files.
#include "store/http_client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "fake_http_server.h"
#include "store_test_support.h"
#include "test_support.h"

namespace csm::test {
namespace {

using store::HttpClient;
using store::HttpRequest;

HttpRequest Get(const std::string& url) {
  HttpRequest request;
  request.url = url;
  return request;
}

TEST(HttpClient, RetriesA503AndReturnsTheSuccess) {
  std::atomic<int> calls = 0;
  FakeHttpServer server([&](const FakeRequest&) {
    return ++calls == 1 ? HttpReply(503, "busy") : HttpReply(200, "done", {{"X-Thing", "1"}});
  });
  HttpClient client(FastRetries());
  auto response = client.Send(Get(server.url() + "/a"));
  ASSERT_TRUE(response.ok()) << response.status().message();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "done");
  EXPECT_EQ(response->Header("x-thing"), "1");
  EXPECT_EQ(calls, 2);
}

TEST(HttpClient, GivesUpAfterMaxAttemptsWithTheLastAnswer) {
  std::atomic<int> calls = 0;
  FakeHttpServer server([&](const FakeRequest&) {
    ++calls;
    return HttpReply(429, "slow down");
  });
  HttpClient client(FastRetries());
  auto response = client.Send(Get(server.url() + "/a"));
  ASSERT_TRUE(response.ok()) << response.status().message();
  EXPECT_EQ(response->status, 429);
  EXPECT_EQ(response->body, "slow down");
  EXPECT_EQ(calls, 3);
}

TEST(HttpClient, DoesNotRetryANonIdempotentRequest) {
  std::atomic<int> calls = 0;
  FakeHttpServer server([&](const FakeRequest&) {
    ++calls;
    return HttpReply(503, "");
  });
  HttpClient client(FastRetries());
  HttpRequest post = Get(server.url() + "/a");
  post.method = "POST";
  post.body = "payload";
  post.idempotent = false;
  auto response = client.Send(post);
  ASSERT_TRUE(response.ok()) << response.status().message();
  EXPECT_EQ(response->status, 503);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(server.requests()[0].body, "payload");
}

TEST(HttpClient, RetriesDroppedConnectionsThenReportsThem) {
  std::atomic<int> calls = 0;
  FakeHttpServer server([&](const FakeRequest&) {
    ++calls;
    return std::string();  // close without answering
  });
  HttpClient client(FastRetries());
  auto response = client.Send(Get(server.url() + "/a"));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), ErrorCode::kIo);
  EXPECT_NE(response.status().message().find("GET " + server.url() + "/a: "), std::string::npos)
      << response.status().message();
  EXPECT_NE(response.status().message().find("(gave up after 3 attempts)"), std::string::npos)
      << response.status().message();
  EXPECT_EQ(calls, 3);
}

TEST(HttpClient, RefusedConnectionIsAnIoError) {
  int port;
  {
    FakeHttpServer closed([](const FakeRequest&) { return std::string(); });
    port = std::stoi(closed.host().substr(closed.host().find(':') + 1));
  }
  HttpClient client(FastRetries());
  auto response = client.Send(Get("http://127.0.0.1:" + std::to_string(port) + "/"));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), ErrorCode::kIo);
}

TEST(HttpClient, AStalledTransferTimesOut) {
  FakeHttpServer server([](const FakeRequest&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    return HttpReply(200, "late");
  });
  store::HttpClientOptions options = FastRetries();
  options.stall_timeout = std::chrono::seconds(1);
  options.max_attempts = 1;
  HttpClient client(options);
  const auto start = std::chrono::steady_clock::now();
  auto response = client.Send(Get(server.url() + "/slow"));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), ErrorCode::kIo);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(2400));
}

TEST(HttpClient, StreamsSuccessToTheSinkButCollectsErrorBodies) {
  const std::string big(1 << 20, 'b');
  FakeHttpServer server([&](const FakeRequest& r) {
    return r.target == "/ok" ? HttpReply(200, big) : HttpReply(404, "<Error/>");
  });
  HttpClient client(FastRetries());
  std::string streamed;
  auto sink = [&](std::string_view chunk) {
    streamed.append(chunk);
    return Status::Ok();
  };
  auto ok = client.Send(Get(server.url() + "/ok"), sink);
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  EXPECT_EQ(streamed.size(), big.size());
  EXPECT_TRUE(ok->body.empty());

  streamed.clear();
  auto missing = client.Send(Get(server.url() + "/missing"), sink);
  ASSERT_TRUE(missing.ok()) << missing.status().message();
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(missing->body, "<Error/>");
  EXPECT_TRUE(streamed.empty());
}

TEST(HttpClient, ASinkErrorStopsTheTransfer) {
  FakeHttpServer server(
      [](const FakeRequest&) { return HttpReply(200, std::string(1 << 20, 'x')); });
  HttpClient client(FastRetries());
  auto response = client.Send(Get(server.url() + "/"),
                              [](std::string_view) { return Status(ErrorCode::kIo, "disk full"); });
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().message(), "disk full");
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST(HttpClient, ABodyCutAfterBytesReachedTheSinkIsNotRetried) {
  FakeHttpServer server([](const FakeRequest&) {
    return "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + std::string(100, 'x');
  });
  HttpClient client(FastRetries());
  size_t received = 0;
  auto response = client.Send(Get(server.url() + "/"), [&](std::string_view chunk) {
    received += chunk.size();
    return Status::Ok();
  });
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), ErrorCode::kIo);
  EXPECT_NE(response.status().message().find("after part of the body was received"),
            std::string::npos)
      << response.status().message();
  EXPECT_EQ(received, 100u);
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST(HttpClient, PutsAByteRangeOfAFileAndResendsItOnRetry) {
  ScratchDir dir;
  WriteFile(dir.File("f"), "0123456789abcdef");
  std::atomic<int> calls = 0;
  FakeHttpServer server(
      [&](const FakeRequest&) { return ++calls == 1 ? HttpReply(500, "") : HttpReply(201, ""); });
  HttpClient client(FastRetries());
  HttpRequest put = Get(server.url() + "/o");
  put.method = "PUT";
  put.body_file = store::FileRange{dir.File("f"), 4, 6};
  auto response = client.Send(put);
  ASSERT_TRUE(response.ok()) << response.status().message();
  EXPECT_EQ(response->status, 201);
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].body, "456789");
  EXPECT_EQ(requests[1].body, "456789");
  EXPECT_EQ(requests[1].method, "PUT");
}

TEST(HttpClient, AFileThatShrankIsAnError) {
  ScratchDir dir;
  WriteFile(dir.File("f"), "short");
  FakeHttpServer server([](const FakeRequest&) { return HttpReply(201, ""); });
  HttpClient client(FastRetries());
  HttpRequest put = Get(server.url() + "/o");
  put.method = "PUT";
  put.body_file = store::FileRange{dir.File("f"), 0, 100};
  auto response = client.Send(put);
  ASSERT_FALSE(response.ok());
  EXPECT_NE(response.status().message().find("ended early"), std::string::npos)
      << response.status().message();
}

}  // namespace
}  // namespace csm::test
