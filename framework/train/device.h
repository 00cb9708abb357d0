#pragma once

#include <string>

#include <c10/core/Device.h>

namespace tunelab {

// "auto" (CUDA when present, else CPU), "cpu", "cuda" or "cuda:K". Throws
// ConfigError("device", ...) for a malformed name or a CUDA device that is not
// there.
c10::Device resolve_device(const std::string& spec);

// The device as the store's provenance records it: "cpu", or "cuda:K"
// followed by the GPU's name where this build can ask for it, so that
// timings from different GPUs are told apart.
std::string describe_device(const c10::Device& device);

}  // namespace tunelab
