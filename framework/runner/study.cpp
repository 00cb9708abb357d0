#include "runner/study.h"

#include <ATen/Parallel.h>
#include <c10/util/Exception.h>
#include <fmt/format.h>
#include <torch/version.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <csignal>

#include "common/version.h"
#include "plugin/registrar.h"
#include "runner/cross_validation.h"
#include "runner/interrupt.h"
#include "runner/single_run.h"
#include "runner/weights.h"
#include "train/device.h"
#include "train/seeding.h"

namespace tunelab {
namespace {

using Clock = std::chrono::steady_clock;

std::string host_name() {
  char name[256] = {};
  return gethostname(name, sizeof name - 1) == 0 ? name : "unknown";
}

double metric_of(const std::string& metric, const TrainResult& r) {
  if (metric == "test_loss") return r.test_loss;
  if (metric == "train_loss")
    return r.epochs[static_cast<std::size_t>(r.best_epoch - 1)].train_loss;
  return r.best_val_loss;
}

std::optional<FinishedTrial> best_of(const std::vector<FinishedTrial>& trials) {
  std::optional<FinishedTrial> best;
  for (const auto& t : trials)
    if (t.state == TrialState::complete && std::isfinite(t.value) &&
        (!best || t.value < best->value))
      best = t;
  return best;
}

StudyRecord open_study(const Experiment& experiment, Store& store, const std::string& name,
                       const StudyOptions& options, int trials) {
  const auto existing = store.find_study(name);
  const std::string hash = fingerprint(experiment.document.dump());
  if (existing && !options.resume)
    throw InputError(
        fmt::format("study '{}' already exists in {} (--resume continues it; --study NAME "
                    "starts another)",
                    name, store.url()));
  if (existing) {
    if (existing->config_hash != hash)
      throw InputError(
          fmt::format("study '{}' in {} was started from a different configuration; "
                      "--resume needs the same file and --set values (or --study NAME)",
                      name, store.url()));
    return *existing;
  }
  const ExperimentConfig& c = experiment.config;
  return store.create_study(NewStudy{name, c.seed, c.search.metric, trials, to_json(c),
                                     experiment.document,
                                     std::filesystem::absolute(experiment.file).string()});
}

// Saves a finished trial's weights when asked for: every trial's, or the
// study's best so far (which replaces the previous best's).
void keep_weights(Store& store, StudyOptions::KeepWeights keep, std::int64_t study_id,
                  std::int64_t trial_id, int number, double value,
                  const std::optional<FinishedTrial>& best_before, TrainedModels& models,
                  const PreparedData& data) {
  using Keep = StudyOptions::KeepWeights;
  const bool new_best = !best_before || value < best_before->value;
  if (keep == Keep::none || (keep == Keep::best && !new_best)) return;
  const auto file = store.weights_folder(study_id) / fmt::format("trial-{}.pt", number);
  save_weights(file, models);
  store.add_weights(trial_id, file, keep == Keep::best ? "best" : "requested", data.feature_names,
                    data.target_names);
}

}  // namespace

StudySummary run_study(const Experiment& experiment, const Registrar& registrar, Store& store,
                       const StudyOptions& options, const StudyObserver& observer) {
  const ExperimentConfig& base = experiment.config;
  const SearchConfig& search = base.search;
  check_experiment(experiment, registrar);
  const int wanted = options.trials.value_or(search.trials);
  if (wanted < 1) throw InputError(fmt::format("--trials: must be at least 1, got {}", wanted));
  if (options.threads < 1)
    throw InputError(fmt::format("--threads: must be at least 1, got {}", options.threads));
  at::set_num_threads(options.threads);

  // The data first: a bad data file leaves the store untouched. An
  // objective experiment has none.
  // k-fold cross-validation: each trial trains once per fold.
  const bool objective = base.evaluates_objective();
  const bool cross_validated = !objective && base.data.folds > 1;
  const Folds shared_folds =
      cross_validated ? fold_data(base, experiment.base_dir, registrar) : Folds{};
  const PreparedData shared = objective ? PreparedData{}
                              : cross_validated
                                  ? shared_folds.whole
                                  : prepare_data(base, experiment.base_dir, registrar);
  const std::string name = options.study_name.empty() ? base.name : options.study_name;
  const StudyRecord study = open_study(experiment, store, name, options, wanted);
  if (options.resume)
    store.fail_abandoned_trials(study.id,
                                kInterruptedPrefix + ": left RUNNING by a tunelab that stopped");

  // Trials that search over data.* need their own data; the others share it.
  bool data_varies = false;
  for (const auto& d : search.space.dimensions) data_varies |= d.path.rfind("data.", 0) == 0;
  const c10::Device device = resolve_device(base.device);
  Provenance provenance{kVersion,    kCommit,       TORCH_VERSION,   device.str(),
                        host_name(), shared.digest, options.threads, {}};
  for (const auto& p : registrar.plugins)
    provenance.plugins.push_back({p.file.string(), p.name, p.version, p.digest});
  store.add_provenance(study.id, provenance);

  auto sampler = registrar.samplers.factory(search.sampler)(SamplerRequest{
      search.sampler_args, &search.space, derive_seed(base.seed, "sampler"), study.trials_wanted});
  auto pruner = registrar.pruners.factory(search.pruner)(search.pruner_args);

  StudySummary summary;
  summary.name = name;
  const auto started = Clock::now();
  if (observer.on_start) observer.on_start(name, store.counted_trials(study.id), wanted, shared);

  for (;;) {
    if (interrupt_signal() != 0) {
      summary.stopped_because = "interrupted";
      break;
    }
    std::vector<FinishedTrial> history = store.finished_trials(study.id);
    const int counted = store.counted_trials(study.id);
    if (counted >= wanted) {
      summary.stopped_because = "budget";
      break;
    }
    const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
    if (search.timeout_seconds > 0 && elapsed >= search.timeout_seconds) {
      summary.stopped_because = "timeout";
      break;
    }
    const int number = store.next_trial_number(study.id);
    const std::optional<Params> proposed = sampler->propose(number, history);
    if (!proposed) {
      summary.stopped_because = "space exhausted";
      break;
    }
    const Params& params = *proposed;
    const std::uint64_t seed = derive_seed(base.seed, static_cast<std::uint64_t>(number));
    const std::int64_t trial_id = store.start_trial(study.id, number, seed, params, device.str());
    if (observer.on_trial_start) observer.on_trial_start(number, params);

    TrialOutcome outcome;
    TrialReport report;
    bool stopped_by_signal = false;
    const auto trial_started = Clock::now();
    PreparedData own;
    Folds own_folds;
    TrainedModels models;  // what the trial's weights file keeps
    try {
      const ExperimentConfig config = config_with_params(experiment.document, params);
      if (objective) {
        outcome.value = evaluate_objective(config, registrar);
        if (!std::isfinite(outcome.value))
          throw Error(fmt::format("objective '{}' is not finite here ({})", config.objective.name,
                                  outcome.value));
      } else {
        if (data_varies && cross_validated) {
          own_folds = fold_data(config, experiment.base_dir, registrar);
          own = own_folds.whole;
        } else if (data_varies) {
          own = prepare_data(config, experiment.base_dir, registrar);
        }
        const auto on_epoch = [&](const EpochRecord& e) {
          outcome.epochs.push_back({e.epoch, e.train_loss, e.val_loss, e.lr, e.seconds});
          if (observer.on_epoch) observer.on_epoch(number, e);
          if (interrupt_signal() != 0) {
            stopped_by_signal = true;
            return false;
          }
          if (pruner->should_prune(number, e.epoch, e.val_loss, history)) {
            outcome.state = TrialState::pruned;
            return false;
          }
          return true;
        };
        RunSummary run;
        TrainResult r;
        if (cross_validated) {
          CrossValidation cv = cross_validate(config, data_varies ? own_folds : shared_folds,
                                              registrar, seed, on_epoch);
          run = std::move(cv.first_fold);
          r = std::move(cv.mean);
          models = std::move(cv.models);
          // The stored curve is the folds' mean, not the first fold's.
          outcome.epochs.clear();
          for (const auto& e : r.epochs)
            outcome.epochs.push_back({e.epoch, e.train_loss, e.val_loss, e.lr, e.seconds});
        } else {
          const PreparedData& data = data_varies ? own : shared;
          run = train_trial(config, data, registrar, seed, on_epoch);
          r = run.result;
          models.members.push_back(TrainedModel{run.model, data.scaling});
          models.units = data.scaling;
        }
        report.run = run;
        outcome.best_epoch = r.best_epoch;
        outcome.train_loss = r.epochs[static_cast<std::size_t>(r.best_epoch - 1)].train_loss;
        outcome.val_loss = r.best_val_loss;
        outcome.test_loss = r.test_loss;
        outcome.value = metric_of(search.metric, r);
      }
    } catch (const ConfigError& e) {
      outcome.state = TrialState::fail;
      outcome.error = experiment.places.locate(e).what();
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
    if (stopped_by_signal) {
      const int signal = interrupt_signal();
      outcome.state = TrialState::fail;
      outcome.error = kInterruptedPrefix + " by " + (signal == SIGINT ? "SIGINT" : "SIGTERM");
    }
    if (outcome.state == TrialState::fail) {
      outcome.value = outcome.train_loss = outcome.val_loss = outcome.test_loss = kMissing;
    }
    outcome.duration_s = std::chrono::duration<double>(Clock::now() - trial_started).count();
    store.finish_trial(trial_id, outcome);
    ++summary.ran_now;
    if (report.run && outcome.state == TrialState::complete && std::isfinite(outcome.value))
      keep_weights(store, options.keep_weights, study.id, trial_id, number, outcome.value,
                   best_of(history), models, data_varies ? own : shared);

    report.number = number;
    report.state = outcome.state;
    report.params = params;
    report.value = outcome.value;
    report.error = outcome.error;
    report.seconds = outcome.duration_s;
    report.counted = counted + 1;
    report.wanted = wanted;
    history.push_back(FinishedTrial{number, outcome.state, params, outcome.value, {}});
    report.best = best_of(history);
    if (observer.on_trial) observer.on_trial(report);
  }

  const std::vector<FinishedTrial> finished = store.finished_trials(study.id);
  for (const auto& t : finished) {
    summary.complete += t.state == TrialState::complete;
    summary.pruned += t.state == TrialState::pruned;
    summary.failed += t.state == TrialState::fail;
  }
  summary.best = best_of(finished);
  return summary;
}

}  // namespace tunelab
