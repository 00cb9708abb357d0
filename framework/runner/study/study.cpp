#include "runner/study/study.h"

#include <ATen/Parallel.h>
#include <fmt/format.h>
#include <torch/version.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <thread>

#include "common/blas.h"
#include "common/derived_seeds.h"
#include "common/json_paths.h"
#include "common/version.h"
#include "plugin/registrar.h"
#include "runner/checks/experiment_checks.h"
#include "runner/stored/refusal.h"
#include "runner/study/ask.h"
#include "runner/study/heartbeat.h"
#include "runner/study/interrupt.h"
#include "runner/study/lost_weights.h"
#include "runner/study/warm_start.h"
#include "runner/trial/cross_validation.h"
#include "runner/trial/single_run.h"
#include "runner/trial/trial.h"
#include "runner/trial/trial_training.h"
#include "train/device.h"

namespace tunelab {
namespace {

using Clock = std::chrono::steady_clock;

RefusalFacts facts_of(const std::string& study, const Store& store) {
  RefusalFacts facts;
  facts.study = study;
  facts.store = store.url();
  return facts;
}

void check_options(const Experiment& experiment, const Registrar& registrar,
                   const StudyOptions& options) {
  check_experiment(experiment, registrar);
  const int wanted = options.trials.value_or(experiment.config.search.trials);
  if (wanted < 1) {
    RefusalFacts facts;
    facts.number = wanted;
    throw RefusedError(Refusal::too_few_trials, facts);
  }
  // More threads than this only queue for the cores (and LibTorch takes
  // minutes to start a hundred thousand of them).
  const int most_threads = 8 * static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
  if (options.threads < 1 || options.threads > most_threads) {
    RefusalFacts facts;
    facts.number = options.threads;
    facts.most = most_threads;
    throw RefusedError(Refusal::threads_out_of_range, facts);
  }
  if (!(options.lost_after_seconds > 0)) {
    RefusalFacts facts;
    facts.number = options.lost_after_seconds;
    throw RefusedError(Refusal::lost_after_not_positive, facts);
  }
}

// A resumed study must train on what it trained on: its trials would
// otherwise mix two data sets under one "best". InputError naming both
// fingerprints.
void check_same_inputs(Store& store, const StudyInfo& study, const std::string& digest,
                       const Registrar& registrar, const StudyOptions& options) {
  if (options.allow_data_change) return;
  const auto runs = store.provenance(study.id);
  if (runs.empty()) return;
  const ProvenanceInfo& last = runs.back();
  if (!digest.empty() && !last.dataset_digest.empty() && digest != last.dataset_digest) {
    RefusalFacts facts = facts_of(study.name, store);
    facts.recorded = last.dataset_digest;
    facts.now = digest;
    throw RefusedError(Refusal::other_data, facts);
  }
  for (const auto& was : last.plugins)
    for (const auto& now : registrar.plugins)
      if (now.name == was.name && now.digest != was.digest) {
        RefusalFacts facts = facts_of(study.name, store);
        facts.recorded = was.digest;
        facts.now = now.digest;
        facts.plugin = was.name;
        facts.file = now.file.string();
        throw RefusedError(Refusal::other_plugin, facts);
      }
}

// "NAME-2", or the first "NAME-k" no study of the store has.
std::string next_free_name(Store& store, const std::string& name) {
  int n = 2;
  while (store.find_study(fmt::format("{}-{}", name, n))) ++n;
  return fmt::format("{}-{}", name, n);
}

StudyInfo open_study(const Experiment& experiment, const Registrar& registrar, Store& store,
                     const StudyOptions& options, const Folds& data) {
  const ExperimentConfig& c = experiment.config;
  const std::string& digest = data.whole.digest;
  const ExperimentConfig resolved = resolved_config(c, data, registrar);
  std::string name = options.study_name.empty() ? c.name : options.study_name;
  if (options.number_taken_name && !options.resume && store.find_study(name))
    name = next_free_name(store, name);
  const int trials = options.trials.value_or(c.search.trials);
  const auto existing = store.find_study(name);
  const std::string hash = fingerprint(experiment.document.dump());
  if (existing && !options.resume) throw RefusedError(Refusal::study_exists, facts_of(name, store));
  if (existing) {
    // Another file that resolves to the same configuration (a default
    // written out, such as the loss a classifier trains with) is the same
    // study.
    const StudyInfo stored_study = store.study(name);
    const bool same = existing->config_hash == hash || stored_study.config == to_json(resolved);
    if (!same) {
      // The commonest difference: resumed with another number of workers.
      const nlohmann::json& stored = stored_study.document;
      const auto workers_of = [](const nlohmann::json& document) {
        const auto search = document.find("search");
        return search != document.end() && search->is_object()
                   ? search->value("workers", nlohmann::json(1))
                   : nlohmann::json(1);
      };
      if (workers_of(stored) != workers_of(experiment.document)) {
        RefusalFacts facts = facts_of(name, store);
        facts.recorded = workers_of(stored).dump();
        throw RefusedError(Refusal::other_workers, facts);
      }
      RefusalFacts facts = facts_of(name, store);
      const std::vector<std::string> changed = differing_leaves(stored, experiment.document);
      for (std::size_t i = 0; i < changed.size() && i < 8; ++i)
        facts.recorded += (i ? "; " : "") + changed[i];
      if (changed.size() > 8) facts.recorded += fmt::format("; and {} more", changed.size() - 8);
      throw RefusedError(Refusal::other_configuration, facts);
    }
    StudyInfo study = *existing;
    check_same_inputs(store, study, digest, registrar, options);
    // The budget is this run's (--trials, or the file's); a worker that
    // joins later reads it from the store.
    if (trials != study.trials_wanted) {
      store.set_trials_wanted(study.id, trials);
      study.trials_wanted = trials;
    }
    // Rows a tunelab that recorded no workers left RUNNING; newer ones are
    // handed back by the workers (re-queued when their process is gone).
    store.queue().fail_abandoned_trials(study.id,
                                        "interrupted: left RUNNING by a tunelab that stopped");
    return study;
  }
  const auto warm_start = gather_warm_start(c, store, name);
  NewStudy study{name,
                 c.seed,
                 trials,
                 to_json(resolved),
                 experiment.document,
                 std::filesystem::absolute(experiment.file).string(),
                 c.search.objectives};
  for (;;) {
    try {
      return store.create_study(study, warm_start);
    } catch (const StudyNameTaken&) {
      // A run in another process took the name a moment ago: a single run
      // takes the next free one, as it would have had it come second.
      if (!options.number_taken_name) throw;
      study.name = next_free_name(store, options.study_name.empty() ? c.name : options.study_name);
    }
  }
}

// Waits that grow while a worker has nothing to claim (others hold the
// trials it must see first), so idle workers do not hammer the store.
class IdleWait {
 public:
  void wait() {
    std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms_));
    pause_ms_ = std::min(500, pause_ms_ * 2);
  }
  void reset() { pause_ms_ = 10; }

