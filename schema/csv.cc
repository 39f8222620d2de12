#include "schema/csv.h"

#include <iconv.h>

#include <cctype>
#include <cstdio>

#include "schema/messages.h"

namespace simpul::schema {
namespace {

// The line (1-based) byte `offset` of `text` is on.
int LineAt(std::string_view text, size_t offset) {
  int line = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i)
    if (text[i] == '\n') ++line;
  return line;
}

// The first byte at which `bytes` stops being UTF-8 (size() if it never does).
size_t FirstInvalidUtf8(std::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) len = 2, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF) len = 3, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4) len = 4, cp = c & 0x07;
    else return i;
    if (i + len > n) return i;
    for (size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
      return i;
    i += len;
  }
  return n;
}

Status NotText(std::string_view bytes, size_t at) {
  char hex[8];
  std::snprintf(hex, sizeof hex, "0x%02X", at < bytes.size() ? static_cast<unsigned char>(bytes[at]) : 0);
  return Status::InvalidArgument(std::string("byte ") + hex + " is neither UTF-8 nor Windows-1252")
      .WithField("encoding")
      .WithMsg(MsgId::kCsvEncoding, {std::to_string(LineAt(bytes, at)), hex});
}

char DetectDelimiter(std::string_view text) {
  size_t comma = 0, semi = 0, tab = 0;
  bool quoted = false;
  for (char c : text) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == '\n' || c == '\r') break;
    comma += c == ',';
    semi += c == ';';
    tab += c == '\t';
  }
  if (semi > comma && semi >= tab) return ';';
  if (tab > comma && tab > semi) return '\t';
  return ',';
}

}  // namespace

bool IsValidUtf8(std::string_view bytes) { return FirstInvalidUtf8(bytes) == bytes.size(); }

Result<DecodedText> DecodeSpreadsheetText(std::string bytes) {
  DecodedText out;
  if (bytes.size() >= 2 && ((bytes[0] == '\xFF' && bytes[1] == '\xFE') || (bytes[0] == '\xFE' && bytes[1] == '\xFF')))
    return NotText(bytes, 0);  // UTF-16 ("Unicode text"): not a CSV export
  const bool bom = bytes.size() >= 3 && bytes.compare(0, 3, "\xEF\xBB\xBF") == 0;
  if (bom) bytes.erase(0, 3);
  size_t bad = FirstInvalidUtf8(bytes);
  if (bad == bytes.size()) {
    out.text = std::move(bytes);
    return out;
  }
  if (bom) return NotText(bytes, bad);  // said it was UTF-8, and is not
  iconv_t cd = iconv_open("UTF-8", "WINDOWS-1252");
  if (cd == reinterpret_cast<iconv_t>(-1)) return Status::Internal("iconv cannot convert from Windows-1252");
  out.text.resize(bytes.size() * 3);  // a Windows-1252 byte is at most 3 UTF-8 bytes
  char* in = bytes.data();
  size_t in_left = bytes.size();
  char* o = out.text.data();
  size_t o_left = out.text.size();
  size_t rc = iconv(cd, &in, &in_left, &o, &o_left);
  iconv_close(cd);
  if (rc == static_cast<size_t>(-1)) return NotText(bytes, static_cast<size_t>(in - bytes.data()));
  out.text.resize(out.text.size() - o_left);
  out.source = TextEncoding::kWindows1252;
  return out;
}

CsvReader::CsvReader(std::string_view text, CsvOptions options)
    : text_(text), options_(options), delimiter_(options.delimiter ? options.delimiter : DetectDelimiter(text)) {}

Status CsvReader::Syntax(SyntaxError what) const {
  const std::string line = std::to_string(line_);
  switch (what) {
    case SyntaxError::kUnterminatedQuote:
      return Status::InvalidArgument("CSV line " + std::to_string(record_line_) + ": unterminated quote")
          .WithField("line " + std::to_string(record_line_))
          .WithMsg(MsgId::kCsvUnterminatedQuote, {std::to_string(record_line_)});
    case SyntaxError::kAfterQuote:
      return Status::InvalidArgument("CSV line " + line + ": text after a closing quote")
          .WithField("line " + line)
          .WithMsg(MsgId::kCsvAfterQuote, {line});
    case SyntaxError::kFieldTooLong:
      return Status::InvalidArgument("CSV line " + line + ": field too long")
          .WithField("line " + line)
          .WithMsg(MsgId::kCsvFieldTooLong, {line, std::to_string(options_.max_field_bytes)});
    case SyntaxError::kTooManyFields:
      break;
  }
  return Status::InvalidArgument("CSV line " + line + ": too many fields")
      .WithField("line " + line)
      .WithMsg(MsgId::kCsvTooManyFields, {line, std::to_string(options_.max_fields)});
}

