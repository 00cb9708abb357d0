#pragma once
// A trial's trained models as a file: their parameters and buffers plus the
// feature and target scaling each was trained with, so that predictions on
// new rows need nothing else. One model is stored as LibTorch's archive of
// its module with "scaling.x.*" / "scaling.y.*" beside it; the k models of a
// cross-validated trial as sub-archives "fold0" .. "fold{k-1}" of that
// form, with the scaling the losses are reported in at the top. Each model's
// feature encoding is "scaling.encoding" (JSON text); a classifier's labels
// are "trial.classes" at the top.

#include <cstdint>
#include <filesystem>
#include <functional>

#include "runner/trial/trained_model.h"

namespace tunelab {

// Moves the models to the CPU (so that a file written on a GPU loads
// anywhere), writes to a temporary file and renames it into place: a reader
// never sees half a file. Error when the file cannot be written (a full
// disk); nothing is left behind then. The file names the trial by its seed.
void save_weights(const std::filesystem::path& file, TrainedModels& models,
                  std::uint64_t trial_seed);

// Makes an untrained module of the trial's configuration for rows encoded
// by `encoding` (absent in files from before encodings), with this many
// inputs and outputs.
using ModelBuilder = std::function<torch::nn::Sequential(
    const std::optional<FeatureEncoding>& encoding, std::int64_t inputs, std::int64_t outputs)>;

// Loads the models, each into a module made by `build`, sized by its stored
// encoding and the stored classes (files from before encodings: by
// `inputs` and `outputs`). Throws InputError for a missing or unreadable
// file, and for one that another trial wrote (another trial's file copied
// into place).
TrainedModels load_weights(const std::filesystem::path& file, const ModelBuilder& build,
                           std::int64_t inputs, std::int64_t outputs, std::uint64_t trial_seed);

}  // namespace tunelab
