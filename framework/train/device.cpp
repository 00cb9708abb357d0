#include "train/device.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include "common/errors.h"
#include "common/version.h"

#if TUNELAB_WITH_CUDA
#include <cuda_runtime_api.h>
#endif

namespace tunelab {

c10::Device resolve_device(const std::string& spec) {
  const bool have_cuda = torch::cuda::is_available();
  if (spec == "auto") return have_cuda ? c10::Device(c10::kCUDA, 0) : c10::Device(c10::kCPU);
  if (spec == "cpu") return c10::Device(c10::kCPU);
  if (spec == "cuda" || spec.rfind("cuda:", 0) == 0) {
    if (!have_cuda)
      throw ConfigError("device", fmt::format("'{}' asked for, but this tunelab sees no CUDA "
                                              "device (use auto or cpu)",
                                              spec));
    int index = 0;
    if (spec.size() > 5) {
      const std::string digits = spec.substr(5);
      if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos ||
          digits.size() > 3)
        throw ConfigError("device",
                          fmt::format("'{}' is not a device (auto, cpu, cuda or cuda:K)", spec));
      index = std::stoi(digits);
    }
    const auto count = static_cast<int>(torch::cuda::device_count());
    if (index >= count)
      throw ConfigError("device",
                        fmt::format("'{}' asked for, but there are {} CUDA devices", spec, count));
    return c10::Device(c10::kCUDA, static_cast<c10::DeviceIndex>(index));
  }
  throw ConfigError("device",
                    fmt::format("'{}' is not a device (auto, cpu, cuda or cuda:K)", spec));
}

std::string describe_device(const c10::Device& device) {
#if TUNELAB_WITH_CUDA
  cudaDeviceProp properties{};
  if (device.is_cuda() && cudaGetDeviceProperties(&properties, device.index()) == cudaSuccess)
    return fmt::format("{} ({})", device.str(), properties.name);
#endif
  return device.str();
}

}  // namespace tunelab
