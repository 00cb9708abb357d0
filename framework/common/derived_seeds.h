#pragma once
// Every random choice derives from the experiment's root seed: one seed per
// purpose ("data", "split"), per trial, or per draw of a sampler.

#include <cstdint>
#include <string_view>

namespace tunelab {

// A seed for one purpose or one stream, from the root seed. SplitMix64
// mixing, so nearby roots and streams give unrelated seeds.
std::uint64_t derive_seed(std::uint64_t root, std::string_view purpose);
std::uint64_t derive_seed(std::uint64_t root, std::uint64_t stream);

// A derived seed (63 bits) as a number in [0, 1) with 53 random bits.
inline double unit_interval(std::uint64_t derived) {
  return static_cast<double>(derived >> 10) * 0x1.0p-53;
}

}  // namespace tunelab
