// A tiny HTTP/1.1 receiver for unit tests of code that posts to a URL (the
// hub's message webhook): listens on 127.0.0.1 on a port the kernel picks,
// answers each request with the next status of a script (the last one
// repeats), closes the connection after each answer, and keeps what it
// received. No TLS, no chunked bodies: enough for a client under test.
//
// Thread-safety: one thread serves; requests() and the setters lock.
#ifndef SIMPUL_TESTS_SUPPORT_HTTP_RECEIVER_H_
#define SIMPUL_TESTS_SUPPORT_HTTP_RECEIVER_H_

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace simpul::testing {

struct ReceivedRequest {
  std::string method, target, body;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string Header(const std::string& name) const;
};

class HttpReceiver {
 public:
  // `statuses`: the answers in order; the last repeats. Each answer's body
  // is "status N"; 0 closes the connection without an answer.
  explicit HttpReceiver(std::vector<int> statuses = {200});
  ~HttpReceiver();
  HttpReceiver(const HttpReceiver&) = delete;
  HttpReceiver& operator=(const HttpReceiver&) = delete;

  int port() const { return port_; }
  std::string Url(const std::string& path = "/") const;
  std::vector<ReceivedRequest> requests() const;
  void SetStatuses(std::vector<int> statuses);

 private:
  void Serve();
  int listen_fd_ = -1, port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;
  std::vector<int> statuses_;
  size_t answered_ = 0;
  std::vector<ReceivedRequest> requests_;
  std::thread thread_;
};

}  // namespace simpul::testing

#endif  // SIMPUL_TESTS_SUPPORT_HTTP_RECEIVER_H_
