#include "store/transfer_abort.h"

namespace csm::store {

TransferAbort::TransferAbort(std::shared_ptr<const TransferAbort> parent)
    : parent_(std::move(parent)) {}

void TransferAbort::Abort(const std::string& reason) {
  std::lock_guard lock(mutex_);
  if (aborted_) return;
  abort_reason_ = reason;
  aborted_ = true;
}

void TransferAbort::SetDeadline(Clock::time_point deadline, const std::string& reason) {
  std::lock_guard lock(mutex_);
  deadline_reason_ = reason;
  deadline_ = deadline.time_since_epoch().count();
}

bool TransferAbort::aborted() const {
  if (aborted_) return true;
  if (Clock::now().time_since_epoch().count() >= deadline_) return true;
  return parent_ != nullptr && parent_->aborted();
}

std::string TransferAbort::reason() const {
  {
    std::lock_guard lock(mutex_);
    if (aborted_) return abort_reason_;
    if (Clock::now().time_since_epoch().count() >= deadline_) return deadline_reason_;
  }
  return parent_ != nullptr ? parent_->reason() : "";
}

}  // namespace csm::store
