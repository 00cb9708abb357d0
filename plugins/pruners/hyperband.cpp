// Hyperband (Li et al. 2018), asynchronous as in Optuna's HyperbandPruner:
// several successive-halving brackets, each starting to prune at a later
// rung, trade exploring many configurations against training each longer. A
// trial belongs to one bracket (by its number, weighted by each bracket's
// budget) and competes only with trials of that bracket.

#include <cmath>

#include "common/derived_seeds.h"
#include "common/option_specs.h"
#include "plugins/builtins.h"
#include "plugins/pruners/rungs.h"

namespace tunelab {

namespace {

class HyperbandPruner : public Pruner {
 public:
  HyperbandPruner(rungs::Schedule base, int max_resource)
      : base_(base), max_resource_(max_resource) {}

  bool should_prune(int number, int epoch, const EpochValues& values,
                    const std::vector<TrialCurve>& history) override {
    // max_resource "auto": the epochs of the first trial that completed;
    // until one has, there is nothing to size the brackets by.
    int max_resource = max_resource_;
    for (const auto& t : history)
      if (max_resource == 0 && t.state == TrialState::complete)
        max_resource = static_cast<int>(t.epochs.size());
    if (max_resource < base_.min_resource) return false;

    const int brackets = bracket_count(max_resource);
    const int bracket = bracket_of(number, brackets);
    rungs::Schedule schedule = base_;
    schedule.min_early_stopping_rate = bracket;
    if (!schedule.is_rung(epoch)) return false;
    const auto competing = pruning::values_at(history, epoch, [&](const TrialCurve& t) {
      return bracket_of(t.number, brackets) == bracket;
    });
    return !rungs::promoted(values, competing, base_.reduction_factor);
  }

 private:
  int bracket_count(int max_resource) const {
    const double ratio = static_cast<double>(max_resource) / base_.min_resource;
    return static_cast<int>(std::floor(std::log(ratio) / std::log(base_.reduction_factor) + 1e-9)) +
           1;
  }

  // Bracket b's share of trials is Hyperband's budget for it:
  // ceil(n * eta^s / (s + 1)) with s = n - 1 - b.
  int bracket_of(int number, int brackets) const {
    std::vector<double> budgets;
    double total = 0;
    for (int b = 0; b < brackets; ++b) {
      const int s = brackets - 1 - b;
      budgets.push_back(std::ceil(brackets * std::pow(base_.reduction_factor, s) / (s + 1)));
      total += budgets.back();
    }
    double point =
        unit_interval(derive_seed(kBracketSeed, static_cast<std::uint64_t>(number))) * total;
    for (int b = 0; b < brackets; ++b) {
      if (point < budgets[static_cast<std::size_t>(b)]) return b;
      point -= budgets[static_cast<std::size_t>(b)];
    }
    return brackets - 1;
  }

  // Any fixed value: a trial's bracket depends on its number only.
  static constexpr std::uint64_t kBracketSeed = 0x6879706572ULL;
  rungs::Schedule base_;
  int max_resource_;  // 0: auto
};

}  // namespace

void register_hyperband_pruner(Registrar& registrar) {
  static const OptionSpecs options{
      rungs::kMinResource,
      {"max_resource", OptionType::any, "auto",
       "the epochs of a full trial: a number >= min_resource, or auto (the trainer's epochs)"},
      rungs::kReductionFactor};
  registrar.pruners.add(
      "hyperband", "Hyperband: successive-halving brackets that start pruning at different epochs",
      options, [](const nlohmann::json& json) -> std::unique_ptr<Pruner> {
        const Args args = options.read(json);
        const rungs::Schedule base = rungs::read_schedule(args);
        int max_resource = 0;
        const auto& max = args.section("max_resource");
        if (!(max.is_string() && max.get<std::string>() == "auto")) {
          max_resource = static_cast<int>(args.integer("max_resource"));
          require_at_least("max_resource", max_resource, base.min_resource);
        }
        return std::make_unique<HyperbandPruner>(base, max_resource);
      });
}

}  // namespace tunelab
