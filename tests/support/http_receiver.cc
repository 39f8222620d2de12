#include "tests/support/http_receiver.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace simpul::testing {
namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Reads one request (headers, then Content-Length bytes) within 5 s.
bool ReadRequest(int fd, ReceivedRequest* out) {
  std::string data;
  size_t header_end = std::string::npos, need = 0;
  char buf[4096];
  for (;;) {
    if (header_end != std::string::npos && data.size() >= header_end + 4 + need) break;
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 5000) <= 0) return false;
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return false;
    data.append(buf, static_cast<size_t>(n));
    if (header_end == std::string::npos && (header_end = data.find("\r\n\r\n")) != std::string::npos) {
      size_t line_end = data.find("\r\n");
      std::string first = data.substr(0, line_end);
      size_t sp1 = first.find(' '), sp2 = first.rfind(' ');
      out->method = first.substr(0, sp1);
      out->target = first.substr(sp1 + 1, sp2 - sp1 - 1);
      for (size_t at = line_end + 2; at < header_end;) {
        size_t end = data.find("\r\n", at);
        std::string line = data.substr(at, end - at);
        size_t colon = line.find(':');
        std::string value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.erase(0, 1);
        out->headers.emplace_back(Lower(line.substr(0, colon)), value);
        at = end + 2;
      }
      need = static_cast<size_t>(std::atoll(out->Header("content-length").c_str()));
    }
  }
  out->body = data.substr(header_end + 4, need);
  return true;
}

}  // namespace

std::string ReceivedRequest::Header(const std::string& name) const {
  for (const auto& [k, v] : headers)
    if (k == name) return v;
  return "";
}

HttpReceiver::HttpReceiver(std::vector<int> statuses) : statuses_(std::move(statuses)) {
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(listen_fd_, 8) != 0 ||
      getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    std::abort();  // a test machine without loopback cannot run these tests
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { Serve(); });
}

HttpReceiver::~HttpReceiver() {
  stop_ = true;
  thread_.join();
  close(listen_fd_);
}

std::string HttpReceiver::Url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

std::vector<ReceivedRequest> HttpReceiver::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

void HttpReceiver::SetStatuses(std::vector<int> statuses) {
  std::lock_guard<std::mutex> lock(mu_);
  statuses_ = std::move(statuses);
  answered_ = 0;
}

void HttpReceiver::Serve() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;  // wakes up to see stop_
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    ReceivedRequest req;
    if (ReadRequest(fd, &req)) {
      int status;
      {
        std::lock_guard<std::mutex> lock(mu_);
        status = statuses_.empty() ? 200 : statuses_[std::min(answered_, statuses_.size() - 1)];
        ++answered_;
        requests_.push_back(req);
      }
      if (status == 0) {  // the script's way to cut the connection unanswered
        close(fd);
        continue;
      }
      std::string body = "status " + std::to_string(status);
      std::string reply = "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: text/plain\r\nContent-Length: " +
                          std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
      (void)send(fd, reply.data(), reply.size(), MSG_NOSIGNAL);
    }
    close(fd);
  }
}

}  // namespace simpul::testing
