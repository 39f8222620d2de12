// Status and Result<T>: the error vocabulary of every Simpul module.
//
// Errors are values, never exceptions across a module's API. A Status carries
// a stable code (numbers are also wire codes, see docs/PROTOCOL.md: they are
// persisted and must never change), an English technical message for logs,
// and optionally a catalogue message id with arguments so the operator-facing
// edge can render it in Bahasa Indonesia or English (schema/messages.h).
//
// Thread-safety: value types; const methods may be called concurrently.
#ifndef SIMPUL_SCHEMA_STATUS_H_
#define SIMPUL_SCHEMA_STATUS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace simpul {

// Numbers are persisted on the wire and in logs: never renumber, never reuse.
enum class Code : uint16_t {
  kOk = 0,
  kInvalidArgument = 1,     // caller's input is wrong; fix it, do not retry
  kNotFound = 2,            // the named thing does not exist
  kAlreadyExists = 3,
  kFailedPrecondition = 4,  // state does not allow this now; tell the operator
  kAborted = 5,             // concurrent change; re-pull then retry
  kUnavailable = 6,         // transient (link down, store busy); retry later
  kCorruption = 7,          // bytes on disk or wire are damaged
  kPermissionDenied = 8,    // outside scope, ownership or role
  kUnauthenticated = 9,     // unknown, revoked or forged identity
  kVersionTooOld = 10,      // peer speaks an older protocol/schema: upgrade it
  kVersionTooNew = 11,      // peer speaks a newer protocol/schema: upgrade us
  kResourceExhausted = 12,  // size or quota limit
  kInternal = 13,           // a bug: report it
  kIoError = 14,            // the file system failed
};

const char* CodeName(Code code);

// Identifies a catalogue entry; see schema/messages.h.
enum class MsgId : uint16_t;

class [[nodiscard]] Status {
 public:
  Status() = default;
  static Status Ok() { return Status(); }

  static Status InvalidArgument(std::string msg) { return {Code::kInvalidArgument, std::move(msg)}; }
  static Status NotFound(std::string msg) { return {Code::kNotFound, std::move(msg)}; }
  static Status AlreadyExists(std::string msg) { return {Code::kAlreadyExists, std::move(msg)}; }
  static Status FailedPrecondition(std::string msg) { return {Code::kFailedPrecondition, std::move(msg)}; }
  static Status Aborted(std::string msg) { return {Code::kAborted, std::move(msg)}; }
  static Status Unavailable(std::string msg) { return {Code::kUnavailable, std::move(msg)}; }
  static Status Corruption(std::string msg) { return {Code::kCorruption, std::move(msg)}; }
  static Status PermissionDenied(std::string msg) { return {Code::kPermissionDenied, std::move(msg)}; }
  static Status Unauthenticated(std::string msg) { return {Code::kUnauthenticated, std::move(msg)}; }
  static Status VersionTooOld(std::string msg) { return {Code::kVersionTooOld, std::move(msg)}; }
  static Status VersionTooNew(std::string msg) { return {Code::kVersionTooNew, std::move(msg)}; }
  static Status ResourceExhausted(std::string msg) { return {Code::kResourceExhausted, std::move(msg)}; }
  static Status Internal(std::string msg) { return {Code::kInternal, std::move(msg)}; }
  static Status IoError(std::string msg) { return {Code::kIoError, std::move(msg)}; }

  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}

  // Attaches a localisable message: `id` with positional arguments {0},{1}...
  Status&& WithMsg(MsgId id, std::vector<std::string> args = {}) && {
    msg_id_ = id;
    args_ = std::move(args);
    return std::move(*this);
  }
  // Names the input field the error is about (validation errors).
  Status&& WithField(std::string field) && {
    field_ = std::move(field);
    return std::move(*this);
  }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::string& field() const { return field_; }
  std::optional<MsgId> msg_id() const { return msg_id_; }
  const std::vector<std::string>& args() const { return args_; }

  bool IsNotFound() const { return code_ == Code::kNotFound; }
  bool IsInvalidArgument() const { return code_ == Code::kInvalidArgument; }
  bool IsUnavailable() const { return code_ == Code::kUnavailable; }
  bool IsCorruption() const { return code_ == Code::kCorruption; }
  bool IsVersionMismatch() const {
    return code_ == Code::kVersionTooOld || code_ == Code::kVersionTooNew;
  }

  // "InvalidArgument: nik: ..." for logs and tests.
  std::string ToString() const;

 private:
  Code code_ = Code::kOk;
  std::string message_;
  std::string field_;
  std::optional<MsgId> msg_id_;
  std::vector<std::string> args_;
};

// A value or an error, shaped like std::expected so it can be swapped later.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}  // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }
  const T& value() const& { return std::get<T>(v_); }
  T& value() & { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(v_);
  }
  Status TakeStatus() && { return ok() ? Status() : std::get<Status>(std::move(v_)); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace simpul

#define SIMPUL_CONCAT_INNER_(a, b) a##b
#define SIMPUL_CONCAT_(a, b) SIMPUL_CONCAT_INNER_(a, b)

#define SIMPUL_RETURN_IF_ERROR(expr)               \
  do {                                             \
    ::simpul::Status simpul_status_ = (expr);      \
    if (!simpul_status_.ok()) return simpul_status_; \
  } while (0)

// SIMPUL_ASSIGN_OR_RETURN(auto x, MakeX());
#define SIMPUL_ASSIGN_OR_RETURN(lhs, expr) \
  SIMPUL_ASSIGN_OR_RETURN_IMPL_(SIMPUL_CONCAT_(simpul_result_, __LINE__), lhs, expr)
#define SIMPUL_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) return std::move(tmp).TakeStatus();  \
  lhs = std::move(tmp).value()

#endif  // SIMPUL_SCHEMA_STATUS_H_
