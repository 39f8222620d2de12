#include "hub/xlsx.h"

#include <xlsxwriter.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "schema/local_time.h"

namespace simpul::hub {
namespace {

// A private directory for the workbook's file, removed with what is in it.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/simpul-xlsx-XXXXXX";
    if (mkdtemp(pattern.data())) path_ = pattern;
  }
  ~TempDir() {
    if (path_.empty()) return;
    std::remove(File().c_str());
    rmdir(path_.c_str());
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  bool ok() const { return !path_.empty(); }
  std::string File() const { return path_ + "/export.xlsx"; }

 private:
  std::string path_;
};

// A sheet name Excel accepts: at most 31 characters, none of []:*?/\.
std::string SheetName(const std::string& name) {
  std::string out;
  for (char c : name)
    if (std::string_view("[]:*?/\\").find(c) == std::string_view::npos) out += c;
  return out.substr(0, 31).empty() ? std::string("Simpul") : out.substr(0, 31);
}

Status Failed(lxw_error e, const char* what) {
  return Status::Internal(std::string("xlsx: ") + what + ": " + lxw_strerror(e));
}

}  // namespace

Result<std::string> ToXlsx(const ExportTable& table) {
  TempDir dir;
  if (!dir.ok()) return Status::IoError("xlsx: cannot make a temporary directory");
  const std::string file = dir.File();
  lxw_workbook* wb = workbook_new(file.c_str());
  if (!wb) return Status::IoError("xlsx: cannot create " + file);
  const std::string sheet_name = SheetName(table.name);
  lxw_worksheet* ws = workbook_add_worksheet(wb, sheet_name.c_str());
  lxw_format* header = workbook_add_format(wb);
  format_set_bold(header);
  format_set_bg_color(header, 0xE6EBF2);
  format_set_border(header, LXW_BORDER_THIN);
  lxw_format* text = workbook_add_format(wb);
  format_set_num_format(text, "@");  // Text: what a person types in stays text
  lxw_format* date = workbook_add_format(wb);
  format_set_num_format(date, "dd/mm/yyyy hh:mm");
  lxw_error e = LXW_NO_ERROR;
  for (size_t c = 0; c < table.columns.size() && e == LXW_NO_ERROR; ++c) {
    const ExportColumn& col = table.columns[c];
    lxw_format* f = col.kind == CellKind::kText ? text : col.kind == CellKind::kDateTime ? date : nullptr;
    e = worksheet_set_column(ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), col.width, f);
    if (e == LXW_NO_ERROR) e = worksheet_write_string(ws, 0, static_cast<lxw_col_t>(c), col.title.c_str(), header);
  }
  for (size_t r = 0; r < table.rows.size() && e == LXW_NO_ERROR; ++r) {
    const auto row_n = static_cast<lxw_row_t>(r + 1);
    for (size_t c = 0; c < table.rows[r].size() && c < table.columns.size() && e == LXW_NO_ERROR; ++c) {
      const ExportCell& cell = table.rows[r][c];
      const auto col_n = static_cast<lxw_col_t>(c);
      switch (table.columns[c].kind) {
        case CellKind::kText:
          if (!cell.text.empty()) e = worksheet_write_string(ws, row_n, col_n, cell.text.c_str(), text);
          break;
        case CellKind::kNumber:
          if (!cell.text.empty()) e = worksheet_write_number(ws, row_n, col_n, std::atof(cell.text.c_str()), nullptr);
          break;
        case CellKind::kDateTime:
          if (cell.ms > 0) {
            auto lt = schema::ToLocal(cell.ms, schema::ZoneOfRegion(cell.village));
            lxw_datetime dt = {lt.year, lt.month, lt.day, lt.hour, lt.minute, static_cast<double>(lt.second)};
            e = worksheet_write_datetime(ws, row_n, col_n, &dt, date);
          }
          break;
      }
    }
  }
  worksheet_freeze_panes(ws, 1, 0);  // the header row stays in view
  if (e == LXW_NO_ERROR && !table.columns.empty())
    e = worksheet_autofilter(ws, 0, 0, static_cast<lxw_row_t>(table.rows.size()),
                             static_cast<lxw_col_t>(table.columns.size() - 1));
  lxw_error closed = workbook_close(wb);  // frees the workbook whatever happened
  if (e != LXW_NO_ERROR) return Failed(e, "writing a cell");
  if (closed != LXW_NO_ERROR) return Failed(closed, "saving the workbook");
  std::ifstream in(file, std::ios::binary);
  if (!in) return Status::IoError("xlsx: cannot read back " + file);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

}  // namespace simpul::hub
