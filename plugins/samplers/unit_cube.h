#pragma once
// The search space seen as the unit cube, as the samplers use it: a point's
// params, a uniformly drawn point, and whether a finished trial has a value
// for every dimension.

#include <vector>

#include "common/seed_stream.h"
#include "search/sampler.h"

namespace tunelab {

// Params at `u` (one number in [0, 1] per dimension, in order).
inline Params params_at(const SearchSpace& space, const std::vector<double>& u) {
  Params params;
  for (std::size_t d = 0; d < space.dimensions.size(); ++d)
    params[space.dimensions[d].path] = space.dimensions[d].value_at(u[d]);
  return params;
}

// Params at a point drawn uniformly from `uniform`, one number per
// dimension in order.
inline Params random_params(const SearchSpace& space, SeedStream& uniform) {
  Params params;
  for (const auto& d : space.dimensions) params[d.path] = d.value_at(uniform.next());
  return params;
}

// Whether `trial` has a value for every dimension (a trial of an earlier
// space may not).
inline bool covers_space(const SearchSpace& space, const FinishedTrial& trial) {
  for (const auto& d : space.dimensions)
    if (!trial.params.count(d.path)) return false;
  return true;
}

}  // namespace tunelab