 private:
  int pause_ms_ = 10;
};

// What this run of the study runs with: tunelab, LibTorch, the device, the
// host, the data, threads, BLAS and the plugins loaded.
Provenance provenance_of(const Registrar& registrar, const Folds& data, const StudyOptions& options,
                         const c10::Device& device) {
  Provenance provenance{kVersion,    kCommit,           TORCH_VERSION,   describe_device(device),
                        host_name(), data.whole.digest, options.threads, blas_library(),
                        {}};
  for (const auto& p : registrar.plugins)
    provenance.plugins.push_back({p.file.string(), p.name, p.version, p.digest});
  return provenance;
}

// Whether the study stops now from outside: Ctrl-C or SIGTERM, or its time
// limit.
std::optional<StopReason> stopped_from_outside(double timeout_seconds, Clock::time_point started) {
  if (interrupt_signal() != 0) return StopReason::interrupted;
  const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
  if (timeout_seconds > 0 && elapsed >= timeout_seconds) return StopReason::timeout;
  return std::nullopt;
}

// Where this worker's trials come from. Trial k is proposed from the
// trials numbered up to k - workers, which it waits for, so that it sees
// them whichever worker finished first; a sampler and pruner that read no
// history need not wait. The sampler also sees the earlier studies' trials
// the study was created with (search.warm_start), before its own; the
// pruner only its own, whose curves it compares.
TrialSource trial_source(const ExperimentConfig& base, Store& store, const StudyInfo& study,
                         Sampler& sampler, bool pruner_reads_history, const std::string& device) {
  const SearchConfig& search = base.search;
  TrialSource source{search,
                     store,
                     study.id,
                     base.seed,
                     study.trials_wanted,
                     sampler.reads_history() || pruner_reads_history
                         ? std::max(1, search.workers)
                         : std::numeric_limits<int>::max() / 2,
                     device,
                     worker_identity(),
                     sampler,
                     {},
                     warm_start_history(store.warm_start_trials(study.id))};
  for (const auto& o : search.objectives) source.directions.push_back(o.direction);
  return source;
}

