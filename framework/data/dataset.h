#pragma once
// The plugin interface of kind `dataset`: a regression table as tensors.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>
#include <nlohmann/json.hpp>

namespace tunelab {

struct Dataset {
  at::Tensor x;  // (rows, features), float32
  at::Tensor y;  // (rows, targets), float32
  std::vector<std::string> feature_names;
  std::vector<std::string> target_names;

  std::int64_t rows() const { return x.size(0); }
  std::int64_t features() const { return x.size(1); }
  std::int64_t targets() const { return y.size(1); }
};

struct DatasetRequest {
  nlohmann::json args;     // the `data.args` section
  std::uint64_t seed = 0;  // for generated data sets
  // Relative paths in args are resolved against this folder (the experiment
  // file's folder).
  std::filesystem::path base_dir;
};

using DatasetFactory = std::function<Dataset(const DatasetRequest&)>;

}  // namespace tunelab
