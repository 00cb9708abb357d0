#pragma once
// A study's data, made once before its trials: the data set loaded, split,
// encoded and standardised with seeds derived from the root seed.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "config/experiment_loader.h"
#include "data/split.h"

namespace tunelab {

struct Registrar;

// The data every trial of a study trains on.
struct PreparedData {
  Splits splits;  // encoded (and standardised where asked): what the model reads
  Splits raw;     // the same rows as the data set holds them
  // The model's inputs (encoded columns) and outputs (targets, or logits).
  std::int64_t features = 0, targets = 0;
  std::string digest;  // fingerprint of the data set's values
  Scaling scaling;     // fitted on the training rows
  std::vector<std::string> feature_names, target_names;
  std::vector<std::string> classes;  // classification: the class labels
  std::vector<std::string> notes;    // the data set's, on how it was read
};

// The experiment's data set, generated with the seed derived from the root
// seed, its targets made what the experiment's task asks (data/task.h).
// Throws ConfigError / DataError for bad input.
Dataset load_dataset(const ExperimentConfig& config, const std::filesystem::path& base_dir,
                     const Registrar& registrar);

// load_dataset, then split and standardise with seeds derived from the root
// seed. Throws ConfigError / DataError for bad input.
PreparedData prepare_data(const ExperimentConfig& config, const std::filesystem::path& base_dir,
                          const Registrar& registrar);

// The same for a data set already loaded.
PreparedData prepare_data(const ExperimentConfig& config, const Dataset& dataset);

// Splits whose raw rows are `raw`, encoded and standardised as `config` asks
// with what the training rows give (for a fold of the split, too).
PreparedData prepare_splits(const ExperimentConfig& config, const Dataset& dataset, Splits raw);

}  // namespace tunelab
