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
    if (values.size() != 1) return dominated_by_too_many(epoch, values, history);
    const double value = values.front();
    // The trial's best so far: one bad epoch after good ones is not a reason.
    if (number != number_) {
      number_ = number;
      best_ = value;
    }
    if (!(value >= best_)) best_ = value;
    if (!deciding_at(epoch)) return false;

    int complete = 0;
    std::vector<double> at_epoch;
    for (const auto& t : history) {
      if (t.state != TrialState::complete) continue;
      ++complete;
      if (static_cast<int>(t.epochs.size()) >= epoch &&
          std::isfinite(t.epochs[static_cast<std::size_t>(epoch - 1)].front()))
        at_epoch.push_back(t.epochs[static_cast<std::size_t>(epoch - 1)].front());
    }
    if (complete < startup_trials_ || static_cast<int>(at_epoch.size()) < min_trials_ ||
        at_epoch.empty())
      return false;
    return best_ > percentile_of(at_epoch);  // false for NaN (no validation split)
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

  bool deciding_at(int epoch) const {
    return epoch > warmup_epochs_ && (epoch - warmup_epochs_) % interval_ == 0;
  }

  // Several objectives: the trial stops when more than the percentile's
  // share of the complete trials that reached the epoch dominate it there
  // (for one objective that is the rule above, less the interpolation). A
  // trial that may yet be on the front is not stopped by trials it trades
  // off against.
  bool dominated_by_too_many(int epoch, const EpochValues& values,
                             const std::vector<TrialCurve>& history) const {
    if (!deciding_at(epoch)) return false;
    for (const double v : values)
      if (!std::isfinite(v)) return false;
    int complete = 0;
    std::vector<EpochValues> at_epoch;
    for (const auto& t : history) {
      if (t.state != TrialState::complete) continue;
      ++complete;
      if (static_cast<int>(t.epochs.size()) < epoch) continue;
      const EpochValues& there = t.epochs[static_cast<std::size_t>(epoch - 1)];
      if (std::all_of(there.begin(), there.end(), [](double x) { return std::isfinite(x); }))
        at_epoch.push_back(there);
    }
    if (complete < startup_trials_ || static_cast<int>(at_epoch.size()) < min_trials_ ||
        at_epoch.empty())
      return false;
    std::size_t dominated_by = 0;
    for (const auto& other : at_epoch) dominated_by += dominates(other, values);
    return static_cast<double>(dominated_by) >
           percentile_ / 100 * static_cast<double>(at_epoch.size());
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
