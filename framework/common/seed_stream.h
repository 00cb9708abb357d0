#pragma once
// Numbers in [0, 1) (and standard normals) from one trial's own seed, for
// the model-based samplers: the k-th number depends only on the seed and k.

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "common/derived_seeds.h"

namespace tunelab {

class SeedStream {
 public:
  explicit SeedStream(std::uint64_t seed) : seed_(seed) {}
  double next() { return unit_interval(derive_seed(seed_, counter_++)); }
  double normal() {  // Box-Muller
    const double u = std::max(next(), 1e-300), v = next();
    return std::sqrt(-2 * std::log(u)) * std::cos(2 * M_PI * v);
  }

 private:
  std::uint64_t seed_, counter_ = 0;
};

}  // namespace tunelab
