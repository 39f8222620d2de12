#include "hub/reports/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace simpul::hub::reports {
namespace {

constexpr int kFont = 12;
constexpr const char* kFontFamily = "DejaVu Sans, Arial, sans-serif";

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  std::string s = buf;
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  return s;
}

std::string TickText(double v) {
  char buf[32];
  if (v == std::floor(v)) std::snprintf(buf, sizeof buf, "%.0f", v);
  else std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// A label cut to `max_chars` characters (UTF-8 aware) with an ellipsis.
std::string Cut(const std::string& s, size_t max_chars) {
  size_t chars = 0, i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (chars == max_chars) return s.substr(0, i) + "\xE2\x80\xA6";
    ++chars;
    i += len;
  }
  return s;
}

std::string Text(double x, double y, const std::string& text, const char* anchor, int size = kFont,
                 const std::string& extra = "") {
  return "<text x=\"" + Num(x) + "\" y=\"" + Num(y) + "\" font-size=\"" + std::to_string(size) +
         "\" text-anchor=\"" + anchor + "\" fill=\"#000\"" + extra + ">" + SvgEscape(text) + "</text>\n";
}

std::string Open(int width, int height, const std::string& title) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" +
         std::to_string(width) + "\" height=\"" + std::to_string(height) + "\" viewBox=\"0 0 " +
         std::to_string(width) + " " + std::to_string(height) + "\" role=\"img\" font-family=\"" + kFontFamily +
         "\">\n<title>" + SvgEscape(title) + "</title>\n<rect x=\"0\" y=\"0\" width=\"" + std::to_string(width) +
         "\" height=\"" + std::to_string(height) + "\" fill=\"#fff\"/>\n" +
         Text(8, 18, title, "start", 14, " font-weight=\"bold\"");
}

// A bar: grey with a black outline; a highlighted one is dark.
std::string Bar(double x, double y, double w, double h, bool highlight) {
  return "<rect x=\"" + Num(x) + "\" y=\"" + Num(y) + "\" width=\"" + Num(std::max(w, 0.0)) + "\" height=\"" +
         Num(std::max(h, 0.0)) + "\" fill=\"" + (highlight ? "#333" : "#bbb") +
         "\" stroke=\"#000\" stroke-width=\"0.8\"/>\n";
}

std::string Line(double x1, double y1, double x2, double y2, const char* colour, const char* dash = nullptr) {
  return "<line x1=\"" + Num(x1) + "\" y1=\"" + Num(y1) + "\" x2=\"" + Num(x2) + "\" y2=\"" + Num(y2) +
         "\" stroke=\"" + colour + "\" stroke-width=\"1\"" +
         (dash ? std::string(" stroke-dasharray=\"") + dash + "\"" : std::string()) + "/>\n";
}

double AxisMax(const Chart& c) {
  double max = c.max_value;
  for (const auto& b : c.bars) max = std::max(max, b.value);
  return max <= 0 ? 1 : max;
}

}  // namespace

std::string SvgEscape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default:
        // XML 1.0 allows no control character but tab and line ends.
        out += c < 0x20 && c != '\t' && c != '\n' && c != '\r' ? '?' : ch;
    }
  }
  return out;
}

double NiceStep(double max, int ticks) {
  if (max <= 0 || ticks < 1) return 1;
  double raw = max / ticks;
  double mag = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (raw <= m * mag) return m * mag;
  return 10 * mag;
}

std::string ColumnChartSvg(const Chart& c) {
  const int width = c.width, height = 300;
  const double left = 48, right = 12, top = 32, bottom = 70;
  const double plot_w = width - left - right, plot_h = height - top - bottom;
  std::string svg = Open(width, height, c.title);
  if (c.bars.empty()) return svg + Text(width / 2.0, height / 2.0, c.empty_text, "middle") + "</svg>\n";
  const double step = NiceStep(AxisMax(c), 5);
  const double max = std::ceil(AxisMax(c) / step) * step;
  for (double v = 0; v <= max + step / 2; v += step) {
    double y = top + plot_h - v / max * plot_h;
    svg += Line(left, y, left + plot_w, y, "#999", v > 0 ? "2,3" : nullptr);
    svg += Text(left - 4, y + 4, TickText(v), "end", 10);
  }
  const double slot = plot_w / static_cast<double>(c.bars.size());
  const double bar_w = std::max(1.0, slot * 0.7);
  // Every label when there is room, else every k-th (the CSV has them all).
  const size_t every = std::max<size_t>(1, static_cast<size_t>(std::ceil(14.0 / slot)));
  for (size_t i = 0; i < c.bars.size(); ++i) {
    const auto& b = c.bars[i];
    double h = std::max(0.0, b.value) / max * plot_h;
    double x = left + slot * static_cast<double>(i) + (slot - bar_w) / 2;
    svg += Bar(x, top + plot_h - h, bar_w, h, b.highlight);
    if (!b.value_text.empty() && slot >= 18) svg += Text(x + bar_w / 2, top + plot_h - h - 3, b.value_text, "middle", 9);
    if (i % every == 0) {
      double lx = x + bar_w / 2, ly = top + plot_h + 10;
      svg += Text(lx, ly, Cut(b.label, 10), "end", 9,
                  " transform=\"rotate(-60 " + Num(lx) + " " + Num(ly) + ")\"");
    }
  }
  svg += Line(left, top + plot_h, left + plot_w, top + plot_h, "#000");
  svg += Line(left, top, left, top + plot_h, "#000");
  if (!c.x_label.empty()) svg += Text(left + plot_w / 2, height - 6, c.x_label, "middle", 11);
  if (!c.y_label.empty())
    svg += Text(12, top + plot_h / 2, c.y_label, "middle", 11,
                " transform=\"rotate(-90 12 " + Num(top + plot_h / 2) + ")\"");
  return svg + "</svg>\n";
}

std::string HorizontalBarsSvg(const Chart& c) {
  const int width = c.width;
  const double left = 190, right = 110, top = 32, row = 20, bottom = 34;
  const double plot_w = width - left - right;
  const int height = static_cast<int>(top + row * static_cast<double>(std::max<size_t>(c.bars.size(), 2)) + bottom);
  std::string svg = Open(width, height, c.title);
  if (c.bars.empty()) return svg + Text(width / 2.0, height / 2.0, c.empty_text, "middle") + "</svg>\n";
  const double step = NiceStep(AxisMax(c), 4);
  const double max = std::ceil(AxisMax(c) / step) * step;
  const double plot_h = row * static_cast<double>(c.bars.size());
  for (double v = 0; v <= max + step / 2; v += step) {
    double x = left + v / max * plot_w;
    svg += Line(x, top, x, top + plot_h, "#999", v > 0 ? "2,3" : nullptr);
    svg += Text(x, top + plot_h + 13, TickText(v), "middle", 10);
  }
  for (size_t i = 0; i < c.bars.size(); ++i) {
    const auto& b = c.bars[i];
    double y = top + row * static_cast<double>(i);
    double w = std::max(0.0, b.value) / max * plot_w;
    svg += Bar(left, y + 3, w, row - 6, b.highlight);
    svg += Text(left - 6, y + row / 2 + 4, Cut(b.label, 28), "end", 11);
    if (!b.value_text.empty()) svg += Text(left + w + 4, y + row / 2 + 4, b.value_text, "start", 11);
  }
  svg += Line(left, top, left, top + plot_h, "#000");
  if (!c.x_label.empty()) svg += Text(left + plot_w / 2, height - 6, c.x_label, "middle", 11);
  return svg + "</svg>\n";
}

}  // namespace simpul::hub::reports
