// Charts of the dashboard drawn on the server as SVG (no chart library, no
// CDN): a column chart (a value per day) and horizontal bars (a value per
// region, service or stage). Each is a standalone SVG document the page
// shows with <img src="/api/v1/dashboard/chart/NAME.svg">.
//
// Every text (title, axis labels, bar labels, value texts) is escaped; the
// drawing uses presentation attributes only (no style attribute or element:
// the pages' CSP allows no inline style). Black, white and greys with
// outlines: the charts print cleanly on a black-and-white printer. Sizes fit
// two charts side by side on a 1366x768 screen.
//
// Thread-safety: pure functions.
#ifndef SIMPUL_HUB_REPORTS_SVG_CHART_H_
#define SIMPUL_HUB_REPORTS_SVG_CHART_H_

#include <string>
#include <vector>

namespace simpul::hub::reports {

struct ChartBar {
  std::string label;       // under the column / left of the bar
  double value = 0;        // >= 0; a negative value is drawn as 0
  std::string value_text;  // written at the end of the bar ("" = none)
  bool highlight = false;  // drawn hatched-dark (e.g. below the SLA target)
};

struct Chart {
  std::string title;
  std::string x_label, y_label;  // axis captions ("" = none)
  std::vector<ChartBar> bars;
  std::string empty_text;        // shown when there are no bars
  double max_value = 0;          // the axis' end; 0 = from the bars
  int width = 640;
};

// Columns left to right (e.g. applications per day): value axis on the
// left with round ticks, every label under its column (rotated when many).
std::string ColumnChartSvg(const Chart& chart);

// One horizontal bar per entry, top to bottom, its label on the left and its
// value text at its end; the height grows with the number of bars.
std::string HorizontalBarsSvg(const Chart& chart);

// The escaped form of `text` for SVG/XML content and attribute values.
std::string SvgEscape(const std::string& text);

// A round step for an axis from 0 to `max` with about `ticks` ticks.
double NiceStep(double max, int ticks);

}  // namespace simpul::hub::reports

#endif  // SIMPUL_HUB_REPORTS_SVG_CHART_H_
