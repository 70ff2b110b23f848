// Errors a user can cause travel as values: Status (ok or an error) and Result<T> (a value or an
// error). Each error carries a code, which the CLI maps to a documented exit code, and a message
// that tells the user what is wrong and what to do. Programming errors assert instead.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace csm {

// What kind of failure, as seen by the person running the command. The CLI maps each to an exit
// code (see cli/exit_codes.h).
enum class ErrorCode {
  kInvalidArgument,  // a command-line parameter or option is wrong
  kInvalidRules,     // a rule file cannot be loaded or does not match the schema
  kPrecondition,     // the database is not in a state the rules accept
  kConflict,         // rows changed since a run (rollback) or another process holds the lock
  kNotFound,         // a run, object or file the user named does not exist
  kDatabase,         // the database failed (connection, SQL, constraint)
  kIo,               // a local file or network operation failed
  kCrypto,           // encryption or decryption of a secret failed
};

// The code as JSON error documents and fixtures name it: "invalid_argument", "invalid_rules", ...
inline std::string ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "invalid_argument";
    case ErrorCode::kInvalidRules:
      return "invalid_rules";
    case ErrorCode::kPrecondition:
      return "precondition";
    case ErrorCode::kConflict:
      return "conflict";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kDatabase:
      return "database";
    case ErrorCode::kIo:
      return "io";
    case ErrorCode::kCrypto:
      return "crypto";
  }
  assert(false && "an ErrorCode without a name");
  return "io";
}

// A success or a failure with a code and a user-facing message. Cheap to copy.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string message) : error_(Error{code, std::move(message)}) {}

  static Status Ok() { return Status(); }

  bool ok() const { return !error_.has_value(); }
  ErrorCode code() const {
    assert(!ok());
    return error_->code;
  }
  const std::string& message() const {
    assert(!ok());
    return error_->message;
  }
  // Returns this error with `context` prepended ("context: message"); an ok status stays ok.
  Status WithContext(const std::string& context) const {
    if (ok()) return *this;
    return Status(error_->code, context + ": " + error_->message);
  }

 private:
  struct Error {
    ErrorCode code;
    std::string message;
  };
  std::optional<Error> error_;
};

// A value of type T or a failed Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : data_(std::move(status)) { assert(!std::get<Status>(data_).ok()); }

  bool ok() const { return std::holds_alternative<T>(data_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(data_);
  }
  T& value() & {
    assert(ok());
    return std::get<T>(data_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<T>(data_);
  }
  T&& value() && {
    assert(ok());
    return std::get<T>(std::move(data_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace csm

// Returns early from the enclosing function when `expr` (a Status) is an error.
#define CSM_RETURN_IF_ERROR(expr)              \
  do {                                         \
    ::csm::Status csm_status_ = (expr);        \
    if (!csm_status_.ok()) return csm_status_; \
  } while (0)

#define CSM_CONCAT_INNER(a, b) a##b
#define CSM_CONCAT(a, b) CSM_CONCAT_INNER(a, b)
// Declares `lhs` from the value of `rexpr` (a Result<T>), or returns its error.
#define CSM_ASSIGN_OR_RETURN(lhs, rexpr) \
  CSM_ASSIGN_OR_RETURN_IMPL(CSM_CONCAT(csm_result_, __LINE__), lhs, rexpr)
#define CSM_ASSIGN_OR_RETURN_IMPL(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                              \
  if (!tmp.ok()) return tmp.status();              \
  lhs = std::move(tmp).value()
