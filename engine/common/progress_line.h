// A one-line status on stderr for long work (after gh-ost: counts, rate), redrawn in place at
// most a few times a second, only when stderr is a terminal.
#pragma once

#include <chrono>
#include <string>

namespace csm {

class ProgressLine {
 public:
  // Enabled when `enabled` and stderr is a terminal; otherwise every call does nothing.
  explicit ProgressLine(bool enabled);
  // Clears the line if one is shown.
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // Whether updates are shown; callers may skip building texts when not.
  bool enabled() const { return enabled_; }

  // Shows `text` (built by `make_text`, called only when the line is due for a redraw) as
  // PrintableText: names from the database cannot move the cursor or end the line.
  template <typename MakeText>
  void Update(MakeText&& make_text) {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_draw_ < std::chrono::milliseconds(200)) return;
    last_draw_ = now;
    Draw(make_text());
  }

  // Removes the line, so that what follows starts on a clean line.
  void Clear();

 private:
  void Draw(const std::string& text);

  bool enabled_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace csm
