#include "runner/trial/trial_model.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <torch/torch.h>

#include <algorithm>

#include "model/embedding_front.h"
#include "model/parameter_count.h"
#include "model/periodic_front.h"
#include "plugin/assembly.h"
#include "plugin/registrar.h"

namespace tunelab {

torch::nn::Sequential build_model_within_memory(const Registrar& registrar,
                                                const ModelConfig& config, std::int64_t inputs,
                                                std::int64_t outputs) {
  // An allocation the machine refuses outright (Linux does for one larger
  // than its memory) is the configuration's fault, said as such.
  const auto too_big = [](const std::string& why) {
    // "... you tried to allocate 16000000000000 bytes. Error code 12 ..."
    const auto at = why.find("you tried to allocate ");
    const std::string bytes =
        at == std::string::npos ? "" : why.substr(at + 22, why.find(' ', at + 22) - at - 22);
    return ConfigError(
        "model", bytes.empty() ? "does not fit in memory (" + why.substr(0, why.find('\n')) + ")"
                               : fmt::format("does not fit in memory: one of its tensors "
                                             "needs {:.4g} GB",
                                             std::stod(bytes) / 1e9));
  };
  try {
    return build_model(registrar, config, inputs, outputs);
  } catch (const std::bad_alloc&) {
    throw too_big("an allocation failed");
  } catch (const c10::Error& e) {
    const std::string what = e.what_without_backtrace();
    if (what.find("can't allocate memory") != std::string::npos) throw too_big(what);
    throw;
  }
}

namespace {

// The positions of the numeric columns in what the categorical front hands
// on (the columns it does not embed, in order).
std::vector<std::int64_t> numeric_positions(const FeatureEncoding& encoding,
                                            const std::vector<EmbeddedColumn>& embedded) {
  std::vector<std::int64_t> out;
  const std::vector<bool> numeric = encoding.value_columns();
  std::int64_t position = 0;
  for (std::size_t j = 0; j < numeric.size(); ++j) {
    const bool is_embedded = std::any_of(embedded.begin(), embedded.end(), [&](const auto& e) {
      return e.column == static_cast<std::int64_t>(j);
    });
    if (is_embedded) continue;
    if (numeric[j]) out.push_back(position);
    ++position;
  }
  return out;
}

}  // namespace

torch::nn::Sequential build_trial_model(const Registrar& registrar, const ExperimentConfig& config,
                                        const std::optional<FeatureEncoding>& encoding,
                                        std::int64_t inputs, std::int64_t outputs) {
  std::vector<EmbeddedColumn> embedded;
  if (encoding)
    for (const auto& [column, codes] : encoding->embedded()) embedded.push_back({column, codes});
  const std::int64_t width = config.data.embedding_width;
  const auto count = static_cast<std::int64_t>(embedded.size());
  // What the categorical front hands on: the other columns in order, then
  // the embeddings; the numeric columns among them go through the PLR front.
  const std::int64_t after_categories = inputs - count + count * width;
  const std::vector<std::int64_t> numeric = config.data.plr && encoding
                                                ? numeric_positions(*encoding, embedded)
                                                : std::vector<std::int64_t>{};
  const PeriodicOptions plr{config.data.plr_frequencies, config.data.plr_width,
                            config.data.plr_sigma};
  const auto embedded_numbers = static_cast<std::int64_t>(numeric.size());
  torch::nn::Sequential body = build_model_within_memory(
      registrar, config.model, after_categories + embedded_numbers * (plr.width - 1), outputs);
  body = with_periodic_front(body, after_categories, numeric, plr);
  return with_embedding_front(body, inputs, embedded, width);
}

}  // namespace tunelab
