#pragma once
// Which params mattered: fANOVA (Hutter, Hoos & Leyton-Brown, "An Efficient
// Approach for Assessing Hyperparameter Importance", ICML 2014), the method
// behind Optuna's default importance evaluator. A random forest is fitted to
// the complete trials' values over the search space (each dimension mapped
// onto [0, 1]: continuous and integer ones as the sampler sees them, a
// categorical one as equal slices per choice). For every tree the variance
// of each param's main effect (the tree's prediction averaged over all other
// params, as a function of that one) is divided by the tree's total variance;
// these shares are averaged over the trees and scaled to sum to 1. In a
// conditional space each dimension is judged on the trials that searched it,
// among the dimensions those trials all searched (one forest per set of
// trials), so shares from different forests do not sum to 1 together.

#include <cstdint>
#include <string>
#include <vector>

#include "search/space.h"

namespace tunelab {

struct ParamImportance {
  std::string path;
  double importance = 0;  // share of the explained main-effect variance, in [0, 1]
};

struct ScoredParams {
  Params params;
  double value = 0;
};

// Sorted from most to least important. Needs at least two trials with
// different values (else every importance is 0).
std::vector<ParamImportance> param_importance(const SearchSpace& space,
                                              const std::vector<ScoredParams>& trials,
                                              std::uint64_t seed = 0);

}  // namespace tunelab
