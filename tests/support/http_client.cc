#include "tests/support/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>

namespace simpul::testing {
namespace {

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Decodes a chunked body; false when it is malformed or cut short.
bool Dechunk(const std::string& in, std::string* out) {
  size_t at = 0;
  for (;;) {
    size_t eol = in.find("\r\n", at);
    if (eol == std::string::npos) return false;
    char* end = nullptr;
    unsigned long n = std::strtoul(in.c_str() + at, &end, 16);
    if (end == in.c_str() + at) return false;
    at = eol + 2;
    if (n == 0) return true;
    if (in.size() < at + n + 2) return false;
    out->append(in, at, n);
    at += n + 2;
  }
}

}  // namespace

std::string HttpReply::Header(const std::string& name) const {
  for (const auto& [k, v] : headers)
    if (k == name) return v;
  return "";
}

std::string UrlEncode(const std::string& value) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

HttpReply HttpRequest(int port, const std::string& method, const std::string& target,
                      const std::vector<std::string>& headers, const std::string& body, int timeout_s) {
  HttpReply reply;
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    reply.error = "socket failed";
    return reply;
  }
  timeval tv{timeout_s, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    close(fd);
    reply.error = "connect to port " + std::to_string(port) + " failed";
    return reply;
  }
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                    "\r\nConnection: close\r\n";
  for (const auto& h : headers) req += h + "\r\n";
  if (!body.empty() || method == "POST" || method == "PUT") req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  req += "\r\n" + body;
  for (size_t sent = 0; sent < req.size();) {
    ssize_t n = send(fd, req.data() + sent, req.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) {
      close(fd);
      reply.error = "send failed";
      return reply;
    }
    sent += static_cast<size_t>(n);
  }
  std::string raw;
  char buf[65536];
  for (;;) {
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n < 0) {
      close(fd);
      reply.error = "no complete reply within " + std::to_string(timeout_s) + " s";
      return reply;
    }
    if (n == 0) break;
    raw.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  size_t head_end = raw.find("\r\n\r\n");
  if (raw.rfind("HTTP/1.", 0) != 0 || head_end == std::string::npos) {
    reply.error = "malformed reply: " + raw.substr(0, 200);
    return reply;
  }
  size_t line_end = raw.find("\r\n");
  reply.status = std::atoi(raw.c_str() + raw.find(' ') + 1);
  for (size_t at = line_end + 2; at < head_end;) {
    size_t eol = raw.find("\r\n", at);
    std::string line = raw.substr(at, eol - at);
    at = eol + 2;
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    size_t v = line.find_first_not_of(' ', colon + 1);
    reply.headers.emplace_back(Lower(line.substr(0, colon)), v == std::string::npos ? "" : line.substr(v));
  }
  std::string payload = raw.substr(head_end + 4);
  if (Lower(reply.Header("transfer-encoding")).find("chunked") != std::string::npos) {
    if (!Dechunk(payload, &reply.body)) {
      reply.status = 0;
      reply.error = "chunked body cut short";
    }
  } else {
    reply.body = std::move(payload);
  }
  return reply;
}

}  // namespace simpul::testing
