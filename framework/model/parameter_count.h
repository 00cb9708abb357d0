#pragma once

#include <cstdint>

namespace torch::nn {
class Module;
}

namespace tunelab {

// How many numbers training adjusts: the elements of every parameter.
std::int64_t parameter_count(const torch::nn::Module& module);

}  // namespace tunelab
