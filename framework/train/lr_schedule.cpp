#include "train/lr_schedule.h"

#include <algorithm>
#include <cmath>

namespace tunelab {
namespace {

constexpr double kPi = 3.14159265358979323846;

}  // namespace

const std::vector<std::string>& lr_schedule_names() {
  static const std::vector<std::string> names = {"constant", "cosine", "onecycle", "coslog4"};
  return names;
}

LrSchedule::LrSchedule(std::string name, double warmup_epochs, int epochs, int batches)
    : name_(std::move(name)),
      warmup_(name_ == "onecycle" && warmup_epochs <= 0 ? 0.3 * epochs : warmup_epochs),
      epochs_(epochs),
      batches_(std::max(batches, 1)) {}

double LrSchedule::factor(long step) const {
  // Epochs done after this step, so that the first step of a warm-up is not
  // taken at a zero rate.
  const double t = static_cast<double>(step + 1) / batches_;
  if (t < warmup_) {
    const double rise = t / warmup_;
    return name_ == "onecycle" ? 1.0 / 25 + (1 - 1.0 / 25) * rise : rise;
  }
  // Progress through the epochs after the warm-up, in (0, 1].
  const double span = std::max(epochs_ - warmup_, 1e-9);
  const double u = std::clamp((t - warmup_) / span, 0.0, 1.0);
  if (name_ == "cosine") return 0.5 * (1 + std::cos(kPi * u));
  if (name_ == "onecycle") return 1e-4 + (1 - 1e-4) * 0.5 * (1 + std::cos(kPi * u));
  if (name_ == "coslog4") return 0.5 * (1 - std::cos(2 * kPi * std::log2(1 + 15 * u)));
  return 1;
}

}  // namespace tunelab
