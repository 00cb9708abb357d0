#include "runner/study/lost_weights.h"

#include <fmt/format.h>

#include <filesystem>

#include "runner/stored/rerun.h"
#include "runner/trial/weights.h"
#include "store/weights_files.h"

namespace tunelab {

std::vector<std::string> restore_lost_weights(Store& store, const StudyInfo& study,
                                              const Registrar& registrar,
                                              StudyOptions::KeepWeights keep) {
  using Keep = StudyOptions::KeepWeights;
  if (keep == Keep::none) return {};
  const auto best = best_trial(store.queue().finished_trials(study.id), study.direction());
  if (!best) return {};
  const TrialInfo trial = store.trial(study, best->number);
  if (trial.epochs_run == 0) return {};  // an objective function: nothing trained
  const auto kept = store.weights(trial.id);
  std::error_code ec;
  if (kept && std::filesystem::is_regular_file(kept->file, ec)) return {};

  const std::string lost =
      fmt::format("the weights of trial {}, the study's best, were lost", trial.number);
  try {
    Rerun rerun = rerun_trial(store, study, trial, registrar, "");
    if (rerun.above_noise)
      return {
          fmt::format("{}; trained again from its seed, its {} differs by {:.6g} in epoch {}, "
                      "so none are kept (tunelab rerun {} {} shows the curves)",
                      lost, rerun.which, rerun.largest, rerun.epoch, study.name, trial.number)};
    const auto file =
        store.weights_files().weights_folder(study.id) / fmt::format("trial-{}.pt", trial.number);
    save_weights(file, rerun.models, trial.seed);
    store.weights_files().add_weights(trial.id, file, keep == Keep::best ? "best" : "requested",
                                      rerun.feature_names, rerun.target_names);
    return {
        fmt::format("{}; trained again from its seed, with the stored losses (largest "
                    "difference {:.3g}), and kept in {}",
                    lost, rerun.largest, file.string())};
  } catch (const Error& e) {
    return {fmt::format("{}, and could not be trained again: {}", lost, e.what())};
  }
}

}  // namespace tunelab
