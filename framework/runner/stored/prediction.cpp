#include "runner/stored/prediction.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <torch/torch.h>

#include <algorithm>

#include "common/errors.h"
#include "data/table_dataset.h"
#include "plugin/assembly.h"
#include "train/metrics.h"

namespace tunelab {
namespace {

std::optional<std::size_t> find_column(const CsvTable& table, const std::string& name) {
  const auto found = std::find(table.header.begin(), table.header.end(), name);
  if (found == table.header.end()) return std::nullopt;
  return static_cast<std::size_t>(found - table.header.begin());
}

// Where the rows hold every target (all of them known labels, or numbers),
// the predictions' loss and metrics against them, and the targets.
void score_against_targets(Predictions& out, const StoredTrialModel& trial,
                           const Registrar& registrar, const CsvTable& table,
                           const std::vector<std::string>& na_values) {
  std::vector<std::size_t> targets;
  for (const auto& name : trial.targets)
    if (const auto c = find_column(table, name)) targets.push_back(*c);
  if (targets.size() != trial.targets.size()) return;
  if (!out.classes.empty()) {
    // A label the model does not know (or none) leaves the rows without a
    // loss.
    const auto codes = read_class_codes(table, targets.front(), out.classes, na_values);
    if (!codes) return;
    out.loss = log_loss(out.values, *codes);
    out.metrics = classification_metrics(out.values, *codes);
    out.targets = *codes;
    return;
  }
  std::vector<FeatureColumn> target_columns(targets.size());
  for (std::size_t j = 0; j < targets.size(); ++j) target_columns[j].name = trial.targets[j];
  at::Tensor y = read_feature_values(table, targets, target_columns, na_values);
  if (torch::isnan(y).any().item<bool>()) return;
  out.metrics = regression_metrics(out.values, y);
  out.targets = y;
  const Scaling& units = trial.trained->units;
  const at::Tensor predicted = units.y ? units.y->apply(out.values) : out.values;
  if (units.y) y = units.y->apply(y);
  out.loss = loss_from(registrar, trial.config.trainer)(predicted, y).item<double>();
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
  const TrainedModels& models = *trial.trained;
  const auto& encoding = models.members.front().scaling.encoding;
  // Read as the model read its data set: each column numeric or
  // categorical, with the file's missing-cell markers.
  std::vector<FeatureColumn> columns;
  if (encoding)
    columns = encoding->raw_columns();
  else  // weights from before encodings: every column numeric
    for (const auto& name : trial.features) columns.push_back({name, ColumnKind::numeric, {}});
  const auto& args = trial.config.data.args;
  const auto na_values = args.contains("na_values") && args.at("na_values").is_array()
                             ? args.at("na_values").get<std::vector<std::string>>()
                             : std::vector<std::string>{};
  const at::Tensor x = read_feature_values(table, features, columns, na_values);
  const bool any_rows = table.rows() > 0;
  Predictions out;
  out.classes = models.classes;
  const auto width =
      models.classes.empty() ? trial.outputs : static_cast<std::int64_t>(models.classes.size());
  out.values = any_rows ? predict_in_target_units(models, x, columns) : torch::empty({0, width});
  // A prediction that is no number is no prediction: refused, not written.
  if (any_rows) {
    const at::Tensor bad = out.values.isfinite().logical_not().any(1).nonzero();
    if (bad.numel() > 0)
      throw Error(fmt::format(
          "{}: {} predicts no finite value for {} row{} (the first at line {}): its inputs lie "
          "far outside the rows it trained on; nothing was written",
          source, model, bad.size(0), bad.size(0) > 1 ? "s" : "",
          table.line(static_cast<std::size_t>(bad[0][0].item<std::int64_t>()))));
  }
  if (encoding)
    for (const auto& [name, unseen] : encoding->unseen_levels(columns))
      out.notes.push_back(fmt::format(
          "column '{}': {} value{} the model never saw in training ({}{}): those rows read none "
          "of its levels",
          name, unseen.size(), unseen.size() > 1 ? "s" : "",
          fmt::join(unseen.begin(),
                    unseen.begin() +
                        std::min<std::ptrdiff_t>(5, static_cast<std::ptrdiff_t>(unseen.size())),
                    ", "),
          unseen.size() > 5 ? ", ..." : ""));

  if (any_rows) score_against_targets(out, trial, registrar, table, na_values);
  return out;
}

Predictions combine_predictions(const std::vector<Predictions>& members,
                                const std::vector<double>& weights) {
  Predictions out;
  out.classes = members.front().classes;
  out.values = torch::zeros_like(members.front().values);
  for (std::size_t m = 0; m < members.size(); ++m) {
    out.values += members[m].values * weights[m];
    for (const auto& note : members[m].notes)
      if (std::find(out.notes.begin(), out.notes.end(), note) == out.notes.end())
        out.notes.push_back(note);
  }
  const at::Tensor& targets = members.front().targets;
  if (targets.defined())
    out.metrics = out.classes.empty() ? regression_metrics(out.values, targets)
                                      : classification_metrics(out.values, targets);
  out.targets = targets;
  return out;
}

TrialInfo trial_to_predict_with(StudyQueries& store, const StudyInfo& study,
                                std::optional<int> number) {
  if (number) return store.trial(study, *number);
  if (!study.best_number)
    throw InputError(fmt::format("study '{}' has no complete trial to predict with", study.name));
  return store.trial(study, *study.best_number);
}

Predictions predict_with_ensemble(StudyQueries& store, const StudyInfo& study,
                                  const EnsembleInfo& ensemble, const Registrar& registrar,
                                  const CsvTable& table, const std::string& source,
                                  std::vector<std::string>& targets) {
  std::vector<Predictions> members;
  std::vector<double> weights;
  for (const auto& [member, weight] : ensemble.members) {
    const StoredTrialModel stored =
        rebuild_stored_trial(store, study, store.trial(study, member), registrar, Rebuild::trained);
    members.push_back(
        predict_rows(stored, registrar, table, source,
                     fmt::format("the model of study '{}' trial {}", study.name, member)));
    weights.push_back(weight);
    targets = stored.targets;
  }
  return combine_predictions(members, weights);
}

}  // namespace tunelab
