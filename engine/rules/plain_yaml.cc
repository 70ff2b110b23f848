#include "rules/plain_yaml.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <sstream>
#include <vector>

#include "common/utf8.h"

namespace csm::rules {
namespace {

// Thrown from the event handler to stop the parse at the first construct refused.
struct Refused {
  int line;
  std::string message;
};

// Watches the parser's events for what a rule file may not use.
class ShapeCheck : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override {
    if (++documents_ > 1) {
      throw Refused{mark.line + 1,
                    "a second YAML document (after ---): csmigrate reads one document per file, "
                    "so put the second in a file of its own"};
    }
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    Start(mark, anchor);
    Finish();
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override {
    throw Refused{mark.line + 1,
                  "an alias (*name) repeats another part of the file; " + std::string(kWriteOut)};
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    CheckTag(mark, tag);
    if (value == "<<" && AtKey()) {
      throw Refused{mark.line + 1,
                    "a merge key (<<) copies another mapping in; " + std::string(kWriteOut)};
    }
    Start(mark, anchor);
    Finish();
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    CheckTag(mark, tag);
    Open(mark, anchor, false);
  }
  void OnSequenceEnd() override { Close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    CheckTag(mark, tag);
    Open(mark, anchor, true);
  }
  void OnMapEnd() override { Close(); }
  void OnAnchor(const YAML::Mark& mark, const std::string&) override { RefuseAnchor(mark); }

 private:
  // One open mapping or list, and for a mapping whether its next node is a key.
  struct Level {
    bool is_map;
    bool at_key;
  };

  static constexpr const char* kWriteOut =
      "write every part out where it applies (YAML readers expand these differently, and "
      "without bound)";

  [[noreturn]] static void RefuseAnchor(const YAML::Mark& mark) {
    throw Refused{mark.line + 1, "an anchor (&name) marks a part of the file to repeat; " +
                                     std::string(kWriteOut)};
  }
  // "?" and "!" are what a node without a tag gets; any other is a tag the file wrote (!!binary,
  // !!str, !custom), which readers resolve differently.
  static void CheckTag(const YAML::Mark& mark, const std::string& tag) {
    if (tag.empty() || tag == "?" || tag == "!") return;
    throw Refused{mark.line + 1, "a YAML tag (" + tag +
                                     ") asks readers to convert a value, which they do "
                                     "differently; write the value plainly"};
  }
  bool AtKey() const { return !levels_.empty() && levels_.back().is_map && levels_.back().at_key; }
  static void Start(const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (anchor != YAML::NullAnchor) RefuseAnchor(mark);
  }
  // A node is complete: in a mapping, a key is followed by its value and a value by a key.
  void Finish() {
    if (!levels_.empty() && levels_.back().is_map) levels_.back().at_key = !levels_.back().at_key;
  }
  void Open(const YAML::Mark& mark, YAML::anchor_t anchor, bool is_map) {
    Start(mark, anchor);
    if (static_cast<int>(levels_.size()) >= kMaxYamlNesting) {
      throw Refused{mark.line + 1, "mappings and lists nest more than " +
                                       std::to_string(kMaxYamlNesting) +
                                       " deep, far more than csmigrate's files need"};
    }
    levels_.push_back({is_map, true});
  }
  void Close() {
    levels_.pop_back();
    Finish();
  }

  int documents_ = 0;
  std::vector<Level> levels_;
};

}  // namespace

Status CheckPlainYaml(const std::string& text, const std::string& file_name, ErrorCode code) {
  if (const auto bad = FirstInvalidUtf8Byte(text)) {
    const auto line =
        std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(*bad), '\n') + 1;
    return Status(code, file_name + ":" + std::to_string(line) + ": not valid UTF-8 (byte offset " +
                            std::to_string(*bad) + " of the file); save the file as UTF-8");
  }
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) {
      const auto line =
          std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(i), '\n') + 1;
      return Status(code, file_name + ":" + std::to_string(line) +
                              ": a control character (byte offset " + std::to_string(i) +
                              " of the file), which no rule or fixture needs; remove it");
    }
  }
  std::istringstream in(text);
  YAML::Parser parser(in);
  ShapeCheck check;
  try {
    while (parser.HandleNextDocument(check)) {
    }
  } catch (const Refused& r) {
    return Status(code, file_name + ":" + std::to_string(r.line) + ": " + r.message);
  } catch (const YAML::Exception&) {
    // Malformed YAML: the loader's own parse reports it with its position.
  }
  return Status::Ok();
}

}  // namespace csm::rules
