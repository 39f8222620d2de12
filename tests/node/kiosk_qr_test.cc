// The kiosk's QR code as an SVG image (node/kiosk_qr.h): the document's
// frame, a 4-module quiet zone, one rectangle per horizontal run of dark
// modules; read back into a module grid, it must show what every QR code
// shows (finder patterns, timing patterns, the dark module) at the size its
// version gives. Text that does not fit is refused naming "text", and the
// text itself never appears in the SVG.
#include "node/kiosk_qr.h"

#include <doctest/doctest.h>

#include <cctype>
#include <string>
#include <vector>

namespace simpul::node {
namespace {

constexpr int kQuiet = 4;

struct Grid {
  int size = 0;                       // modules across, quiet zone included
  std::vector<std::vector<int>> dark;  // [y][x]: how many rectangles cover it
  int rects = 0;
  bool well_formed = true;            // every rectangle one module high, inside the image
  bool maximal_runs = true;           // no two rectangles touch on a row
};

// -1 when there is no number at `at`.
int ReadInt(const std::string& s, size_t* at) {
  size_t start = *at;
  while (*at < s.size() && *at - start < 6 && std::isdigit(static_cast<unsigned char>(s[*at]))) ++*at;
  return *at > start ? std::stoi(s.substr(start, *at - start)) : -1;
}

bool Expect(const std::string& s, size_t* at, const std::string& lit) {
  if (s.compare(*at, lit.size(), lit) != 0) return false;
  *at += lit.size();
  return true;
}

// The SVG read back: its frame checked, its path drawn into a grid.
Grid Parse(const std::string& svg) {
  Grid g;
  const std::string head = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ";
  REQUIRE(svg.rfind(head, 0) == 0);
  size_t at = head.size();
  g.size = ReadInt(svg, &at);
  REQUIRE(g.size > 2 * kQuiet);
  const std::string s = std::to_string(g.size);
  REQUIRE(Expect(svg, &at, " " + s + "\" shape-rendering=\"crispEdges\"><rect width=\"" + s + "\" height=\"" + s +
                               "\" fill=\"#fff\"/><path fill=\"#000\" d=\""));
  g.dark.assign(g.size, std::vector<int>(g.size, 0));
  bool parsed = true;
  while (parsed && at < svg.size() && svg[at] == 'M') {
    ++at;
    // "M<x> <y>h<run>v1h-<run>z"
    int x = ReadInt(svg, &at), y = -1, run = -1, back = -1;
    parsed = x >= 0 && Expect(svg, &at, " ") && (y = ReadInt(svg, &at)) >= 0 && Expect(svg, &at, "h") &&
             (run = ReadInt(svg, &at)) >= 0 && Expect(svg, &at, "v1h-") && (back = ReadInt(svg, &at)) >= 0 &&
             Expect(svg, &at, "z");
    if (!parsed) break;
    ++g.rects;
    if (run < 1 || back != run || y < kQuiet || y >= g.size - kQuiet || x < kQuiet || x + run > g.size - kQuiet) {
      g.well_formed = false;
      continue;
    }
    if (g.dark[y][x - 1]) g.maximal_runs = false;
    for (int i = 0; i < run; ++i) ++g.dark[y][x + i];
  }
  REQUIRE_MESSAGE(parsed, "malformed path near " << at);
  CHECK(Expect(svg, &at, "\"/></svg>\n"));
  CHECK(at == svg.size());
  return g;
}

// Module (x, y) of the code itself (quiet zone left out).
bool Dark(const Grid& g, int x, int y) { return g.dark[y + kQuiet][x + kQuiet] > 0; }

// The 7x7 finder pattern with its top-left module at (x0, y0), and its
// one-module light separator on the sides that face the code.
void CheckFinder(const Grid& g, int x0, int y0) {
  const int n = g.size - 2 * kQuiet;
  for (int dy = 0; dy < 7; ++dy)
    for (int dx = 0; dx < 7; ++dx) {
      bool ring = dx == 0 || dx == 6 || dy == 0 || dy == 6;
      bool core = dx >= 2 && dx <= 4 && dy >= 2 && dy <= 4;
      INFO("finder at " << x0 << "," << y0 << " module " << dx << "," << dy);
      CHECK(Dark(g, x0 + dx, y0 + dy) == (ring || core));
    }
  const int sep_x = x0 == 0 ? 7 : x0 - 1, sep_y = y0 == 0 ? 7 : y0 - 1;
  for (int i = -1; i <= 7; ++i) {
    if (y0 + i >= 0 && y0 + i < n) CHECK_FALSE(Dark(g, sep_x, y0 + i));
    if (x0 + i >= 0 && x0 + i < n) CHECK_FALSE(Dark(g, x0 + i, sep_y));
  }
}

// What every QR code of `modules` across shows, checked on the grid.
void CheckStructure(const Grid& g, int modules) {
  REQUIRE(g.size == modules + 2 * kQuiet);
  CHECK(g.well_formed);
  CHECK(g.maximal_runs);
  bool drawn_once = true;  // no module drawn twice
  for (const auto& row : g.dark)
    for (int c : row) drawn_once = drawn_once && c <= 1;
  CHECK(drawn_once);
  CheckFinder(g, 0, 0);
  CheckFinder(g, modules - 7, 0);
  CheckFinder(g, 0, modules - 7);
  for (int i = 8; i < modules - 8; ++i) {  // timing patterns
    CHECK(Dark(g, i, 6) == (i % 2 == 0));
    CHECK(Dark(g, 6, i) == (i % 2 == 0));
  }
  CHECK(Dark(g, 8, modules - 8));  // the dark module beside the lower-left finder
  // Blank around: nothing drawn in the quiet zone (well_formed) and some
  // modules light, some dark, in the data area.
  int dark = 0;
  for (int y = 0; y < modules; ++y)
    for (int x = 0; x < modules; ++x) dark += Dark(g, x, y);
  CHECK(dark > modules * modules / 4);
  CHECK(dark < modules * modules * 3 / 4);
}

TEST_CASE("kiosk qr: the kiosk's address as a version-2 code, quiet zone and patterns in place") {
  const std::string url = "http://192.168.1.10:8472/";  // 25 bytes: version 2 at level M
  auto svg = QrSvg(url);
  REQUIRE_MESSAGE(svg.ok(), svg.status().ToString());
  Grid g = Parse(*svg);
  CHECK(g.size == 33);
  CheckStructure(g, 25);
  // The first run drawn is the top row of the top-left finder pattern.
  CHECK(svg->find("d=\"M4 4h7v1h-7z") != std::string::npos);
  // Made the same way every time; another address, another drawing.
  CHECK(*QrSvg(url) == *svg);
  auto other = QrSvg("http://192.168.1.11:8472/");
  REQUIRE(other.ok());
  CHECK(*other != *svg);
  CHECK(Parse(*other).size == 33);
}

TEST_CASE("kiosk qr: the size follows the text's length, up to version 40") {
  struct Case {
    size_t bytes;
    int modules;
  };
  // 8-bit capacity at level M: version 1 holds 14 bytes, 2 holds 26, 40 holds 2331.
  const Case cases[] = {{1, 21}, {14, 21}, {15, 25}, {26, 25}, {27, 29}, {2331, 177}};
  for (const auto& c : cases) {
    INFO(c.bytes << " bytes");
    auto svg = QrSvg(std::string(c.bytes, 'k'));
    REQUIRE_MESSAGE(svg.ok(), svg.status().ToString());
    CheckStructure(Parse(*svg), c.modules);
  }
}

TEST_CASE("kiosk qr: empty text and text that does not fit are refused naming the field") {
  for (const std::string& text : {std::string(2332, 'k'), std::string(10000, 'k'), std::string(8000, '7'),
                                  std::string(100000, '\xff')}) {
    INFO(text.size() << " bytes");
    auto svg = QrSvg(text);
    CHECK(svg.status().code() == Code::kInvalidArgument);
    CHECK(svg.status().field() == "text");
  }
  // Nothing to encode: refused too (libqrencode makes no code of it).
  auto empty = QrSvg("");
  CHECK(empty.status().code() == Code::kInvalidArgument);
  CHECK(empty.status().field() == "text");
}

TEST_CASE("kiosk qr: markup, quotes and non-ASCII in the text never reach the SVG") {
  const std::string hostile = "\"/><script>alert(1)</script><a href=\"javascript:x\">é ü 漢字 &amp; </svg>";
  auto svg = QrSvg(hostile);
  REQUIRE(svg.ok());
  CHECK(svg->find("script") == std::string::npos);
  CHECK(svg->find("javascript") == std::string::npos);
  CHECK(svg->find("&") == std::string::npos);
  // The path is only moves, runs and digits.
  size_t d = svg->find(" d=\"");
  REQUIRE(d != std::string::npos);
  size_t end = svg->find('"', d + 4);
  REQUIRE(end != std::string::npos);
  CHECK(svg->substr(d + 4, end - d - 4).find_first_not_of("0123456789Mhvz- ") == std::string::npos);
  Grid g = Parse(*svg);
  CHECK((g.size - 2 * kQuiet - 17) % 4 == 0);
  CheckStructure(g, g.size - 2 * kQuiet);
}

}  // namespace
}  // namespace simpul::node
