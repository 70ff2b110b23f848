#include "cli/logging.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <vector>

#include "common/printable_text.h"

namespace csm::cli {
namespace {

// %j: the message as a JSON string (quotes included; invalid UTF-8 replaced).
class JsonMessage : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    const std::string text(msg.payload.data(), msg.payload.size());
    const std::string quoted =
        nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    dest.append(quoted.data(), quoted.data() + quoted.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<JsonMessage>();
  }
};

// %*: the message as one line a terminal shows inertly (common/printable_text.h): a newline or
// an escape sequence in a name or a file name cannot split a log line or reach the terminal.
class PrintableMessage : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    const std::string shown =
        PrintableText(std::string_view(msg.payload.data(), msg.payload.size()));
    dest.append(shown.data(), shown.data() + shown.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<PrintableMessage>();
  }
};

std::unique_ptr<spdlog::formatter> Formatter(const std::string& pattern) {
  auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
  formatter->add_flag<JsonMessage>('j').add_flag<PrintableMessage>('*').set_pattern(pattern);
  return formatter;
}

// The first failure to write the log file, empty while there is none.
struct LogFileFailure {
  std::mutex mutex;
  std::string file;
  std::string reason;
};

LogFileFailure& Failure() {
  static LogFileFailure failure;
  return failure;
}

// Where the final error goes besides stderr, and in which form (set by ConfigureLogging).
struct ErrorTargets {
  bool json = false;
  spdlog::sink_ptr file;  // null without --log-file
  std::string file_name;
};

ErrorTargets& Targets() {
  static ErrorTargets targets;
  return targets;
}

constexpr const char* kJsonPattern =
    R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","message":%j})";

}  // namespace

Status ConfigureLogging(const LogOptions& options) {
  if (options.format != "text" && options.format != "json") {
    return Status(ErrorCode::kInvalidArgument,
                  "--log-format " + options.format + ": expected text or json");
  }
  const bool json = options.format == "json";
  std::vector<spdlog::sink_ptr> sinks;
  const auto detail = options.verbose ? spdlog::level::debug : spdlog::level::info;
  auto console = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  console->set_formatter(Formatter(json ? kJsonPattern : "%^%l%$: %*"));
  console->set_level(options.quiet ? spdlog::level::warn : detail);
  sinks.push_back(console);
  Targets() = ErrorTargets{json, nullptr, options.file};
  if (!options.file.empty()) {
    // spdlog would create missing directories; an output is written where it is named, or not.
    const auto parent = std::filesystem::path(options.file).parent_path();
    if (std::error_code ec; !parent.empty() && !std::filesystem::is_directory(parent, ec)) {
      return Status(ErrorCode::kIo, "--log-file " + options.file + ": the directory " +
                                        parent.string() + " does not exist");
    }
    try {
      auto file = std::make_shared<spdlog::sinks::basic_file_sink_mt>(options.file);
      Targets().file = file;
      file->set_formatter(Formatter(json ? kJsonPattern : "%Y-%m-%dT%H:%M:%S.%eZ %l: %*"));
      file->set_level(detail);  // -q quiets the terminal, not the record
      sinks.push_back(file);
    } catch (const spdlog::spdlog_ex& e) {
      return Status(ErrorCode::kIo, "--log-file " + options.file + ": " + e.what());
    }
  }
  auto logger = std::make_shared<spdlog::logger>("csmigrate", sinks.begin(), sinks.end());
  // Only the file sink reports failures (spdlog's stderr sinks ignore theirs).
  logger->set_error_handler([file = options.file](const std::string& reason) {
    if (file.empty()) return;
    LogFileFailure& failure = Failure();
    const std::lock_guard<std::mutex> lock(failure.mutex);
    if (failure.reason.empty()) {
      failure.file = file;
      failure.reason = reason;
    }
  });
  logger->set_level(detail);
  logger->flush_on(spdlog::level::debug);
  spdlog::set_default_logger(logger);
  return Status::Ok();
}

void ReportError(const std::string& message) {
  const ErrorTargets& targets = Targets();
  if (targets.json) {
    spdlog::error("{}", message);  // a JSON line on stderr, and in the file
    return;
  }
  std::cerr << "csmigrate: error: " << PrintableText(message) << "\n";
  if (targets.file != nullptr) {
    const spdlog::details::log_msg line("csmigrate", spdlog::level::err, message);
    try {
      targets.file->log(line);
      targets.file->flush();
    } catch (const spdlog::spdlog_ex& e) {
      LogFileFailure& failure = Failure();
      const std::lock_guard<std::mutex> lock(failure.mutex);
      if (failure.reason.empty()) {
        failure.file = targets.file_name;
        failure.reason = e.what();
      }
    }
  }
}

Status LogFileStatus() {
  LogFileFailure& failure = Failure();
  const std::lock_guard<std::mutex> lock(failure.mutex);
  if (failure.reason.empty()) return Status::Ok();
  return Status(ErrorCode::kIo, "--log-file " + failure.file + ": a line could not be written (" +
                                    failure.reason + "): the log is incomplete");
}

}  // namespace csm::cli
