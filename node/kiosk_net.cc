#include "node/kiosk_net.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>

#include <cstring>

#include "schema/messages.h"

namespace simpul::node {
namespace {

bool PrivateV4(uint32_t a) {  // host order
  return (a >> 24) == 10 || (a >> 20) == ((172u << 4) | 1) || (a >> 16) == ((192u << 8) | 168);
}

}  // namespace

bool IsLocalNetworkAddress(const std::string& ip) {
  in_addr v4{};
  if (inet_pton(AF_INET, ip.c_str(), &v4) == 1) {
    uint32_t a = ntohl(v4.s_addr);
    return PrivateV4(a) || (a >> 24) == 127 || (a >> 16) == ((169u << 8) | 254);
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, ip.c_str(), &v6) != 1) return false;
  if (IN6_IS_ADDR_LOOPBACK(&v6) || IN6_IS_ADDR_LINKLOCAL(&v6)) return true;
  if ((v6.s6_addr[0] & 0xfe) == 0xfc) return true;  // fc00::/7, unique local
  if (IN6_IS_ADDR_V4MAPPED(&v6)) {
    char text[INET_ADDRSTRLEN];
    in_addr mapped{};
    std::memcpy(&mapped, v6.s6_addr + 12, 4);
    return inet_ntop(AF_INET, &mapped, text, sizeof text) && IsLocalNetworkAddress(text);
  }
  return false;
}

Status ParseKioskListen(const std::string& listen, std::string* host, uint16_t* port) {
  auto bad = [&] {
    return Status::InvalidArgument("--kiosk-listen must be a local-network ADDRESS:PORT").WithField("kiosk-listen")
        .WithMsg(MsgId::kKioskListenRefused, {listen});
  };
  auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) return bad();
  std::string addr = listen.substr(0, colon), digits = listen.substr(colon + 1);
  if (addr.front() == '[') {
    if (addr.back() != ']') return bad();
    addr = addr.substr(1, addr.size() - 2);
  } else if (addr.find(':') != std::string::npos) {
    return bad();  // an IPv6 address without brackets: where its port starts is a guess
  }
  if (digits.empty() || digits.size() > 5 || digits.find_first_not_of("0123456789") != std::string::npos) return bad();
  int p = std::stoi(digits);
  if (p == 0 || p > 65535 || !IsLocalNetworkAddress(addr)) return bad();
  *host = addr;
  *port = static_cast<uint16_t>(p);
  return Status::Ok();
}

Result<std::string> OfficeLanAddress() {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return Status::Unavailable("getifaddrs failed").WithMsg(MsgId::kKioskNoLanAddress);
  std::string found;
  for (ifaddrs* i = list; i && found.empty(); i = i->ifa_next) {
    if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET) continue;
    auto* in = reinterpret_cast<sockaddr_in*>(i->ifa_addr);
    if (!PrivateV4(ntohl(in->sin_addr.s_addr))) continue;
    char text[INET_ADDRSTRLEN];
    if (inet_ntop(AF_INET, &in->sin_addr, text, sizeof text)) found = text;
  }
  freeifaddrs(list);
  if (found.empty())
    return Status::FailedPrecondition("no local-network address").WithMsg(MsgId::kKioskNoLanAddress);
  return found;
}

}  // namespace simpul::node
