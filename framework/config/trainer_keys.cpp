// The trainer section's keys (config/key_spec.h): optimizer, loss, batches,
// epochs, the learning rate's schedule.

#include <algorithm>

#include "common/near_matches.h"
#include "config/experiment_keys.h"
#include "train/lr_schedule.h"
#include "train/trainer_config.h"

namespace tunelab {
namespace {

KeySpec<TrainerConfig> loss_key() {
  return custom_key<TrainerConfig>(
      "loss",
      {"regression: mse, l1, huber; classification: cross_entropy", "name",
       "`mse` (`cross_entropy` for classification)"},
      [](const Args& args, TrainerConfig& t, const ExperimentConfig&) {
        t.loss = args.text("loss", t.loss);
        // A classifier that does not name its loss trains with cross_entropy.
        t.loss_stated = args.has("loss");
      },
      [](const TrainerConfig& t, nlohmann::json& out) { out["loss"] = t.loss; });
}

KeySpec<TrainerConfig> early_stopping_key() {
  return custom_key<TrainerConfig>(
      "early_stopping",
      {"stop after `patience` epochs whose validation loss did not fall by more than "
       "`min_delta`; 0 never stops early",
       "`{patience, min_delta, metric}`", "`{patience: 0, min_delta: 0, metric: val_loss}`"},
      [](const Args& args, TrainerConfig& t, const ExperimentConfig&) {
        in_section("early_stopping", [&] {
          const Args stop(args.section("early_stopping"));
          stop.allow_only({"patience", "min_delta", "metric"});
          const auto patience = stop.integer("patience", 0);
          require_at_least("patience", patience, 0);
          t.early_stopping.patience = static_cast<int>(std::min<std::int64_t>(patience, 1000000));
          t.early_stopping.min_delta = stop.number("min_delta", 0.0);
          if (t.early_stopping.min_delta < 0)
            throw ConfigError("min_delta", "must not be negative");
          if (stop.text("metric", "val_loss") != "val_loss")
            throw ConfigError("metric", "only val_loss can be watched");
          return 0;
        });
      },
      [](const TrainerConfig& t, nlohmann::json& out) {
        out["early_stopping"] = {{"patience", t.early_stopping.patience},
                                 {"min_delta", t.early_stopping.min_delta}};
      });
}

KeySpec<TrainerConfig> schedule_key() {
  const std::string type = keys_detail::one_of(lr_schedule_names(), "`");
  return custom_key<TrainerConfig>(
             "schedule",
             {"the learning rate over the training, set at every step: `cosine` falls from "
              "`lr` to 0 along half a cosine; `onecycle` rises from `lr`/25 to `lr` over the "
              "warm-up (30% of the epochs unless `warmup_epochs` says), then falls to "
              "`lr`/10⁴ along half a cosine; `coslog4` is RealMLP's (Holzmüller et al. 2024) "
              "`0.5 (1 - cos(2π log2(1 + 15t)))`, four ever longer cycles. The per-epoch `lr` "
              "column records each epoch's mean rate. The hand-written step, the fused Adam "
              "and the GPU's recorded steps follow it",
              type, "`constant`"},
             [](const Args& args, TrainerConfig& t, const ExperimentConfig&) {
               t.schedule = args.text("schedule", t.schedule);
               const auto& schedules = lr_schedule_names();
               if (std::find(schedules.begin(), schedules.end(), t.schedule) == schedules.end())
                 throw ConfigError("schedule",
                                   unknown_name_message("schedule", t.schedule, schedules));
             },
             [](const TrainerConfig& t, nlohmann::json& out) { out["schedule"] = t.schedule; })
      .stated_when(when_set(&TrainerConfig::schedule));
}

// A warm-up must leave epochs at the schedule's rate.
void check_warmup(const Args&, TrainerConfig& t, const ExperimentConfig&) {
  if (t.warmup_epochs >= t.epochs)
    throw ConfigError("warmup_epochs",
                      fmt::format("a warm-up of {:g} epochs leaves none of the {} epochs to train "
                                  "at the schedule's rate (make it shorter than epochs)",
                                  t.warmup_epochs, t.epochs));
}

SectionKeys<TrainerConfig> declare_trainer_keys() {
  return SectionKeys<TrainerConfig>(
      {
          text_key("optimizer", &TrainerConfig::optimizer,
                   {"adam, adamw, sgd, rmsprop, adagrad", "name"}),
          mapping_key(
              "optimizer_args", &TrainerConfig::optimizer_args,
              {"adam/adamw: `betas` [0.9, 0.999], `eps` 1e-8, `amsgrad` false; sgd: `momentum` "
               "0, `dampening` 0, `nesterov` false; rmsprop: `alpha` 0.99, `eps` 1e-8, "
               "`momentum` 0, `centered` false; adagrad: `lr_decay` 0, "
               "`initial_accumulator_value` 0, `eps` 1e-10"}),
          number_key("lr", &TrainerConfig::lr, {"learning rate"}, NumberCheck::positive()),
          number_key("weight_decay", &TrainerConfig::weight_decay,
                     {"the optimizer's weight decay (L2 penalty; decoupled for adamw)"},
                     NumberCheck::not_negative()),
          integer_key(
              "batch_size", &TrainerConfig::batch_size,
              {"rows per step; a last batch of one row joins the one before (BatchNorm cannot "
               "train on one row)"},
              1),
          integer_key("epochs", &TrainerConfig::epochs,
                      {"the most epochs a trial trains (early stopping may end it sooner)"}, 1,
                      1000000),
          loss_key(),
          mapping_key(
              "loss_args", &TrainerConfig::loss_args,
              {"huber: `delta` 1; cross_entropy: `label_smoothing` 0 (in [0, 1)), "
               "`class_weights` (one per class, in the classes' sorted order). They go with "
               "the loss that is used, also the task's default (`validate` and the stored "
               "configuration name it)"}),
          early_stopping_key(),
          schedule_key(),
          number_key("warmup_epochs", &TrainerConfig::warmup_epochs,
                     {"the rate rises linearly from 0 to the schedule's over this many epochs "
                      "(fractions of an epoch count by steps)",
                      "number ≥ 0, below `epochs`"},
                     NumberCheck::not_negative())
              .stated_when(when_set(&TrainerConfig::warmup_epochs)),
          number_key(
              "grad_clip", &TrainerConfig::grad_clip,
              {"the largest norm of the gradient, over all parameters together, before each "
               "update (as PyTorch's `clip_grad_norm_`)",
               "", "0 (none)"},
              NumberCheck::not_negative("must be a largest gradient norm above 0, or 0 for none"))
              .stated_when(when_set(&TrainerConfig::grad_clip)),
          boolean_key(
              "fast_path", &TrainerConfig::fast_path,
              {"the built-in optimizers update all parameters as one flat buffer (a few "
               "operations per step instead of a few per parameter tensor), and Adam and AdamW "
               "on the CPU in one fused pass over it; `false` updates them tensor by tensor, "
               "as LibTorch's optimizers do. The same math, but not bit for bit: rounding "
               "differs in the last place, which a long training on unscaled targets can "
               "amplify"}),
      },
      check_warmup);
}

}  // namespace

const SectionKeys<TrainerConfig>& trainer_keys() {
  static const SectionKeys<TrainerConfig> keys = declare_trainer_keys();
  return keys;
}

}  // namespace tunelab
