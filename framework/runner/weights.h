#pragma once
// A trained model's weights as a file: its parameters and buffers plus the
// feature and target scaling it was trained with, so that predictions on new
// rows need nothing else.

#include <filesystem>

#include <torch/nn/modules/container/sequential.h>

#include "data/split.h"

namespace tunelab {

// Moves the model to the CPU (so that a file written on a GPU loads
// anywhere), writes to a temporary file and renames it into place: a reader
// never sees half a file.
void save_weights(const std::filesystem::path& file, torch::nn::Sequential& model,
                  const Scaling& scaling);

// Loads the weights into `model` (built from the same configuration) and
// returns the scaling. Throws InputError for a missing or unreadable file.
Scaling load_weights(const std::filesystem::path& file, torch::nn::Sequential& model);

}  // namespace tunelab
