#include "config/experiment.h"

namespace tunelab {

nlohmann::json to_json(const ExperimentConfig& c) {
  nlohmann::json model = c.model.settings;
  model["name"] = c.model.name;
  nlohmann::json out = {
      {"name", c.name},
      {"seed", c.seed},
      {"device", c.device},
      {"data",
       {{"dataset", c.data.dataset},
        {"args", c.data.args},
        {"split",
         {{"train", c.data.split.train}, {"val", c.data.split.val}, {"test", c.data.split.test}}},
        {"standardize", {{"x", c.data.standardize_x}, {"y", c.data.standardize_y}}}}},
      {"model", model},
      {"trainer",
       {{"optimizer", c.trainer.optimizer},
        {"optimizer_args", c.trainer.optimizer_args},
        {"lr", c.trainer.lr},
        {"weight_decay", c.trainer.weight_decay},
        {"batch_size", c.trainer.batch_size},
        {"epochs", c.trainer.epochs},
        {"loss", c.trainer.loss},
        {"loss_args", c.trainer.loss_args},
        {"early_stopping",
         {{"patience", c.trainer.early_stopping.patience},
          {"min_delta", c.trainer.early_stopping.min_delta}}}}},
  };
  if (!c.description.empty()) out["description"] = c.description;
  return out;
}

}  // namespace tunelab
