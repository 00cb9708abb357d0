#include "runner/ensemble/ensemble.h"

#include <ATen/ATen.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numeric>

#include "common/errors.h"
#include "runner/ensemble/ensemble_selection.h"
#include "runner/stored/rerun.h"
#include "runner/trial/trial_predictions.h"
#include "runner/trial/weights.h"

namespace tunelab {
namespace {

struct Candidate {
  TrialInfo trial;
  at::Tensor val, test;  // undefined test: the study has no test rows
};

at::Tensor values_of(const PredictionMatrix& m) {
  return matrix_tensor(m.values, m.rows, m.columns);
}
at::Tensor targets_of(const PredictionMatrix& m) {
  return matrix_tensor(m.targets, m.rows, m.target_columns);
}

// The complete, feasible trials with finite validation predictions on the
// same rows, best first (ties: lower number).
std::vector<Candidate> candidates_of(StudyQueries& store, const StudyInfo& study,
                                     at::Tensor& val_targets, at::Tensor& test_targets) {
  std::map<int, TrialInfo> trials;
  for (auto& t : store.trials(study.id)) trials[t.number] = std::move(t);
  std::vector<Candidate> out;
  for (const TrialPredictions& p : store.predictions(study.id)) {
    const TrialInfo& trial = trials[p.number];
    if (p.val.rows == 0 || !std::isfinite(trial.value) || !trial.feasible()) continue;
    Candidate c{trial, values_of(p.val), {}};
    if (!c.val.isfinite().all().item<bool>()) continue;
    const at::Tensor targets = targets_of(p.val);
    if (!val_targets.defined()) {
      val_targets = targets;
      if (p.test.rows > 0) test_targets = targets_of(p.test);
    } else if (!targets.equal(val_targets)) {
      throw InputError(fmt::format(
          "study '{}': trials {} and {} were validated on different rows (the study searches "
          "its data), so their predictions cannot be combined",
          study.name, out.front().trial.number, p.number));
    }
    if (test_targets.defined() && p.test.rows == test_targets.size(0)) c.test = values_of(p.test);
    out.push_back(std::move(c));
  }
  std::stable_sort(out.begin(), out.end(), [&](const Candidate& a, const Candidate& b) {
    return better(a.trial.value, b.trial.value, study.direction());
  });
  return out;
}

// The member's weights kept for good: trained again where the store has
// none, and marked as requested so that a later best trial does not replace
// them.
std::string keep_member_weights(Store& store, const StudyInfo& study, const TrialInfo& trial,
                                const Registrar& registrar) {
  const auto kept = store.weights(trial.id);
  std::error_code ec;
  if (kept && std::filesystem::is_regular_file(kept->file, ec)) {
    if (kept->reason != "requested")
      store.weights_files().add_weights(trial.id, kept->file, "requested", kept->features,
                                        kept->targets);
    return {};
  }
  Rerun rerun = rerun_trial(store, study, trial, registrar, "");
  if (rerun.above_noise || rerun.models.members.empty())
    throw Error(fmt::format(
        "study '{}' trial {}, a member of the ensemble, trained again from its seed differs from "
        "its stored run ({} by {:.6g} in epoch {}): its weights cannot stand for it (tunelab "
        "rerun {} {} shows the curves; a run with --keep-weights all keeps every trial's)",
        study.name, trial.number, rerun.which, rerun.largest, rerun.epoch, study.name,
        trial.number));
  const auto file =
      store.weights_files().weights_folder(study.id) / fmt::format("trial-{}.pt", trial.number);
  save_weights(file, rerun.models, trial.seed);
  store.weights_files().add_weights(trial.id, file, "requested", rerun.feature_names,
                                    rerun.target_names);
  return fmt::format(
      "trial {} trained again from its seed to keep its weights (its stored losses "
      "reproduced, in {:.1f} s)",
      trial.number, rerun.seconds);
}

}  // namespace

BuiltEnsemble build_ensemble(Store& store, const StudyInfo& study, const Registrar& registrar,
                             EnsembleRequest request) {
  if (request.method != "greedy" && request.method != "top")
    throw InputError(
        fmt::format("unknown ensemble method '{}': expected greedy or top", request.method));
  if (request.size < 1)
    throw InputError(fmt::format("an ensemble's size must be at least 1, got {}", request.size));
  at::Tensor val_targets, test_targets;
  const std::vector<Candidate> candidates = candidates_of(store, study, val_targets, test_targets);
  if (candidates.empty())
    throw InputError(fmt::format(
        "study '{}' has no complete trial with stored validation predictions to build an "
        "ensemble from (trials of an objective function, of a split without validation rows, "
        "or stored before the store kept predictions have none; infeasible trials are left out)",
        study.name));
  if (request.default_size)
    request.size = std::min(request.size, static_cast<int>(candidates.size()));
  if (request.size > static_cast<int>(candidates.size()))
    throw InputError(fmt::format(
        "an ensemble of size {} needs as many complete trials with predictions; study '{}' has "
        "{}",
        request.size, study.name, candidates.size()));

  const bool classification = candidates.front().trial.metrics.count("val_accuracy") > 0;
  BuiltEnsemble built;
  EnsembleInfo& e = built.ensemble;
  e.method = request.method;
  e.size = request.size;
  const bool log_target =
      study.config.contains("data") && study.config["data"].value("target_transform", "") == "log";
  e.selected_by = selection_metric(study.metric(), classification, log_target);
  std::vector<int> picks(candidates.size(), 0);
  if (request.method == "top") {
    std::fill(picks.begin(), picks.begin() + request.size, 1);
  } else {
    std::vector<at::Tensor> val;
    for (const auto& c : candidates) val.push_back(c.val);
    picks = greedy_selection(val, request.size,
                             ensemble_loss(e.selected_by, classification, val_targets));
  }
  at::Tensor val = at::zeros_like(candidates.front().val), test;
  const bool with_test =
      test_targets.defined() && std::all_of(candidates.begin(), candidates.end(),
                                            [](const Candidate& c) { return c.test.defined(); });
  if (with_test) test = at::zeros_like(candidates.front().test);
  e.size = std::accumulate(picks.begin(), picks.end(), 0);
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    if (picks[i] == 0) continue;
    const double weight = static_cast<double>(picks[i]) / e.size;
    e.members.emplace_back(candidates[i].trial.number, weight);
    val += candidates[i].val * weight;
    if (with_test) test += candidates[i].test * weight;
  }
  std::sort(e.members.begin(), e.members.end());
  e.metrics = ensemble_metrics(val, val_targets, classification, "val_");
  if (with_test) e.metrics.merge(ensemble_metrics(test, test_targets, classification, "test_"));

  const Candidate& best = candidates.front();
  e.best_trial = best.trial.number;
  e.best_trial_metrics = ensemble_metrics(best.val, val_targets, classification, "val_");
  if (with_test)
    e.best_trial_metrics.merge(ensemble_metrics(best.test, test_targets, classification, "test_"));

  for (const auto& [number, weight] : e.members) {
    const auto found = std::find_if(candidates.begin(), candidates.end(),
                                    [&](const Candidate& c) { return c.trial.number == number; });
    const std::string note = keep_member_weights(store, study, found->trial, registrar);
    if (!note.empty()) built.notes.push_back(note);
  }
  store.ensembles().save_ensemble(study.id, e);
  e = *store.ensemble(study.id);  // as stored, with its time
  return built;
}

}  // namespace tunelab