StudySummary work(const Experiment& experiment, const Registrar& registrar, Store& store,
                  const StudyInfo& study, const Folds& data, const StudyOptions& options,
                  const StudyObserver& observer) {
  const ExperimentConfig& base = experiment.config;
  const SearchConfig& search = base.search;
  // From here on Ctrl-C and SIGTERM stop the study at the end of an epoch,
  // its running trial re-queued; before (loading data) they end the process.
  install_interrupt_handlers();
  at::set_num_threads(options.threads);
  const int wanted = study.trials_wanted;

  bool data_varies = false;
  for (const auto& d : search.space.dimensions) data_varies |= d.path.rfind("data.", 0) == 0;
  const c10::Device device = resolve_device(base.device);
  store.add_provenance(study.id, provenance_of(registrar, data, options, device));

  auto sampler = registrar.samplers.factory(search.sampler)(
      SamplerRequest{search.sampler_args, &search.space, derive_seed(base.seed, "sampler"),
                     study.design_trials, static_cast<int>(search.objectives.size())});
  auto pruner = registrar.pruners.factory(search.pruner)(search.pruner_args);
  // A pruner that never reads the other trials' curves needs none kept.
  const PruningCurves pruning = pruner->reads_history()
                                    ? PruningCurves(search.objectives, search.pruner_objective)
                                    : PruningCurves();
  const StudyContext context{experiment, registrar, store,        study.id,    options, observer,
                             *pruner,    pruning,   device.str(), data_varies, data};
  TrialSource source =
      trial_source(base, store, study, *sampler, pruner->reads_history(), device.str());

  StudySummary summary;
  summary.name = study.name;
  const auto started = Clock::now();
  if (observer.on_start)
    observer.on_start(study.name, store.queue().counted_trials(study.id), wanted, data.whole);
  // A resumed study's best model is there before the study goes on.
  for (const auto& note : restore_lost_weights(store, study, registrar, options.keep_weights))
    if (observer.on_note) observer.on_note(note);

  IdleWait idle;
  for (;;) {
    if (const auto stop = stopped_from_outside(search.timeout_seconds, started)) {
      summary.stopped_because = *stop;
      break;
    }
    // Lost trials first go back to waiting, so that they count again.
    recover_lost_trials(store, study.id, options.lost_after_seconds, options.requeue_lost);
    const TrialQueue::Progress now = store.queue().progress(study.id);
    if (now.counted >= wanted) {
      summary.stopped_because = StopReason::budget;
      break;
    }
    const Asked asked = ask(source, now);
    if (asked.exhausted) {
      summary.stopped_because = StopReason::space_exhausted;
      break;
    }
    if (asked.taken) continue;
    if (!asked.trial) {
      // Every trial left is running elsewhere, or this one must wait for
      // the trials it is to see. Stay: a lost worker's trial comes back.
      idle.wait();
      continue;
    }
    idle.reset();
    TrialResult result = run_claimed_trial(context, *asked.trial);
    ++summary.ran_now;
    result.report.counted = store.queue().counted_trials(study.id);
    result.report.wanted = wanted;
    if (observer.on_trial) observer.on_trial(result.report);
  }

  StudySummary totals = study_summary(store, study);
  totals.ran_now = summary.ran_now;
  totals.stopped_because = summary.stopped_because;
  return totals;
}

}  // namespace

