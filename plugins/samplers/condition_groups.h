#pragma once
// Samplers that model the history over a conditional search space, by
// Optuna's group decomposition: the dimensions that are searched together
// (the same conditions) form a group, and each group has a sampler of its
// own, fitted to the trials in which the group was searched. A proposal
// takes each group in turn, parents' groups first, and skips a group whose
// conditions the values so far leave unmet.

#include <memory>
#include <vector>

#include "search/sampler.h"

namespace tunelab {

// The groups of a space: each a space of its own (without conditions), the
// always-searched dimensions first when there are any.
std::vector<SearchSpace> condition_groups(const SearchSpace& space);

// `flat` for each group of `request`'s space. For a space without
// conditions, `flat` itself.
std::unique_ptr<Sampler> by_condition_groups(const SamplerRequest& request,
                                             const SamplerFactory& flat);

}  // namespace tunelab