Result<bool> CsvReader::Next(std::vector<std::string>* fields) {
  fields->clear();
  if (failed_) return Status::FailedPrecondition("the CSV reader stopped at an error");
  const size_t n = text_.size();
  auto fail = [&](SyntaxError what) {
    failed_ = true;
    return Syntax(what);
  };
  while (pos_ < n) {
    record_line_ = line_;
    fields->clear();
    bool end_of_record = false;
    while (!end_of_record) {
      if (fields->size() == options_.max_fields) return fail(SyntaxError::kTooManyFields);
      std::string& field = fields->emplace_back();
      if (pos_ < n && text_[pos_] == '"') {
        ++pos_;
        for (;;) {
          size_t q = text_.find('"', pos_);
          if (q == std::string_view::npos) return fail(SyntaxError::kUnterminatedQuote);
          for (size_t i = pos_; i < q; ++i) line_ += text_[i] == '\n';
          if (field.size() + (q - pos_) > options_.max_field_bytes) return fail(SyntaxError::kFieldTooLong);
          field.append(text_.substr(pos_, q - pos_));
          pos_ = q + 1;
          if (pos_ < n && text_[pos_] == '"') {  // "" is one quote
            field += '"';
            ++pos_;
            continue;
          }
          break;
        }
        if (pos_ < n && text_[pos_] != delimiter_ && text_[pos_] != '\n' && text_[pos_] != '\r')
          return fail(SyntaxError::kAfterQuote);
      } else {
        size_t start = pos_;
        while (pos_ < n && text_[pos_] != delimiter_ && text_[pos_] != '\n' && text_[pos_] != '\r') ++pos_;
        if (pos_ - start > options_.max_field_bytes) return fail(SyntaxError::kFieldTooLong);
        field.assign(text_.substr(start, pos_ - start));
      }
      if (pos_ >= n) {
        end_of_record = true;
      } else if (text_[pos_] == delimiter_) {
        ++pos_;
      } else {  // \n, \r\n or a lone \r
        if (text_[pos_] == '\r' && pos_ + 1 < n && text_[pos_ + 1] == '\n') ++pos_;
        ++pos_;
        ++line_;
        end_of_record = true;
      }
    }
    if (fields->size() == 1 && fields->front().empty()) continue;  // a blank line
    return true;
  }
  fields->clear();
  return false;
}

std::string NormalSheetHeader(std::string_view text) {
  size_t b = 0, e = text.size();
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\xA0'; };
  while (b < e && blank(text[b])) ++b;
  while (e > b && blank(text[e - 1])) --e;
  std::string out;
  for (char c : text.substr(b, e - b)) {
    if (c == ' ' || c == '.' || c == '-' || c == '/' || c == '_') {
      if (!out.empty() && out.back() != '_') out += '_';
    } else {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

Result<std::vector<int>> MapSheetHeader(const std::vector<std::string>& header,
                                        const std::vector<SheetColumn>& columns,
                                        std::vector<std::string>* unused) {
  std::vector<int> at(columns.size(), -1);
  for (size_t i = 0; i < header.size(); ++i) {
    std::string h = NormalSheetHeader(header[i]);
    bool used = false;
    for (size_t c = 0; c < columns.size(); ++c)
      for (const char* spelling : columns[c].spellings)
        if (h == spelling) {
          if (at[c] >= 0)
            return Status::InvalidArgument("column " + header[i] + " twice")
                .WithMsg(MsgId::kSheetColumnTwice, {header[at[c]], header[i]});
          at[c] = static_cast<int>(i);
          used = true;
        }
    if (!used && unused && !h.empty()) unused->push_back(header[i]);
  }
  return at;
}

std::string CsvRecord(const std::vector<std::string>& fields, char delimiter) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out += delimiter;
    const std::string& f = fields[i];
    if (f.find_first_of(std::string("\"\r\n") + delimiter) == std::string::npos) {
      out += f;
      continue;
    }
    out += '"';
    for (char c : f) {
      if (c == '"') out += '"';
      out += c;
    }
    out += '"';
  }
  return out;
}

}  // namespace simpul::schema
