#include "runner/checks/experiment_checks.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <torch/torch.h>

#include <algorithm>

#include "common/metric_catalogue.h"
#include "common/near_matches.h"
#include "plugin/assembly.h"
#include "plugin/registrar.h"
#include "runner/trial/objective_trial.h"
#include "runner/trial/trial_model.h"
#include "search/pruning_curves.h"
#include "train/device.h"

namespace tunelab {

namespace {

// Values of `d`'s parents (and theirs) under which it is searched: each
// condition's first value. A conditional dimension is checked with them
// (SGD's momentum with the optimizer set to sgd, not the file's adam).
Params where_searched(const SearchSpace& space, const Dimension& d) {
  Params params;
  for (const auto& c : d.when) {
    for (const Dimension& parent : space.dimensions)
      if (parent.path == c.parent) params.merge(where_searched(space, parent));
    params[c.parent] = c.values.front();
  }
  return params;
}

// The values a dimension is checked at: its ends, or every choice.
std::vector<std::pair<std::string, nlohmann::json>> probes(const Dimension& d) {
  std::vector<std::pair<std::string, nlohmann::json>> out;
  if (d.kind == Dimension::Kind::categorical) {
    for (std::size_t i = 0; i < d.choices.size(); ++i)
      out.emplace_back(fmt::format(".choices[{}]", i), d.choices[i]);
  } else {
    out.emplace_back(".low", d.value_at(0.0));
    out.emplace_back(".high", d.value_at(1.0));
  }
  return out;
}

// The registered samplers that, built for this study's space with their
// default options, have `trait`: the ones a refusal suggests instead (a
// plugin's among them).
std::vector<std::string> samplers_that(const Registrar& registrar, const SearchConfig& search,
                                       bool (Sampler::*trait)() const) {
  return registrar.samplers.names_where([&](const SamplerFactory& make) {
    const auto sampler =
        make(SamplerRequest{nlohmann::json::object(), &search.space, 0, search.trials,
                            static_cast<int>(search.objectives.size())});
    return ((*sampler).*trait)();
  });
}

}  // namespace

void check_config(const ExperimentConfig& config, const Registrar& registrar) {
  resolve_device(config.device);
  if (config.evaluates_objective()) {
    const ObjectiveFunction f = objective_function(config, registrar);
    // The objectives are the function's outputs.
    const std::vector<std::string> outputs =
        f.outputs.empty() ? std::vector<std::string>{"value"} : f.outputs;
    const auto& objectives = config.search.objectives;
    if (objectives.size() == 1 && objectives[0].metric == "value" && outputs.size() > 1)
      throw ConfigError(
          "search.metric",
          fmt::format("objective '{}' has {} outputs ({}): name those to optimise "
                      "in search.objectives",
                      config.objective.name, outputs.size(), fmt::join(outputs, ", ")));
    // Each metric named at `key` is one of the outputs.
    const auto check_output = [&](const std::string& metric, const std::string& key) {
      if (std::find(outputs.begin(), outputs.end(), metric) == outputs.end())
        throw ConfigError(key, fmt::format("objective '{}': {}", config.objective.name,
                                           unknown_name_message("output", metric, outputs)));
    };
    for (std::size_t i = 0; i < objectives.size(); ++i)
      check_output(objectives[i].metric, objectives.size() > 1
                                             ? fmt::format("search.objectives[{}].metric", i)
                                             : std::string("search.metric"));
    const auto& constraints = config.search.constraints;
    for (std::size_t i = 0; i < constraints.size(); ++i)
      check_output(constraints[i].metric, fmt::format("search.constraints[{}].metric", i));
    return;
  }
  registrar.datasets.factory_at("data.dataset", config.data.dataset);
  // A model's settings are read by its factory alone (a plugin's keys are
  // its own), so the model is built, for one input and one output, to check
  // them; likewise the optimizer over its parameters and the loss, which
  // read their arguments when made. Nothing is trained.
  torch::nn::Sequential model = build_model_within_memory(registrar, config.model, 1, 1);
  TrainerConfig trainer = config.trainer;
  // A loss the file does not name is the task's, known with the data: its
  // arguments are checked then (trainer_for), not against regression's.
  if (!trainer.loss_stated) trainer.loss_args = nlohmann::json::object();
  const TrainingComponents components = training_components(registrar, trainer);
  components.make_optimizer(model->parameters(), OptimizerSettings{trainer.lr, trainer.weight_decay,
                                                                   trainer.optimizer_args});
  try {
    // One row forward, in evaluation mode: a model (or a plugin's block)
    // that cannot run at all is the configuration's problem, reported before
    // any trial runs.
    torch::NoGradGuard no_grad;
    model->eval();
    model->forward(torch::zeros({1, 1}));
  } catch (const Error&) {
    throw;
  } catch (const c10::Error& e) {
    const std::string what = e.what_without_backtrace();
    throw ConfigError("model",
                      "a check of one row failed: LibTorch: " + what.substr(0, what.find('\n')));
  } catch (const std::exception& e) {
    throw ConfigError("model", std::string("a check of one row failed: ") + e.what());
  }
}

void check_experiment(const Experiment& experiment, const Registrar& registrar) {
  const ExperimentConfig& config = experiment.config;
  check_config(config, registrar);
  const SearchConfig& search = config.search;
  const MetricInfo* metric = metric_info(search.metric());
  const bool on_val = metric && metric->split == MetricSplit::val;
  const bool on_test = metric && metric->split == MetricSplit::test;
  if (!config.evaluates_objective() && on_val && config.data.split.val <= 0 &&
      config.data.folds < 2 && (!search.space.empty() || search.metric() != "val_loss"))
    throw ConfigError("search.metric", fmt::format("{} needs a validation split (data.split.val "
                                                   "> 0)",
                                                   search.metric()));
  if (!config.evaluates_objective() && on_test && config.data.split.test <= 0)
    throw ConfigError("search.metric",
                      fmt::format("{} needs a test split (data.split.test > 0)", search.metric()));
  if (config.evaluates_objective()) {
    // Every input the function reads is set in the file or searched over.
    for (const auto& input : objective_function(config, registrar).inputs) {
      bool searched = false;
      for (const auto& d : search.space.dimensions) searched |= d.path == "objective." + input;
      if (!searched && !config.objective.section.contains(input))
        throw ConfigError("objective",
                          fmt::format("'{}' reads {}: set objective.{} or search over it",
                                      config.objective.name, input, input));
    }
  }
  const auto& make_sampler = registrar.samplers.factory_at("search.sampler", search.sampler);
  std::unique_ptr<Sampler> sampler;
  try {
    sampler = make_sampler(SamplerRequest{search.sampler_args, &search.space, 0, search.trials,
                                          static_cast<int>(search.objectives.size())});
  } catch (const ConfigError& e) {
    throw e.under("search.sampler");
  }
  if (search.several_objectives() && !sampler->handles_several_objectives())
    throw ConfigError("search.sampler",
                      fmt::format("the {} sampler optimises one objective, and this study has {}: "
                                  "use {}",
                                  search.sampler, search.objectives.size(),
                                  fmt::join(samplers_that(registrar, search,
                                                          &Sampler::handles_several_objectives),
                                            ", ")));
  // A warm start hands a sampler earlier trials; one that proposes without
  // looking at any would ignore them.
  if (!search.warm_start.empty() && !sampler->reads_history())
    throw ConfigError(
        "search.warm_start",
        fmt::format("the {} sampler proposes without looking at earlier trials, so "
                    "it would ignore them: warm starts need {}",
                    search.sampler,
                    fmt::join(samplers_that(registrar, search, &Sampler::reads_history), ", ")));
  std::unique_ptr<Pruner> pruner;
  try {
    pruner = registrar.pruners.factory_at("search.pruner", search.pruner)(search.pruner_args);
  } catch (const ConfigError& e) {
    throw e.under("search.pruner");
  }
  // A pruner that never reads the other trials' curves stops no trial.
  if (!pruner->reads_history() && !search.pruner_objective.empty()) {
    const auto stopping = registrar.pruners.names_where(
        [](const PrunerFactory& make) { return make(nlohmann::json::object())->reads_history(); });
    throw ConfigError("search.pruner.objective",
                      fmt::format("the {} pruner stops no trial, by any objective: name a pruner "
                                  "({}) or leave objective out",
                                  search.pruner, fmt::join(stopping, ", ")));
  }
  if (pruner->reads_history())
    PruningCurves(search.objectives, search.pruner_objective);  // throws if it cannot compare
  for (const Dimension& d : search.space.dimensions) {
    for (const auto& [where, value] : probes(d)) {
      try {
        Params probe = where_searched(search.space, d);
        probe[d.path] = value;
        check_config(config_with_params(experiment.document, probe), registrar);
      } catch (const ConfigError& e) {
        const bool same_key = e.key() == d.path;
        // A path the file does not have is the dimension's own fault.
        if (same_key && e.about() == ConfigError::About::key)
          throw ConfigError("search.space." + d.path, e.what(), ConfigError::About::key);
        throw ConfigError("search.space." + d.path + where,
                          fmt::format("{}{}", same_key ? "" : e.key() + ": ", e.what()));
      }
    }
  }
}

namespace {

// Rows of each class in a split (classification).
std::vector<std::int64_t> class_counts(const Dataset& rows, std::size_t classes) {
  std::vector<std::int64_t> counts(classes, 0);
  if (rows.rows() == 0) return counts;
  const auto y = rows.y.contiguous();
  const auto a = y.accessor<float, 2>();
  for (std::int64_t i = 0; i < y.size(0); ++i) ++counts[static_cast<std::size_t>(a[i][0])];
  return counts;
}

// "'a' 10/3/3, 'b' 1/0/0 (train/val/test rows)", the first classes only.
std::string class_split_counts(const PreparedData& data) {
  const std::size_t k = data.classes.size();
  const auto train = class_counts(data.raw.train, k), val = class_counts(data.raw.val, k),
             test = class_counts(data.raw.test, k);
  std::string out;
  const std::size_t shown = std::min<std::size_t>(k, 8);
  for (std::size_t c = 0; c < shown; ++c)
    out +=
        fmt::format("{}'{}' {}/{}/{}", c ? ", " : "", data.classes[c], train[c], val[c], test[c]);
  if (k > shown) out += fmt::format(" and {} classes more", k - shown);
  return out + " (train/val/test rows)";
}

// A metric that the split cannot give a value: no rows in its split, or
// (an AUC, an F1) rows of one class only. ConfigError before any trial.
void check_metric_has_rows(const ExperimentConfig& config, const PreparedData& data,
                           const std::string& metric, const std::string& key) {
  const MetricInfo* info = metric_info(metric);
  if (!info) return;
  const bool on_val = info->split == MetricSplit::val && config.data.folds < 2;
  const bool on_test = info->split == MetricSplit::test;
  if (!on_val && !on_test) return;
  const Dataset& rows = on_val ? data.raw.val : data.raw.test;
  const char* part = on_val ? "validation" : "test";
  const bool classification = !data.classes.empty();
  const std::string counts =
      fmt::format("data.split gives {} train / {} val / {} test rows", data.raw.train.rows(),
                  data.raw.val.rows(), data.raw.test.rows());
  if (rows.rows() == 0)
    throw ConfigError(key, fmt::format("{} needs {} rows, and {}{}", metric, part, counts,
                                       classification ? ": " + class_split_counts(data) : ""));
  if (classification && info->needs_two_classes) {
    const auto present = class_counts(rows, data.classes.size());
    const auto classes =
        std::count_if(present.begin(), present.end(), [](std::int64_t n) { return n > 0; });
    if (classes < 2)
      throw ConfigError(
          key, fmt::format("{} needs rows of two classes among the {} rows, which hold "
                           "one: {}; a larger data.split.{} or data.folds gives it more",
                           metric, part, class_split_counts(data), on_val ? "val" : "test"));
  }
}

// One metric that the study's trials are judged or bounded by, named at
// `key`: of the target's task, and with rows to measure it on.
void check_metric_fits(const ExperimentConfig& config, const PreparedData& data,
                       const std::string& metric, const std::string& key) {
  const bool classification = !data.classes.empty();
  const MetricInfo* info = metric_info(metric);
  const MetricTask task = info ? info->task : MetricTask::any;
  if (classification && task == MetricTask::regression)
    throw ConfigError(key, fmt::format("{} is a regression metric; '{}' is a classification "
                                       "target: use accuracy, logloss, auc or f1 (val_auc, ...)",
                                       metric, data.target_names.front()));
  if (!classification && task == MetricTask::classification)
    throw ConfigError(key, fmt::format("{} is a classification metric; '{}' is a numeric target: "
                                       "use rmse, mae or r2 (val_rmse, ...), or set task: "
                                       "classification",
                                       metric, data.target_names.front()));
  if (info && info->two_classes_only && data.classes.size() > 2)
    throw ConfigError(key, fmt::format("{} is for two classes; '{}' has {}: use accuracy, logloss "
                                       "or auc",
                                       metric, data.target_names.front(), data.classes.size()));
  check_metric_has_rows(config, data, metric, key);
}

}  // namespace

void check_metric_for_task(const ExperimentConfig& config, const PreparedData& data) {
  for (const auto& objective : config.search.objectives)
    check_metric_fits(config, data, objective.metric, "search.metric");
  const auto& constraints = config.search.constraints;
  for (std::size_t i = 0; i < constraints.size(); ++i)
    check_metric_fits(config, data, constraints[i].metric,
                      fmt::format("search.constraints[{}].metric", i));
}

}  // namespace tunelab
