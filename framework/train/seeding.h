#pragma once
// LibTorch's own random state, seeded before a trial builds its model.

#include <cstdint>

namespace tunelab {

// Seeds LibTorch's CPU and CUDA generators and asks for deterministic
// algorithms.
void seed_everything(std::uint64_t seed);

}  // namespace tunelab
