#include "runner/single_run.h"

#include <torch/torch.h>

#include "model/build.h"
#include "plugin/registrar.h"
#include "train/device.h"
#include "train/seeding.h"

namespace tunelab {
namespace {

const DatasetFactory& dataset_factory(const Registrar& registrar, const std::string& name) {
  try {
    return registrar.datasets.factory(name);
  } catch (const UnknownNameError& e) {
    throw ConfigError("data.dataset", e.what());
  }
}

Dataset load_dataset(const Experiment& experiment, const Registrar& registrar) {
  const DataConfig& data = experiment.config.data;
  const DatasetFactory& factory = dataset_factory(registrar, data.dataset);
  try {
    return factory(DatasetRequest{data.args, derive_seed(experiment.config.seed, "data"),
                                  experiment.base_dir});
  } catch (const ConfigError& e) {
    throw e.under("data.args");
  }
}

}  // namespace

void check_experiment(const ExperimentConfig& config, const Registrar& registrar) {
  resolve_device(config.device);
  dataset_factory(registrar, config.data.dataset);
  torch::nn::Sequential model =
      build_model(registrar, config.model, /*input_dim=*/1, /*output_dim=*/1);
  // A one-epoch run on two rows checks the optimizer and loss with their
  // arguments, exactly as training will build them.
  Splits tiny;
  tiny.train.x = torch::zeros({2, 1});
  tiny.train.y = torch::zeros({2, 1});
  tiny.val.x = tiny.test.x = torch::zeros({0, 1});
  tiny.val.y = tiny.test.y = torch::zeros({0, 1});
  TrainerConfig trainer = config.trainer;
  trainer.epochs = 1;
  train_model(model, tiny, trainer, registrar, torch::kCPU, 0);
}

RunSummary run_single(const Experiment& experiment, const Registrar& registrar,
                      const EpochCallback& on_epoch) {
  const ExperimentConfig& config = experiment.config;
  check_experiment(config, registrar);
  const c10::Device device = resolve_device(config.device);

  const Dataset dataset = load_dataset(experiment, registrar);
  Splits splits = split_dataset(dataset, config.data.split, derive_seed(config.seed, "split"));
  standardize(splits, config.data.standardize_x, config.data.standardize_y);

  RunSummary summary;
  summary.train_rows = splits.train.rows();
  summary.val_rows = splits.val.rows();
  summary.test_rows = splits.test.rows();
  summary.features = dataset.features();
  summary.device = device.str();
  summary.trial_seed = derive_seed(config.seed, std::uint64_t{0});

  seed_everything(summary.trial_seed);
  torch::nn::Sequential model =
      build_model(registrar, config.model, dataset.features(), dataset.targets());
  summary.parameters = parameter_count(*model);
  summary.result =
      train_model(model, splits, config.trainer, registrar, device, summary.trial_seed, on_epoch);
  return summary;
}

}  // namespace tunelab
