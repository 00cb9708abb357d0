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
  // Boost's direction numbers reach 3667 dimensions; a round bound below.
  static constexpr std::size_t kMaxDimensions = 3600;

  ScrambledSobol(std::size_t dimensions, std::uint64_t seed) : dimensions_(dimensions) {
    for (std::size_t d = 0; d < dimensions; ++d)
      shifts_.push_back((derive_seed(seed, 2 * d) << 1) ^ (derive_seed(seed, 2 * d + 1) & 1));
  }

  // Points 0 to count - 1, in one pass of the engine.
  std::vector<std::vector<double>> first_points(std::size_t count) const {
    // No dimension (an empty space): empty points; Boost's engine refuses 0.
    if (dimensions_ == 0) return std::vector<std::vector<double>>(count);
    boost::random::sobol engine(dimensions_);
    std::vector<std::vector<double>> points;
    for (std::size_t k = 0; k < count; ++k) {
      std::vector<double> u;
      for (std::size_t d = 0; d < dimensions_; ++d)
        u.push_back(scrambled(k > 0 ? static_cast<std::uint64_t>(engine()) : 0, d));
      points.push_back(std::move(u));
    }
    return points;
  }

  // Point k, whatever points were asked for before.
  std::vector<double> point(std::uint64_t k) const {
    if (dimensions_ == 0) return {};
    // Boost's engine starts at point 1; point 0 is the origin.
    boost::random::sobol engine(dimensions_);
    if (k > 0) engine.discard(static_cast<boost::uintmax_t>(k - 1) * dimensions_);
    std::vector<double> u;
    for (std::size_t d = 0; d < dimensions_; ++d) {
      u.push_back(scrambled(k > 0 ? static_cast<std::uint64_t>(engine()) : 0, d));
    }
    return u;
  }

 private:
  double scrambled(std::uint64_t bits, std::size_t d) const {
    return static_cast<double>((bits ^ shifts_[d]) >> 11) * 0x1.0p-53;
  }

  std::size_t dimensions_;
  std::vector<std::uint64_t> shifts_;
};

}  // namespace tunelab
