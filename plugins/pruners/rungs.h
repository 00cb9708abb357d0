#pragma once
// Successive halving's rungs and promotion rule, shared by the
// successive_halving and hyperband pruners. Asynchronous, as in ASHA (Li et
// al. 2020) and Optuna's SuccessiveHalvingPruner: a trial that reaches a rung
// goes on only if its validation loss there is among the best 1/eta of every
// trial that reached that rung so far (itself included).

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

#include "common/option_specs.h"
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

// Whether `value` at a rung goes on, among `competing` values there (the
// others'), with reduction factor `eta`. With fewer than eta values there,
// only the best goes on (a trial cannot wait for others to catch up).
inline bool promoted(double value, std::vector<double> competing, int eta) {
  if (!std::isfinite(value)) return true;  // no validation loss: nothing to compare
  competing.push_back(value);
  std::sort(competing.begin(), competing.end());
  const std::size_t keep =
      std::max<std::size_t>(competing.size() / static_cast<std::size_t>(eta), 1);
  return value <= competing[keep - 1];
}

// The values of `trials` at `epoch` (those that reached it).
template <typename Include>
std::vector<double> values_at(const std::vector<FinishedTrial>& trials, int epoch,
                              Include include) {
  std::vector<double> values;
  for (const auto& t : trials) {
    if (!include(t) || static_cast<int>(t.val_losses.size()) < epoch) continue;
    const double v = t.val_losses[static_cast<std::size_t>(epoch - 1)];
    if (std::isfinite(v)) values.push_back(v);
  }
  return values;
}

}  // namespace tunelab::rungs
