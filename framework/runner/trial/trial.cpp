#include "runner/trial/trial.h"

#include <c10/util/Exception.h>
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <optional>

#include "common/metric_catalogue.h"
#include "model/parameter_count.h"
#include "plugin/registrar.h"
#include "runner/prepare/prepared_data.h"
#include "runner/study/heartbeat.h"
#include "runner/study/interrupt.h"
#include "runner/trial/objective_trial.h"
#include "runner/trial/trial_costs.h"
#include "runner/trial/trial_metrics.h"
#include "runner/trial/trial_model.h"
#include "runner/trial/trial_predictions.h"
#include "runner/trial/weights.h"
#include "search/direction.h"
#include "store/weights_files.h"

namespace tunelab {
namespace {

using Clock = std::chrono::steady_clock;

// The study's metric: a loss of the kept epoch, or one of the trial's
// metrics (NaN where the trial has none by that name).
double metric_of(const std::string& metric, const TrainResult& r,
                 const std::map<std::string, double>& metrics) {
  const MetricInfo* info = metric_info(metric);
  const bool loss = info && info->measure == "loss";
  if (loss && info->split == MetricSplit::val) return r.best_val_loss;
  if (loss && info->split == MetricSplit::test) return r.test_loss;
  if (loss && info->split == MetricSplit::train)
    return r.epochs[static_cast<std::size_t>(r.best_epoch - 1)].train_loss;
  const auto found = metrics.find(metric);
  return found == metrics.end() ? std::nan("") : found->second;
}

// Writes a finished trial's weights, when they are to be kept, before the
// trial is recorded as COMPLETE: every trial's (keep all), or those of a
// trial that beats every trial it has seen finish (keep best; the store has
// the last word, as other workers finish in any order). The file is on disk,
// flushed, before the row that names it is committed with the trial's.
std::optional<WeightsFiles::Row> write_kept_weights(const StudyContext& c,
                                                    const ClaimedTrial& trial,
                                                    const TrialOutcome& outcome,
                                                    TrainedModels& models,
                                                    const PreparedData& data) {
  using Keep = StudyOptions::KeepWeights;
  const Keep keep = c.options.keep_weights;
  if (keep == Keep::none) return std::nullopt;
  if (keep == Keep::best) {
    if (!outcome.feasible()) return std::nullopt;
    const auto best = best_trial(trial.history, c.experiment.config.search.direction());
    if (best && !better(outcome.value, best->value, c.experiment.config.search.direction()) &&
        !(outcome.value == best->value && trial.number < best->number))
      return std::nullopt;
  }
  const auto file =
      c.store.weights_files().weights_folder(c.study_id) / fmt::format("trial-{}.pt", trial.number);
  save_weights(file, models, trial.seed);
  return c.store.weights_files().row_for(trial.trial_id, file,
                                         keep == Keep::best ? "best" : "requested",
                                         data.feature_names, data.target_names);
}

// The number of trainable numbers the trial's model will have, before it
// trains (a pruner comparing n_params needs it from the first epoch).
// Building it draws from LibTorch's generator, which training reseeds.
double model_size(const ExperimentConfig& config, const Folds& data, const Registrar& registrar) {
  const PreparedData& d = data.whole;
  return static_cast<double>(parameter_count(
      *build_trial_model(registrar, config, d.scaling.encoding, d.features, d.targets)));
}

// An objective function's trial: its outputs at the trial's point, the
// objectives among them as the values, all of them as metrics where there
// are several. Error where one is not finite.
void evaluate_into(TrialOutcome& outcome, const ExperimentConfig& config,
                   const Registrar& registrar) {
  const std::map<std::string, double> outputs = evaluate_objective(config, registrar);
  for (const auto& [name, value] : outputs)
    if (!std::isfinite(value))
      throw Error(fmt::format("objective '{}' is not finite here ({}{})", config.objective.name,
                              outputs.size() > 1 ? name + " = " : std::string(), value));
  if (outputs.size() > 1) outcome.metrics = outputs;
  for (const auto& o : config.search.objectives) outcome.values.push_back(outputs.at(o.metric));
  outcome.value = outcome.values.front();
  outcome.constraints = constraint_values(
      config.search.constraints, [&](const std::string& name) { return outputs.at(name); });
}

// A model, `parameters` large, over the study's bound on n_params: the
// trial is complete and infeasible without training, its one metric its
// size.
void record_too_large(TrialOutcome& outcome, const ExperimentConfig& config, double parameters) {
  const auto& constraints = config.search.constraints;
  outcome.metrics = {{"n_params", parameters}};
  outcome.constraints = constraint_values(constraints, [&](const std::string& name) {
    return name == "n_params" ? parameters : kMissing;
  });
  outcome.values.assign(config.search.objectives.size(), kMissing);
  outcome.value = kMissing;
}

// A finished trial into the store, in one transaction: its outcome, its
// weights file where a trained, complete trial keeps one (written whole
// first, tidied after), and its predictions for ensembles.
void record_finished(const StudyContext& c, const ClaimedTrial& trial, const TrialOutcome& outcome,
                     bool trained, TrainedModels& models, const TrialPredictions& predictions,
                     const PreparedData& data) {
  std::optional<WeightsFiles::Row> weights;
  if (trained && outcome.state == TrialState::complete && std::isfinite(outcome.value))
    weights = write_kept_weights(c, trial, outcome, models, data);
  bool kept = false;
  std::vector<std::filesystem::path> replaced;
  c.store.queue().finish_trial(trial.trial_id, outcome, [&](sql::Transaction& tx) {
    if (weights) kept = c.store.weights_files().record(tx, *weights, replaced);
    if (outcome.state == TrialState::complete)
      c.store.ensembles().record_predictions(tx, trial.trial_id, predictions);
  });
  if (weights) WeightsFiles::tidy(*weights, kept, replaced);
}

// A trial trained: on its own data where its params change the data, each
// epoch shown to the pruner, which may stop it; its curve, metrics, costs,
// predictions, kept models and objective values. Error where an objective
// has no value.
void train_into(const StudyContext& c, const ClaimedTrial& trial, const ExperimentConfig& config,
                TrialOutcome& outcome, TrialReport& report, TrainedModels& models,
                TrialPredictions& predictions, Folds& own) {
  const int number = trial.number;
  if (c.data_varies) own = load_trial_data(config, c.experiment.base_dir, c.registrar);
  const Folds& data = c.data_varies ? own : c.shared;
  const std::vector<TrialCurve> others = c.pruning.of(trial.history);
  const Constraint* size_bound = bound_on(config.search.constraints, "n_params");
  const double parameters = c.pruning.needs_parameter_count() || size_bound
                                ? model_size(config, data, c.registrar)
                                : kMissing;
  if (size_bound && size_bound->value_of(parameters) > 0) {
    record_too_large(outcome, config, parameters);
    return;
  }
  double seconds = 0;  // the trial's training so far
  const auto on_epoch = [&](const EpochRecord& e) {
    outcome.epochs.push_back({e.epoch, e.train_loss, e.val_loss, e.lr, e.seconds});
    seconds += e.seconds;
    if (c.observer.on_epoch) c.observer.on_epoch(number, e);
    if (interrupt_signal() != 0) return false;
    const EpochValues values =
        c.pruning.at({e.train_loss, e.val_loss, e.seconds}, seconds, parameters);
    if (c.pruner.should_prune(number, e.epoch, values, others)) {
      outcome.state = TrialState::pruned;
      return false;
    }
    return true;
  };
  const auto training_started = Clock::now();
  TrialTraining trained = train_trial_on(config, data, c.registrar, trial.seed, on_epoch);
  const double train_seconds =
      std::chrono::duration<double>(Clock::now() - training_started).count();
  const TrainResult& r = trained.result;
  outcome.metrics = trial_metrics(trained, data);
  outcome.metrics.merge(trial_costs(trained.models, data.whole.raw.train, train_seconds));
  predictions = trial_predictions(trained, data);
  models = std::move(trained.models);
  // The stored curve is the trial's: for folds, their mean, not the
  // first fold's that on_epoch saw.
  outcome.epochs.clear();
  for (const auto& e : r.epochs)
    outcome.epochs.push_back({e.epoch, e.train_loss, e.val_loss, e.lr, e.seconds});
  report.run = trained.run;
  outcome.best_epoch = r.best_epoch;
  outcome.train_loss = r.epochs[static_cast<std::size_t>(r.best_epoch - 1)].train_loss;
  outcome.val_loss = r.best_val_loss;
  outcome.test_loss = r.test_loss;
  for (const auto& o : config.search.objectives) {
    outcome.values.push_back(metric_of(o.metric, r, outcome.metrics));
    // A trial without a value is no result: it would count as complete
    // where no listing can rank it.
    if (std::isnan(outcome.values.back()) && outcome.state != TrialState::pruned)
      throw Error(fmt::format(
          "{} is undefined for this trial: its rows give it no value (an AUC or F1 over one "
          "class, an R2 over a constant target, a fold without it)",
          o.metric));
  }
  outcome.value = outcome.values.front();
  if (outcome.state == TrialState::complete)
    outcome.constraints = constraint_values(
        config.search.constraints,
        [&](const std::string& name) { return metric_of(name, r, outcome.metrics); });
}

// The bounds a complete trial broke, each with its value where it has one:
// "n_params <= 20000 (n_params 23713)"; empty for a feasible trial.
std::string broken_bounds(const std::vector<Constraint>& constraints, const TrialOutcome& outcome) {
  std::string out;
  for (std::size_t i = 0; i < outcome.constraints.size() && i < constraints.size(); ++i) {
    if (!(outcome.constraints[i] > 0)) continue;  // kept, or not known
    const Constraint& c = constraints[i];
    const auto value = outcome.metrics.find(c.metric);
    out += (out.empty() ? "" : ", ") + c.text();
    if (value != outcome.metrics.end()) out += fmt::format(" ({} {:g})", c.metric, value->second);
  }
  return out;
}

}  // namespace

TrialResult run_claimed_trial(const StudyContext& c, const ClaimedTrial& trial) {
  const ExperimentConfig& base = c.experiment.config;
  const SearchConfig& search = base.search;
  const int number = trial.number;
  if (c.observer.on_trial_start) c.observer.on_trial_start(number, trial.params);
  // Other workers see this one alive while it trains.
  const Heartbeat heartbeat(c.store.connect_url(), trial.trial_id,
                            std::min(5.0, c.options.lost_after_seconds / 4));

  TrialOutcome outcome;
  TrialReport report;
  const auto started = Clock::now();
  Folds own;
  TrainedModels models;          // what the trial's weights file keeps
  TrialPredictions predictions;  // what ensembles are chosen from
  try {
    const ExperimentConfig config = config_with_params(c.experiment.document, trial.params);
    if (base.evaluates_objective()) {
      evaluate_into(outcome, config, c.registrar);
    } else {
      train_into(c, trial, config, outcome, report, models, predictions, own);
    }
  } catch (const ConfigError& e) {
    outcome.state = TrialState::fail;
    outcome.error = c.experiment.places.locate(e).what();
  } catch (const Error& e) {
    outcome.state = TrialState::fail;
    outcome.error = e.what();
  } catch (const c10::Error& e) {
    outcome.state = TrialState::fail;
    const std::string what = e.what_without_backtrace();
    outcome.error = "LibTorch: " + what.substr(0, what.find('\n'));
  } catch (const std::exception& e) {
    outcome.state = TrialState::fail;
    outcome.error = e.what();
  }
  // A signal that came while the trial trained (in a fold that on_epoch
  // does not see, too) stops it: whatever it had is dropped, and the trial
  // waits to be trained again, whole, by the next run of the study.
  const int signal = interrupt_signal();
  if (signal != 0) {
    report.run.reset();
    outcome.state = TrialState::waiting;
    outcome.error = std::string("interrupted by ") + (signal == SIGINT ? "SIGINT" : "SIGTERM");
  }
  if (outcome.state == TrialState::fail || outcome.state == TrialState::waiting) {
    outcome.value = outcome.train_loss = outcome.val_loss = outcome.test_loss = kMissing;
    outcome.metrics.clear();
    outcome.values.clear();
    outcome.constraints.clear();
  }
  outcome.duration_s = std::chrono::duration<double>(Clock::now() - started).count();
  if (signal != 0) {
    c.store.queue().requeue_interrupted_trial(trial.trial_id, outcome.error);
  } else {
    record_finished(c, trial, outcome, report.run.has_value(), models, predictions,
                    c.data_varies ? own.whole : c.shared.whole);
  }
  report.best = best_trial(c.store.queue().finished_trials(c.study_id), search.direction());

  report.number = number;
  report.state = outcome.state;
  report.params = trial.params;
  report.value = outcome.value;
  report.error = outcome.error;
  report.infeasible = broken_bounds(search.constraints, outcome);
  report.seconds = outcome.duration_s;
  return TrialResult{std::move(report), signal != 0};
}

}  // namespace tunelab
