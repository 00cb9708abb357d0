#pragma once
// An experiment, as read from its YAML file: what to train, on what, how.

#include <cstdint>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "data/split.h"
#include "model/build.h"
#include "train/trainer.h"

namespace tunelab {

struct DataConfig {
  std::string dataset;
  nlohmann::json args = nlohmann::json::object();
  SplitFractions split;
  bool standardize_x = false;
  bool standardize_y = false;
};

struct ExperimentConfig {
  std::string name;
  std::string description;
  std::uint64_t seed = 0;
  std::string device = "auto";
  DataConfig data;
  ModelConfig model;
  TrainerConfig trainer;
};

// The resolved configuration, defaults filled in, as the file would state it.
nlohmann::json to_json(const ExperimentConfig& config);

}  // namespace tunelab
