#pragma once
// What the pruners compare a trial with: the finished trials' values at one
// epoch.

#include <algorithm>
#include <cmath>
#include <vector>

#include "search/sampler.h"

namespace tunelab::pruning {

// The values of those of `trials` that `include` takes at `epoch`: those
// that reached it with finite values.
template <typename Include>
std::vector<EpochValues> values_at(const std::vector<TrialCurve>& trials, int epoch,
                                   Include include) {
  std::vector<EpochValues> values;
  for (const auto& t : trials) {
    if (!include(t) || static_cast<int>(t.epochs.size()) < epoch) continue;
    const EpochValues& v = t.epochs[static_cast<std::size_t>(epoch - 1)];
    if (std::all_of(v.begin(), v.end(), [](double x) { return std::isfinite(x); }))
      values.push_back(v);
  }
  return values;
}

}  // namespace tunelab::pruning
