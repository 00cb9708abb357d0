#include "runner/trial/trial_training.h"

namespace tunelab {

Folds load_trial_data(const ExperimentConfig& config, const std::filesystem::path& base_dir,
                      const Registrar& registrar) {
  if (config.data.folds > 1) return fold_data(config, base_dir, registrar);
  Folds data;
  data.whole = prepare_data(config, base_dir, registrar);
  return data;
}

TrialTraining train_trial_on(const ExperimentConfig& config, const Folds& data,
                             const Registrar& registrar, std::uint64_t seed,
                             const EpochCallback& on_epoch) {
  TrialTraining t;
  if (!data.folds.empty()) {
    CrossValidation cv = cross_validate(config, data, registrar, seed, on_epoch);
    t.run = std::move(cv.first_fold);
    t.result = std::move(cv.mean);
    t.models = std::move(cv.models);
    return t;
  }
  t.run = train_trial(config, data.whole, registrar, seed, on_epoch);
  t.result = t.run.result;
  t.models.members.push_back(TrainedModel{t.run.model, data.whole.scaling});
  t.models.units = data.whole.scaling;
  t.models.classes = data.whole.classes;
  return t;
}

}  // namespace tunelab
