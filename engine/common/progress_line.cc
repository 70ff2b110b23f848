#include "common/progress_line.h"

#include <unistd.h>

#include <cstdio>

#include "common/printable_text.h"

namespace csm {

ProgressLine::ProgressLine(bool enabled) : enabled_(enabled && isatty(STDERR_FILENO) != 0) {}

ProgressLine::~ProgressLine() {
  Clear();
}

void ProgressLine::Draw(const std::string& text) {
  std::fprintf(stderr, "\r\033[K%s", PrintableText(text).c_str());
  std::fflush(stderr);
  shown_ = true;
}

void ProgressLine::Clear() {
  if (!shown_) return;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
  shown_ = false;
}

}  // namespace csm
