// Status and Result: how every ticketwise function reports failure.
//
// Code in ticketwise does not throw and does not exit. A function that can fail returns a Status
// (code plus a human-readable message) or a Result<T>, which holds either a T or the Status that
// explains why there is none. Both are cheap to move and safe to copy between threads; neither
// holds global state.
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>
#include <utility>

namespace ticketwise {

enum class StatusCode : std::uint8_t {
  kOk = 0,
  kInvalidArgument,     // the caller's input is wrong (bad flag, malformed row, unknown label)
  kNotFound,            // a named thing (file, column, tenant, model) does not exist
  kAlreadyExists,       // creating something that is already there
  kIoError,             // the operating system refused a read or write
  kCorruption,          // stored data (model file, index) is damaged or truncated
  kUnsupported,         // a format version or feature this build does not know
  kFailedPrecondition,  // the system is not in a state where the call makes sense
  kResourceExhausted,   // a size limit was reached
  kUnavailable,         // a dependency (database, remote service) is unreachable for now
  kInternal,            // a bug: an invariant did not hold
};

// Returns a stable lower-case name for `code`, e.g. "invalid_argument".
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  // An OK status.
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }
  static Status InvalidArgument(std::string msg) {
    return {StatusCode::kInvalidArgument, std::move(msg)};
  }
  static Status NotFound(std::string msg) { return {StatusCode::kNotFound, std::move(msg)}; }
  static Status AlreadyExists(std::string msg) {
    return {StatusCode::kAlreadyExists, std::move(msg)};
  }
  static Status IoError(std::string msg) { return {StatusCode::kIoError, std::move(msg)}; }
  static Status Corruption(std::string msg) { return {StatusCode::kCorruption, std::move(msg)}; }
  static Status Unsupported(std::string msg) { return {StatusCode::kUnsupported, std::move(msg)}; }
  static Status FailedPrecondition(std::string msg) {
    return {StatusCode::kFailedPrecondition, std::move(msg)};
  }
  static Status ResourceExhausted(std::string msg) {
    return {StatusCode::kResourceExhausted, std::move(msg)};
  }
  static Status Unavailable(std::string msg) { return {StatusCode::kUnavailable, std::move(msg)}; }
  static Status Internal(std::string msg) { return {StatusCode::kInternal, std::move(msg)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "invalid_argument: tickets.csv:12: unterminated quoted field"; "ok" for an OK status.
  std::string ToString() const;

  // Returns a copy whose message is prefixed with `context` and ": ". OK stays OK.
  Status WithContext(std::string_view context) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// A value or the reason there is none. Use `if (!r) return std::unexpected(r.error());` to
// propagate.
template <class T>
using Result = std::expected<T, Status>;

// Shorthand for returning a failed Result: `return Fail(Status::NotFound("..."));`.
inline std::unexpected<Status> Fail(Status status) {
  return std::unexpected<Status>(std::move(status));
}

}  // namespace ticketwise