const char* to_string(StopReason reason) {
  switch (reason) {
    case StopReason::none:
      return "";
    case StopReason::budget:
      return "budget";
    case StopReason::timeout:
      return "timeout";
    case StopReason::space_exhausted:
      return "space exhausted";
    case StopReason::interrupted:
      return "interrupted";
  }
  return "";
}

StudySummary study_summary(Store& store, const StudyInfo& study) {
  StudySummary summary;
  summary.name = study.name;
  const std::vector<FinishedTrial> finished = store.queue().finished_trials(study.id);
  for (const auto& t : finished) {
    summary.complete += t.state == TrialState::complete;
    summary.pruned += t.state == TrialState::pruned;
    summary.failed += t.state == TrialState::fail;
    summary.infeasible += !t.feasible();
  }
  summary.best = best_trial(finished, study.direction());
  if (store.queue().progress(study.id).counted >= study.trials_wanted)
    summary.stopped_because = StopReason::budget;
  return summary;
}

Folds load_study_data(const Experiment& experiment, const Registrar& registrar) {
  if (experiment.config.evaluates_objective()) return {};
  Folds data = load_trial_data(experiment.config, experiment.base_dir, registrar);
  // A loss or metric of the other task is the file's mistake, said before
  // any trial.
  trainer_for(experiment.config, data.whole, registrar);
  check_metric_for_task(experiment.config, data.whole);
  return data;
}

ExperimentConfig resolved_config(const ExperimentConfig& config, const Folds& data,
                                 const Registrar& registrar) {
  ExperimentConfig resolved = config;
  if (!config.evaluates_objective()) resolved.trainer = trainer_for(config, data.whole, registrar);
  return resolved;
}

std::optional<FinishedTrial> best_trial(const std::vector<FinishedTrial>& trials,
                                        Direction direction) {
  std::optional<FinishedTrial> best;
  for (const auto& t : trials)
    if (t.state == TrialState::complete && std::isfinite(t.value) && t.feasible() &&
        (!best || better(t.value, best->value, direction)))
      best = t;
  return best;
}

StudyInfo prepare_study(const Experiment& experiment, const Registrar& registrar, Store& store,
                        const StudyOptions& options) {
  check_options(experiment, registrar, options);
  // The data first: a bad data file leaves the store untouched.
  const Folds data = load_study_data(experiment, registrar);
  return open_study(experiment, registrar, store, options, data);
}

namespace {

// work(), saying so when the study was deleted while it ran (tunelab
// delete): its next write then finds its rows gone, which the database
// reports as a broken reference.
StudySummary work_unless_deleted(const Experiment& experiment, const Registrar& registrar,
                                 Store& store, const StudyInfo& study, const Folds& data,
                                 const StudyOptions& options, const StudyObserver& observer) {
  try {
    return work(experiment, registrar, store, study, data, options, observer);
  } catch (const StoreError&) {
    bool gone = false;
    try {
      gone = !store.find_study(study.name);
    } catch (const Error&) {
    }
    if (gone)
      throw Error(
          fmt::format("study '{}' was deleted from {} while it ran (tunelab delete): "
                      "nothing more of it is recorded",
                      study.name, store.url()));
    throw;
  }
}

}  // namespace

StudySummary work_on_study(const Experiment& experiment, const Registrar& registrar, Store& store,
                           const StudyInfo& study, const StudyOptions& options,
                           const StudyObserver& observer) {
  check_options(experiment, registrar, options);
  const Folds data = load_study_data(experiment, registrar);
  return work_unless_deleted(experiment, registrar, store, study, data, options, observer);
}

StudySummary run_study(const Experiment& experiment, const Registrar& registrar, Store& store,
                       const StudyOptions& options, const StudyObserver& observer) {
  check_options(experiment, registrar, options);
  // The data first: a bad data file leaves the store untouched.
  const Folds data = load_study_data(experiment, registrar);
  const StudyInfo study = open_study(experiment, registrar, store, options, data);
  return work_unless_deleted(experiment, registrar, store, study, data, options, observer);
}

}  // namespace tunelab
