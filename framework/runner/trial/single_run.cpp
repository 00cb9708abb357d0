#include "runner/trial/single_run.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <torch/torch.h>

#include <algorithm>

#include "common/derived_seeds.h"
#include "model/parameter_count.h"
#include "plugin/assembly.h"
#include "plugin/registrar.h"
#include "runner/trial/trial_model.h"
#include "train/device.h"
#include "train/seeding.h"

namespace tunelab {

TrainerConfig trainer_for(const ExperimentConfig& config, const PreparedData& data,
                          const Registrar& registrar) {
  TrainerConfig trainer = config.trainer;
  const bool classification = !data.classes.empty();
  // The default loss is the task's: its arguments (class_weights) go with it.
  const std::vector<std::string> class_losses = losses_for(registrar, true);
  if (classification && !trainer.loss_stated) {
    if (class_losses.empty())
      throw ConfigError("trainer.loss", "no registered loss is for classes");
    trainer.loss = class_losses.front();
  }
  if (loss_from(registrar, trainer).for_classes != classification)
    throw ConfigError(
        "trainer.loss",
        classification
            ? fmt::format("'{}' is a regression loss; '{}' is a classification target ({} "
                          "classes): use {}",
                          trainer.loss, data.target_names.front(), data.classes.size(),
                          fmt::join(class_losses, ", "))
            : fmt::format("'{}' is a classification loss; '{}' is a numeric target (set task: "
                          "classification for integer labels)",
                          trainer.loss, data.target_names.front()));
  return trainer;
}

RunSummary prepare_trial(const ExperimentConfig& config, const PreparedData& data,
                         const Registrar& registrar, std::uint64_t seed) {
  const c10::Device device = resolve_device(config.device);
  RunSummary summary;
  summary.train_rows = data.splits.train.rows();
  summary.val_rows = data.splits.val.rows();
  summary.test_rows = data.splits.test.rows();
  summary.features = data.features;
  summary.device = device.str();
  summary.trial_seed = seed;

  seed_everything(seed);
  torch::nn::Sequential model =
      build_trial_model(registrar, config, data.scaling.encoding, data.features, data.targets);
  summary.parameters = parameter_count(*model);
  summary.model = model;
  return summary;
}

RunSummary train_trial(const ExperimentConfig& config, const PreparedData& data,
                       const Registrar& registrar, std::uint64_t seed,
                       const EpochCallback& on_epoch) {
  RunSummary summary = prepare_trial(config, data, registrar, seed);
  const TrainerConfig trainer = trainer_for(config, data, registrar);
  summary.result =
      train_model(summary.model, data.splits, trainer, training_components(registrar, trainer),
                  resolve_device(config.device), seed, on_epoch);
  return summary;
}

RunSummary run_single(const Experiment& experiment, const Registrar& registrar,
                      const EpochCallback& on_epoch) {
  check_config(experiment.config, registrar);
  const PreparedData data = prepare_data(experiment.config, experiment.base_dir, registrar);
  return train_trial(experiment.config, data, registrar,
                     derive_seed(experiment.config.seed, std::uint64_t{0}), on_epoch);
}

}  // namespace tunelab
