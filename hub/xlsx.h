// An ExportTable (hub/exports.h) as an XLSX workbook: one sheet, a bold
// header row, the header frozen, text cells as strings (NIK and No. KK read
// back as text), numbers as numbers, date-times as Excel dates in the
// office's zone. The only user of libxlsxwriter (Debian libxlsxwriter-dev),
// which writes through a temporary file that is removed before returning.
//
// Thread-safety: pure apart from the temporary file.
#ifndef SIMPUL_HUB_XLSX_H_
#define SIMPUL_HUB_XLSX_H_

#include <string>

#include "hub/exports.h"
#include "schema/status.h"

namespace simpul::hub {

Result<std::string> ToXlsx(const ExportTable& table);

}  // namespace simpul::hub

#endif  // SIMPUL_HUB_XLSX_H_
