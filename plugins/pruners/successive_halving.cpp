// Asynchronous successive halving (ASHA; Li et al. 2020): at epochs
// min_resource * eta^k a trial goes on only if it is among the best 1/eta of
// the trials that reached that epoch.

#include "common/option_specs.h"
#include "plugins/builtins.h"
#include "plugins/pruners/rungs.h"

namespace tunelab {
namespace {

class SuccessiveHalvingPruner : public Pruner {
 public:
  explicit SuccessiveHalvingPruner(rungs::Schedule schedule) : schedule_(schedule) {}

  bool should_prune(int, int epoch, const EpochValues& values,
                    const std::vector<TrialCurve>& history) override {
    if (!schedule_.is_rung(epoch)) return false;
    const auto competing =
        pruning::values_at(history, epoch, [](const TrialCurve&) { return true; });
    return !rungs::promoted(values, competing, schedule_.reduction_factor);
  }

 private:
  rungs::Schedule schedule_;
};

}  // namespace

void register_successive_halving_pruner(Registrar& registrar) {
  static const OptionSpecs options{rungs::kMinResource,
                                   rungs::kReductionFactor,
                                   {"min_early_stopping_rate", OptionType::integer, 0,
                                    "rungs skipped before the first", OptionCheck::at_least(0)}};
  registrar.pruners.add(
      "successive_halving",
      "asynchronous successive halving (ASHA): at epochs min_resource * eta^k keeps the best 1/eta",
      options, [](const nlohmann::json& json) -> std::unique_ptr<Pruner> {
        const Args args = options.read(json);
        rungs::Schedule schedule = rungs::read_schedule(args);
        schedule.min_early_stopping_rate =
            static_cast<int>(args.integer("min_early_stopping_rate"));
        return std::make_unique<SuccessiveHalvingPruner>(schedule);
      });
}

}  // namespace tunelab
