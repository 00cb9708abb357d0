#include "runner/prediction.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <torch/torch.h>

#include <algorithm>

#include "common/errors.h"
#include "plugin/assembly.h"

namespace tunelab {
namespace {

// The table's `columns`, as a (rows, columns) float tensor.
at::Tensor columns_of(const CsvTable& table, const std::vector<std::size_t>& columns) {
  const auto rows = static_cast<std::int64_t>(table.rows.size());
  const auto width = static_cast<std::int64_t>(columns.size());
  at::Tensor out = torch::empty({rows, width});
  auto a = out.accessor<float, 2>();
  for (std::int64_t i = 0; i < rows; ++i)
    for (std::int64_t j = 0; j < width; ++j)
      a[i][j] = static_cast<float>(
          table.rows[static_cast<std::size_t>(i)][columns[static_cast<std::size_t>(j)]]);
  return out;
}

std::optional<std::size_t> find_column(const CsvTable& table, const std::string& name) {
  const auto found = std::find(table.header.begin(), table.header.end(), name);
  if (found == table.header.end()) return std::nullopt;
  return static_cast<std::size_t>(found - table.header.begin());
}

}  // namespace

Predictions predict_rows(const StoredTrialModel& trial, const Registrar& registrar,
                         const CsvTable& table, const std::string& source,
                         const std::string& model) {
  std::vector<std::size_t> features;
  std::vector<std::string> missing;
  for (const auto& name : trial.features) {
    if (const auto c = find_column(table, name))
      features.push_back(*c);
    else
      missing.push_back(name);
  }
  if (!missing.empty()) {
    // Names the first missing column (with a near match in the file), then
    // every column the model reads.
    try {
      table.column(missing.front(), source);
    } catch (const ConfigError& e) {
      throw InputError(fmt::format("{}: {} reads column{} that the file lacks ({}); it reads {}",
                                   source, model, missing.size() > 1 ? "s" : "", e.what(),
                                   fmt::join(trial.features, ", ")));
    }
  }
  const bool any_rows = !table.rows.empty();
  Predictions out;
  out.values = any_rows ? predict_in_target_units(*trial.trained, columns_of(table, features))
                        : torch::empty({0, trial.outputs});

  std::vector<std::size_t> targets;
  for (const auto& name : trial.targets)
    if (const auto c = find_column(table, name)) targets.push_back(*c);
  if (any_rows && targets.size() == trial.targets.size()) {
    const Scaling& units = trial.trained->units;
    at::Tensor y = columns_of(table, targets);
    const at::Tensor predicted = units.y ? units.y->apply(out.values) : out.values;
    if (units.y) y = units.y->apply(y);
    out.loss = loss_from(registrar, trial.config.trainer)(predicted, y).item<double>();
  }
  return out;
}

}  // namespace tunelab
