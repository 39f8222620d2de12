// Which addresses the office kiosk (`simpul-node ui --kiosk`) listens on
// and answers: the office's local network only. A kiosk address is a
// private IPv4 address (10/8, 172.16/12, 192.168/16), a link-local one
// (169.254/16, fe80::/10), a unique-local IPv6 one (fc00::/7) or loopback;
// never a wildcard or a public address, so a router that forwards a port
// cannot put the form on the internet by accident. Clients are held to the
// same rule.
#ifndef SIMPUL_NODE_KIOSK_NET_H_
#define SIMPUL_NODE_KIOSK_NET_H_

#include <string>

#include "schema/status.h"

namespace simpul::node {

inline constexpr uint16_t kDefaultKioskPort = 8472;

// True when `ip` (dotted IPv4 or IPv6 text, no port or brackets) is on a
// local network as above.
bool IsLocalNetworkAddress(const std::string& ip);

// "ADDR:PORT" (IPv6 in brackets) parsed and checked; refused (field
// "kiosk-listen", MsgId::kKioskListenRefused) unless ADDR is a local
// network address. `host` gets ADDR as written, `port` the port.
Status ParseKioskListen(const std::string& listen, std::string* host, uint16_t* port);

// The laptop's first private IPv4 address (getifaddrs), skipping loopback:
// where the kiosk listens without --kiosk-listen. FailedPrecondition
// (MsgId::kKioskNoLanAddress) when it has none.
Result<std::string> OfficeLanAddress();

}  // namespace simpul::node

#endif  // SIMPUL_NODE_KIOSK_NET_H_
