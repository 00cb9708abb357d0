#pragma once
// Successive halving's rungs and promotion rule, shared by the
// successive_halving and hyperband pruners. Asynchronous, as in ASHA (Li et
// al. 2020) and Optuna's SuccessiveHalvingPruner: a trial that reaches a rung
// goes on only if its validation loss there is among the best 1/eta of every
// trial that reached that rung so far (itself included). With several
// objectives, "among the best" is "dominated by fewer than 1/eta of them".

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

#include "common/option_specs.h"
#include "plugins/pruners/values_at.h"
#include "search/pareto.h"
#include "search/sampler.h"

namespace tunelab::rungs {

struct Schedule {
  int min_resource = 1;             // epochs before the first rung
  int reduction_factor = 3;         // eta
  int min_early_stopping_rate = 0;  // s: rung k is at min_resource * eta^(s + k) epochs

  // Whether `epoch` is a rung's epoch.
  bool is_rung(int epoch) const {
    for (double at = min_resource * std::pow(reduction_factor, min_early_stopping_rate);
         at <= epoch; at *= reduction_factor)
      if (static_cast<int>(std::lround(at)) == epoch) return true;
    return false;
  }
};

// min_resource (default 1 epoch) and reduction_factor (eta, default 3).
// The schedule's options, which successive halving and Hyperband share.
inline const OptionSpec kMinResource{"min_resource", OptionType::integer, 1,
                                     "epochs before the first rung", OptionCheck::at_least(1)};
inline const OptionSpec kReductionFactor{"reduction_factor", OptionType::integer, 3,
                                         "eta: each rung keeps the best 1/eta",
                                         OptionCheck::at_least(2)};

inline Schedule read_schedule(const Args& args) {
  Schedule s;
  s.min_resource = static_cast<int>(args.integer("min_resource"));
  s.reduction_factor = static_cast<int>(args.integer("reduction_factor"));
  return s;
}

// Whether a trial with `values` at a rung goes on, among the `competing`
// values there (the others'), with reduction factor `eta`: the rung keeps
// max(n / eta, 1) of its n trials (itself included), so a trial goes on
// while fewer than that many beat it (dominate it, with several values).
// With fewer than eta trials there, only unbeaten ones go on: a trial cannot
// wait for others to catch up.
inline bool promoted(const EpochValues& values, const std::vector<EpochValues>& competing,
                     int eta) {
  for (const double v : values)
    if (!std::isfinite(v)) return true;  // no validation loss: nothing to compare
  const std::size_t keep =
      std::max<std::size_t>((competing.size() + 1) / static_cast<std::size_t>(eta), 1);
  std::size_t beaten_by = 0;
  for (const auto& other : competing) beaten_by += dominates(other, values);
  return beaten_by < keep;
}

}  // namespace tunelab::rungs
