// libFuzzer target: --set arguments (one per line) applied to a valid
// experiment file.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "common/errors.h"
#include "config/experiment_loader.h"

namespace {
const char* kExperiment = R"(name: fuzz
data: {dataset: diabetes, split: {train: 0.6, val: 0.2, test: 0.2}}
model: {name: resnet, block: ResNetBlock, num_blocks: [1], c_hidden: [8]}
trainer: {epochs: 2, lr: 0.001}
search:
  space:
    trainer.lr: {type: float, low: 1.0e-4, high: 1.0e-2, log: true}
)";
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream lines(std::string(reinterpret_cast<const char*>(data), size));
  std::vector<std::string> overrides;
  for (std::string line; std::getline(lines, line);) overrides.push_back(line);
  try {
    tunelab::load_experiment_text(kExperiment, "fuzz.yaml", overrides);
  } catch (const tunelab::Error&) {
  }
  return 0;
}
