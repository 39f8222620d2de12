// The QR code the office prints for its kiosk: the kiosk's address encoded
// (libqrencode) and drawn as an SVG image, made here on the laptop (no
// network, no script): one path of the dark modules, a 4-module quiet zone.
#ifndef SIMPUL_NODE_KIOSK_QR_H_
#define SIMPUL_NODE_KIOSK_QR_H_

#include <string>

#include "schema/status.h"

namespace simpul::node {

// An SVG document of the QR code of `text`; InvalidArgument when it does
// not fit a QR code.
Result<std::string> QrSvg(const std::string& text);

}  // namespace simpul::node

#endif  // SIMPUL_NODE_KIOSK_QR_H_
