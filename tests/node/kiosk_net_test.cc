// Which addresses the office kiosk listens on (node/kiosk_net.h): private,
// link-local, unique-local and loopback addresses only, never a wildcard or
// a public one; --kiosk-listen parsed into host and port, refused whole
// (field "kiosk-listen") for anything else.
#include "node/kiosk_net.h"

#include <doctest/doctest.h>

#include "schema/messages.h"

namespace simpul::node {
namespace {

TEST_CASE("kiosk net: local-network addresses, the edges of each range") {
  const char* local[] = {
      "10.0.0.0",        "10.0.0.1",       "10.255.255.255", "172.16.0.0",      "172.16.0.1",
      "172.31.255.255",  "192.168.0.1",    "192.168.255.254", "127.0.0.1",      "127.255.255.254",
      "169.254.0.1",     "169.254.255.255", "::1",            "fe80::1",         "febf:ffff::1",
      "fc00::1",         "fd12:3456:789a::1", "::ffff:192.168.1.10", "::ffff:10.1.2.3", "::ffff:127.0.0.1",
  };
  for (const char* ip : local) {
    INFO(ip);
    CHECK(IsLocalNetworkAddress(ip));
  }
}

TEST_CASE("kiosk net: wildcards, public addresses and non-addresses are not local") {
  const char* not_local[] = {
      // Just outside the private ranges.
      "9.255.255.255", "11.0.0.0", "172.15.255.255", "172.32.0.0", "192.167.255.255", "192.169.0.0",
      "169.253.255.255", "169.255.0.1", "126.255.255.255", "128.0.0.1",
      // Public, carrier-grade NAT (not in the list), wildcards, broadcast.
      "8.8.8.8", "100.64.0.1", "0.0.0.0", "255.255.255.255", "::", "2001:db8::1", "2606:4700::1111",
      // IPv6 just outside fe80::/10 and fc00::/7; a mapped public IPv4.
      "fec0::1", "fe7f::1", "fe00::1", "fbff::1", "fe::1", "::ffff:8.8.8.8", "::ffff:0.0.0.0",
      // Not an address as the kiosk wants it: ports, brackets, names,
      // scopes, blanks, short or out-of-range forms.
      "", " ", "192.168.1.10:8472", "[::1]", "localhost", "kiosk.local", "fe80::1%eth0", " 192.168.1.1",
      "192.168.1.1 ", "192.168.1", "192.168.1.256", "192.168.1.1.1", "10.0.0.-1", "0x0a.0.0.1",
  };
  for (const char* ip : not_local) {
    INFO("'" << ip << "'");
    CHECK_FALSE(IsLocalNetworkAddress(ip));
  }
  // Over-long input: no crash, not local.
  CHECK_FALSE(IsLocalNetworkAddress(std::string(100000, '1')));
  CHECK_FALSE(IsLocalNetworkAddress("192.168.1.1" + std::string(5000, '0')));
  // (Text after an embedded NUL is not looked at: inet_pton reads the C
  // string. Addresses come from argv or inet_ntop, which hold no NUL, so
  // this is not checked here.)
}

TEST_CASE("kiosk net: --kiosk-listen accepted as host and port") {
  struct Case {
    std::string listen, host;
    uint16_t port;
  };
  const Case cases[] = {
      {"192.168.1.10:8472", "192.168.1.10", 8472},
      {"10.0.0.5:1", "10.0.0.5", 1},
      {"172.20.3.4:65535", "172.20.3.4", 65535},
      {"127.0.0.1:08080", "127.0.0.1", 8080},
      {"[::1]:8472", "::1", 8472},
      {"[fe80::1]:80", "fe80::1", 80},
      {"[fd00::abcd]:443", "fd00::abcd", 443},
      {"[::ffff:192.168.0.9]:9000", "::ffff:192.168.0.9", 9000},
  };
  for (const auto& c : cases) {
    INFO(c.listen);
    std::string host = "untouched";
    uint16_t port = 7;
    Status st = ParseKioskListen(c.listen, &host, &port);
    REQUIRE_MESSAGE(st.ok(), st.ToString());
    CHECK(host == c.host);
    CHECK(port == c.port);
  }
  CHECK(kDefaultKioskPort == 8472);
}

TEST_CASE("kiosk net: --kiosk-listen refused naming the field, host and port untouched") {
  const std::string refused[] = {
      // Wildcards and public addresses: the form must not reach the internet.
      "0.0.0.0:8472", "[::]:8472", "8.8.8.8:8472", "[2001:db8::1]:8472", "172.32.0.1:80",
      // No port, empty port, port 0, past 65535, too many digits, signs, letters.
      "192.168.1.10", "192.168.1.10:", "192.168.1.10:0", "192.168.1.10:00000", "192.168.1.10:65536",
      "192.168.1.10:99999", "192.168.1.10:123456", "192.168.1.10:-1", "192.168.1.10:+80", "192.168.1.10:80a",
      "192.168.1.10: 80", "192.168.1.10:0x50",
      // No address, names, broken brackets, IPv6 scope.
      "", ":", ":8472", "localhost:8472", "[]:8472", "[::1:8472", "::1]:8472", "[fe80::1%eth0]:80",
      "[192.168.1.10]x:80",
      // IPv6 without brackets: where the port starts would be a guess.
      "fe80::1:8472", "::1:8472",
      // Over-long.
      std::string(70000, '1') + ":80", "192.168.1.10:" + std::string(70000, '8'),
  };
  for (const auto& listen : refused) {
    INFO("'" << listen.substr(0, 60) << "'");
    std::string host = "untouched";
    uint16_t port = 7;
    Status st = ParseKioskListen(listen, &host, &port);
    CHECK(st.code() == Code::kInvalidArgument);
    CHECK(st.field() == "kiosk-listen");
    CHECK(st.msg_id() == MsgId::kKioskListenRefused);
    REQUIRE(st.args().size() == 1);
    CHECK(st.args()[0] == listen);  // the operator sees what they typed
    CHECK(host == "untouched");
    CHECK(port == 7);
  }
}

TEST_CASE("kiosk net: the office's LAN address is a private, non-loopback IPv4 address or a typed refusal") {
  // Depends on the machine's interfaces: either answer is checked in full.
  auto lan = OfficeLanAddress();
  if (lan.ok()) {
    CHECK(IsLocalNetworkAddress(*lan));
    CHECK(lan->rfind("127.", 0) != 0);
    CHECK(lan->rfind("169.254.", 0) != 0);
    CHECK(lan->find(':') == std::string::npos);
    std::string host;
    uint16_t port = 0;
    CHECK(ParseKioskListen(*lan + ":" + std::to_string(kDefaultKioskPort), &host, &port).ok());
    CHECK(host == *lan);
  } else {
    CHECK(lan.status().msg_id() == MsgId::kKioskNoLanAddress);
    CHECK((lan.status().code() == Code::kFailedPrecondition || lan.status().code() == Code::kUnavailable));
  }
}

}  // namespace
}  // namespace simpul::node
