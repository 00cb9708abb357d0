#pragma once
// Points of a Sobol sequence (Boost.Random's engine, Joe and Kuo's direction
// numbers) in the unit cube, scrambled by a random digital shift: each
// dimension's bits XORed with its own mask from the seed. The shift keeps the
// sequence's equidistribution (the first 2^m points put one value in each
// 1/2^m slice of every dimension) while different seeds give different points.

#include <boost/random/sobol.hpp>

#include <cstdint>
#include <vector>

#include "common/derived_seeds.h"

namespace tunelab {

class ScrambledSobol {
 public:
  ScrambledSobol(std::size_t dimensions, std::uint64_t seed) : dimensions_(dimensions) {
    for (std::size_t d = 0; d < dimensions; ++d)
      shifts_.push_back((derive_seed(seed, 2 * d) << 1) ^ (derive_seed(seed, 2 * d + 1) & 1));
  }

  // Point k, whatever points were asked for before.
  std::vector<double> point(std::uint64_t k) const {
    // Boost's engine starts at point 1; point 0 is the origin.
    boost::random::sobol engine(dimensions_);
    if (k > 0) engine.discard(static_cast<boost::uintmax_t>(k - 1) * dimensions_);
    std::vector<double> u;
    for (std::size_t d = 0; d < dimensions_; ++d) {
      const std::uint64_t bits = (k > 0 ? static_cast<std::uint64_t>(engine()) : 0) ^ shifts_[d];
      u.push_back(static_cast<double>(bits >> 11) * 0x1.0p-53);
    }
    return u;
  }

 private:
  std::size_t dimensions_;
  std::vector<std::uint64_t> shifts_;
};

}  // namespace tunelab
