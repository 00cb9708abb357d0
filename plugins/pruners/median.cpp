// The median rule (Golovin et al. 2017, Google Vizier; Optuna's MedianPruner):
// stop a trial whose best validation loss so far is worse than the median of
// what the completed trials had at the same epoch. `percentile` generalises
// it (Optuna's PercentilePruner): worse than that percentile, so that 75
// stops only trials among the worst quarter, 50 is the median. With several
// objectives, worse is being dominated.

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "common/option_specs.h"
#include "plugins/builtins.h"
#include "plugins/pruners/values_at.h"
#include "search/pareto.h"

namespace tunelab {
namespace {

class PercentilePruner : public Pruner {
 public:
  PercentilePruner(double percentile, int startup_trials, int warmup_epochs, int interval,
                   int min_trials)
      : percentile_(percentile),
        startup_trials_(startup_trials),
        warmup_epochs_(warmup_epochs),
        interval_(interval),
        min_trials_(min_trials) {}

  bool should_prune(int number, int epoch, const EpochValues& values,
                    const std::vector<TrialCurve>& history) override {
    // One value: the trial's best so far, since one bad epoch after good
    // ones is not a reason.
    if (values.size() == 1) {
      if (number != number_) {
        number_ = number;
        best_ = values.front();
      }
      if (!(values.front() >= best_)) best_ = values.front();
    }
    if (epoch <= warmup_epochs_ || (epoch - warmup_epochs_) % interval_ != 0) return false;
    const auto complete = [](const TrialCurve& t) { return t.state == TrialState::complete; };
    const std::vector<EpochValues> at_epoch = pruning::values_at(history, epoch, complete);
    if (std::count_if(history.begin(), history.end(), complete) < startup_trials_ ||
        static_cast<int>(at_epoch.size()) < min_trials_ || at_epoch.empty())
      return false;
    if (values.size() == 1) {
      std::vector<double> losses;
      for (const auto& v : at_epoch) losses.push_back(v.front());
      return best_ > percentile_of(losses);  // false for NaN (no validation split)
    }
    // Several objectives: the trial stops when more than the percentile's
    // share of them dominate it (for one value that is the rule above, less
    // the interpolation), so a trial that may yet be on the front is not
    // stopped by trials it trades off against.
    for (const double v : values)
      if (!std::isfinite(v)) return false;
    std::size_t dominated_by = 0;
    for (const auto& other : at_epoch) dominated_by += dominates(other, values);
    return static_cast<double>(dominated_by) >
           percentile_ / 100 * static_cast<double>(at_epoch.size());
  }

 private:
  // Linear interpolation between the closest ranks (numpy's default, which
  // Optuna uses): the median of an even count is the mean of the middle two.
  double percentile_of(std::vector<double>& values) const {
    std::sort(values.begin(), values.end());
    const double rank = percentile_ / 100 * static_cast<double>(values.size() - 1);
    const auto below = static_cast<std::size_t>(std::floor(rank));
    const std::size_t above = std::min(below + 1, values.size() - 1);
    return values[below] + (rank - static_cast<double>(below)) * (values[above] - values[below]);
  }

  double percentile_;
  int startup_trials_, warmup_epochs_, interval_, min_trials_;
  int number_ = -1;
  double best_ = 0;
};

// The options both share; `percentile` is the percentile pruner's own.
const OptionSpecs kMedianOptions{
    {"startup_trials", OptionType::integer, 5, "complete trials before any pruning",
     OptionCheck::at_least(0)},
    {"warmup_epochs", OptionType::integer, 0, "epochs of a trial before it may be pruned",
     OptionCheck::at_least(0)},
    {"interval", OptionType::integer, 1, "epochs between decisions", OptionCheck::at_least(1)},
    {"min_trials", OptionType::integer, 1, "trials that reached the epoch, needed to decide",
     OptionCheck::at_least(1)}};

OptionSpecs percentile_options() {
  OptionSpecs out{
      {"percentile", OptionType::number, 75, "the percentile a trial must beat, in [0, 100]"}};
  for (const auto& spec : kMedianOptions.specs()) out = out.with(spec);
  return out;
}

std::unique_ptr<Pruner> make_percentile_pruner(const Args& args, double percentile) {
  const auto startup = args.integer("startup_trials");
  const auto warmup = args.integer("warmup_epochs");
  const auto interval = args.integer("interval");
  const auto min_trials = args.integer("min_trials");
  return std::make_unique<PercentilePruner>(percentile, static_cast<int>(startup),
                                            static_cast<int>(warmup), static_cast<int>(interval),
                                            static_cast<int>(min_trials));
}

}  // namespace

void register_median_pruner(Registrar& registrar) {
  registrar.pruners.add(
      "median",
      "stops a trial whose best val_loss so far is worse than the completed trials' median at "
      "that epoch",
      kMedianOptions, [](const nlohmann::json& json) -> std::unique_ptr<Pruner> {
        return make_percentile_pruner(kMedianOptions.read(json), 50);
      });
  static const OptionSpecs options = percentile_options();
  registrar.pruners.add(
      "percentile",
      "stops a trial whose best val_loss so far is worse than the completed trials' percentile "
      "at that epoch",
      options, [](const nlohmann::json& json) -> std::unique_ptr<Pruner> {
        const Args args = options.read(json);
        const double percentile = args.number("percentile");
        if (!(percentile >= 0 && percentile <= 100))
          throw ConfigError("percentile", fmt::format("must be in [0, 100], got {}", percentile));
        return make_percentile_pruner(args, percentile);
      });
}

}  // namespace tunelab
