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
        {"standardize", {{"x", c.data.standardize_x}, {"y", c.data.standardize_y}}},
        {"folds", c.data.folds}}},
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
          {"min_delta", c.trainer.early_stopping.min_delta}}},
        {"fast_path", c.trainer.fast_path}}},
  };
  if (!c.description.empty()) out["description"] = c.description;
  // Stated only where they differ from the defaults, so that files from
  // before them keep their configuration's fingerprint.
  if (c.data.drop_missing_target) out["data"]["missing_target"] = "drop";
  if (c.data.log_target) out["data"]["target_transform"] = "log";
  if (c.data.robust_x) out["data"]["scaling"] = "robust";
  if (c.data.quantile_x) out["data"]["scaling"] = "quantile";
  if (c.data.quantiles > 0) out["data"]["quantiles"] = c.data.quantiles;
  if (c.data.plr) {
    out["data"]["numeric_embedding"] = "plr";
    out["data"]["plr_frequencies"] = c.data.plr_frequencies;
    out["data"]["plr_width"] = c.data.plr_width;
    out["data"]["plr_sigma"] = c.data.plr_sigma;
  }
  if (c.data.smooth_clip_x) out["data"]["smooth_clip"] = true;
  if (c.trainer.schedule != "constant") out["trainer"]["schedule"] = c.trainer.schedule;
  if (c.trainer.warmup_epochs > 0) out["trainer"]["warmup_epochs"] = c.trainer.warmup_epochs;
  if (c.trainer.grad_clip > 0) out["trainer"]["grad_clip"] = c.trainer.grad_clip;
  // Stated only where the file states a task, so that files from before
  // tasks keep their configuration's fingerprint.
  if (c.task != Task::automatic) out["task"] = to_string(c.task);
  if (c.data.encoding == CategoricalEncoding::embedding) {
    out["data"]["encoding"] = "embedding";
    out["data"]["embedding_width"] = c.data.embedding_width;
  }
  nlohmann::json space = nlohmann::json::object();
  for (const auto& d : c.search.space.dimensions) {
    nlohmann::json dim;
    if (d.kind == Dimension::Kind::categorical) {
      dim = {{"type", "categorical"}, {"choices", d.choices}};
    } else {
      const bool integer = d.kind == Dimension::Kind::integer;
      dim = {{"type", integer ? "int" : "float"}, {"log", d.log}};
      dim["low"] =
          integer ? nlohmann::json(static_cast<std::int64_t>(d.low)) : nlohmann::json(d.low);
      dim["high"] =
          integer ? nlohmann::json(static_cast<std::int64_t>(d.high)) : nlohmann::json(d.high);
      if (d.step) dim["step"] = *d.step;
      if (!d.transform.empty()) dim["transform"] = d.transform;
    }
    space[d.path] = dim;
  }
  nlohmann::json sampler = c.search.sampler_args, pruner = c.search.pruner_args;
  sampler["name"] = c.search.sampler;
  pruner["name"] = c.search.pruner;
  if (!c.search.pruner_objective.empty()) pruner["objective"] = c.search.pruner_objective;
  out["search"] = {{"metric", c.search.metric},
                   {"trials", c.search.trials},
                   {"timeout", c.search.timeout_seconds},
                   {"workers", c.search.workers},
                   {"sampler", sampler},
                   {"pruner", pruner},
                   {"space", space}};
  // Stated only against the metric's nature, so that files from before
  // directions keep their configuration's fingerprint.
  if (c.search.direction != natural_direction(c.search.metric))
    out["search"]["direction"] = to_string(c.search.direction);
  if (c.search.several_objectives()) {
    out["search"].erase("metric");
    out["search"].erase("direction");
    for (const auto& o : c.search.objectives)
      out["search"]["objectives"].push_back(
          {{"metric", o.metric}, {"direction", to_string(o.direction)}});
  }
  // Stated only when there are some, for the same reason.
  if (!c.search.enqueue.empty()) out["search"]["enqueue"] = c.search.enqueue;
  for (const auto& w : c.search.warm_start) {
    nlohmann::json entry = {{"study", w.study}};
    if (!w.storage.empty()) entry["storage"] = w.storage;
    out["search"]["warm_start"].push_back(entry);
  }
  if (c.search.ensemble.size > 0)
    out["search"]["ensemble"] = {{"size", c.search.ensemble.size},
                                 {"method", c.search.ensemble.method}};
  if (!c.plugins.empty()) out["plugins"] = c.plugins;
  if (c.evaluates_objective()) {
    // What trains is not there: the function is evaluated instead.
    out.erase("data");
    out.erase("model");
    out.erase("trainer");
    out["objective"] = c.objective.section;
    out["objective"]["name"] = c.objective.name;
  }
  return out;
}

}  // namespace tunelab
