#pragma once

#include <string>

#include <c10/core/Device.h>

namespace tunelab {

// "auto" (CUDA when present, else CPU), "cpu", "cuda" or "cuda:K". Throws
// ConfigError("device", ...) for a malformed name or a CUDA device that is not
// there.
c10::Device resolve_device(const std::string& spec);

}  // namespace tunelab
