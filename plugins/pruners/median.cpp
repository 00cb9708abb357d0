// The median rule (Golovin et al. 2017, Google Vizier; Optuna's MedianPruner):
// stop a trial whose best validation loss so far is worse than the median of
// what the completed trials had at the same epoch.

#include <algorithm>
#include <cmath>

#include "common/args.h"
#include "plugins/builtins.h"

namespace tunelab {
namespace {

class MedianPruner : public Pruner {
 public:
  MedianPruner(int startup_trials, int warmup_epochs, int interval, int min_trials)
      : startup_trials_(startup_trials),
        warmup_epochs_(warmup_epochs),
        interval_(interval),
        min_trials_(min_trials) {}

  bool should_prune(int number, int epoch, double value,
                    const std::vector<FinishedTrial>& history) override {
    // The trial's best so far: one bad epoch after good ones is not a reason.
    if (number != number_) {
      number_ = number;
      best_ = value;
    }
    if (!(value >= best_)) best_ = value;
    if (epoch <= warmup_epochs_ || (epoch - warmup_epochs_) % interval_ != 0) return false;

    int complete = 0;
    std::vector<double> at_epoch;
    for (const auto& t : history) {
      if (t.state != TrialState::complete) continue;
      ++complete;
      if (static_cast<int>(t.val_losses.size()) >= epoch &&
          std::isfinite(t.val_losses[static_cast<std::size_t>(epoch - 1)]))
        at_epoch.push_back(t.val_losses[static_cast<std::size_t>(epoch - 1)]);
    }
    if (complete < startup_trials_ || static_cast<int>(at_epoch.size()) < min_trials_ ||
        at_epoch.empty())
      return false;
    std::sort(at_epoch.begin(), at_epoch.end());
    const std::size_t n = at_epoch.size();
    const double median = n % 2 ? at_epoch[n / 2] : (at_epoch[n / 2 - 1] + at_epoch[n / 2]) / 2;
    return best_ > median;  // false for NaN (no validation split)
  }

 private:
  int startup_trials_, warmup_epochs_, interval_, min_trials_;
  int number_ = -1;
  double best_ = 0;
};

}  // namespace

void register_median_pruner(Registrar& registrar) {
  registrar.pruners.add(
      "median",
      "stops a trial whose best val_loss so far is worse than the completed trials' median at "
      "that epoch",
      [](const nlohmann::json& json) -> std::unique_ptr<Pruner> {
        const Args args(json);
        args.allow_only({"startup_trials", "warmup_epochs", "interval", "min_trials"});
        const auto startup = args.integer("startup_trials", 5);
        const auto warmup = args.integer("warmup_epochs", 0);
        const auto interval = args.integer("interval", 1);
        const auto min_trials = args.integer("min_trials", 1);
        require_at_least("startup_trials", startup, 0);
        require_at_least("warmup_epochs", warmup, 0);
        require_at_least("interval", interval, 1);
        require_at_least("min_trials", min_trials, 1);
        return std::make_unique<MedianPruner>(static_cast<int>(startup), static_cast<int>(warmup),
                                              static_cast<int>(interval),
                                              static_cast<int>(min_trials));
      });
}

}  // namespace tunelab
