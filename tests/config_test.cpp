#include <doctest/doctest.h>

#include "common/errors.h"
#include "config/experiment_loader.h"
#include "runner/checks/experiment_checks.h"
#include "support.h"

using tunelab::load_experiment_text;

namespace {

const std::string kMinimal = "name: t\ndata: {dataset: diabetes}\n";

std::string error_of(const std::string& text, const std::vector<std::string>& sets = {}) {
  try {
    const auto experiment = load_experiment_text(text, "exp.yaml", sets);
    try {
      tunelab::check_experiment(experiment, tunelab::test::builtins());
    } catch (const tunelab::ConfigError& e) {
      throw experiment.places.locate(e);
    }
  } catch (const tunelab::InputError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_SUITE("experiment files") {
  TEST_CASE("defaults fill what the file leaves out") {
    const auto c = load_experiment_text(kMinimal, "exp.yaml").config;
    CHECK(c.name == "t");
    CHECK(c.seed == 0);
    CHECK(c.device == "auto");
    CHECK(c.model.name == "resnet");
    CHECK(c.trainer.optimizer == "adam");
    CHECK(c.trainer.lr == 1e-3);
    CHECK(c.trainer.batch_size == 64);
    CHECK(c.data.split.train == 0.6);
    CHECK_FALSE(c.data.standardize_x);
  }

  TEST_CASE("values are typed as YAML 1.2 says and quoted values stay text") {
    const auto c = load_experiment_text(
                       "name: '123'\nseed: 0x10\ndata: {dataset: diabetes}\ntrainer: {lr: 1e-2, "
                       "epochs: 3.0}\n",
                       "exp.yaml")
                       .config;
    CHECK(c.name == "123");
    CHECK(c.seed == 16);
    CHECK(c.trainer.lr == 0.01);
    CHECK(c.trainer.epochs == 3);
  }

  TEST_CASE("--set overrides any value and creates missing keys and is checked like the file") {
    const auto c = load_experiment_text(kMinimal, "exp.yaml",
                                        {"trainer.lr=0.05", "model.c_hidden=[8, 8, 8]",
                                         "data.args.seed=3", "model.act_fn=gelu"})
                       .config;
    CHECK(c.trainer.lr == 0.05);
    CHECK(c.model.settings.at("c_hidden") == nlohmann::json({8, 8, 8}));
    CHECK(c.model.settings.at("act_fn") == "gelu");
    CHECK(error_of(kMinimal, {"trainer.lr=fast"}) ==
          "--set trainer.lr=fast: trainer.lr: expected a number, got the text 'fast'");
    CHECK(error_of(kMinimal, {"trainer.lr"}) == "--set trainer.lr: expected key.path=value");
    CHECK(error_of(kMinimal, {"name.first=x"}) ==
          "--set name.first=x: 'name' holds a single value, not a mapping");
    CHECK(error_of(kMinimal, {"model.act_fn=rellu"}) ==
          "--set model.act_fn=rellu: model.act_fn: unknown activation 'rellu' (did you mean "
          "'relu'?)");
  }

  TEST_CASE("mistakes point at file:line:column with the dotted key") {
    CHECK(error_of("name: t\ndata:\n  dataset: diabetis\n") ==
          "exp.yaml:3:12: data.dataset: unknown dataset 'diabetis' (did you mean 'diabetes'?)");
    CHECK(error_of(kMinimal + "model:\n  block: ResNetBlok\n") ==
          "exp.yaml:4:10: model.block: unknown block 'ResNetBlok' (did you mean 'ResNetBlock'?)");
    CHECK(error_of(kMinimal + "trainer:\n  optimiser: sgd\n") ==
          "exp.yaml:4:3: trainer.optimiser: unknown key, did you mean 'optimizer'? (allowed: "
          "optimizer, optimizer_args, lr, "
          "weight_decay, batch_size, epochs, loss, loss_args, early_stopping, schedule, "
          "warmup_epochs, grad_clip, fast_path)");
    CHECK(error_of(kMinimal + "trainer: {optimizer: sgdd}\n") ==
          "exp.yaml:3:22: trainer.optimizer: unknown optimizer 'sgdd' (did you mean 'sgd'?)");
    CHECK(error_of(kMinimal + "trainer: {lr: 0}\n") ==
          "exp.yaml:3:15: trainer.lr: must be greater than 0, got 0");
    CHECK(error_of(kMinimal + "trainer: {batch_size: 2.5}\n") ==
          "exp.yaml:3:23: trainer.batch_size: expected an integer, got the number 2.5");
    CHECK(error_of(kMinimal + "trainer: {optimizer: sgd, optimizer_args: {momentum: -1}}\n") ==
          "exp.yaml:3:54: trainer.optimizer_args.momentum: must not be negative");
    CHECK(error_of(kMinimal + "trainer: {loss: huber, loss_args: {delta: 0}}\n") ==
          "exp.yaml:3:43: trainer.loss_args.delta: must be greater than 0, got 0");
    CHECK(error_of("name: t\ndata: {dataset: diabetes, split: {train: 0.5, val: 0.2}}\n") ==
          "exp.yaml:2:34: data.split: fractions must sum to 1, got 0.5 + 0.2 + 0 = 0.7");
    CHECK(error_of(kMinimal + "model: {c_hidden: [64, x]}\n") ==
          "exp.yaml:3:24: model.c_hidden[1]: expected an integer, got the text 'x'");
  }

  TEST_CASE(
      "structure errors: duplicates and syntax and missing sections and wrong kinds of value") {
    CHECK(error_of("name: a\nname: b\n") ==
          "exp.yaml:2:1: name: duplicate key (it appears more than once here)");
    CHECK(error_of("name: [a\n") ==
          "exp.yaml:2:1: YAML syntax error: end of sequence flow not found");
    CHECK(error_of("name: t\n") ==
          "exp.yaml:1:1: data: missing: an experiment needs a data section (or an objective to "
          "evaluate)");
    CHECK(error_of("- a\n- b\n") ==
          "exp.yaml:1:1: an experiment file is a mapping with name, data, model and trainer");
    CHECK(error_of("name: t\ndata: diabetes\n") ==
          "exp.yaml:2:7: data: expected a mapping of arguments, got the text 'diabetes'");
    CHECK(error_of("data: {dataset: diabetes}\n") == "exp.yaml:1:1: name: missing required value");
    CHECK(error_of(kMinimal + "seed: -1\n") == "exp.yaml:3:7: seed: must be at least 0, got -1");
    CHECK(error_of(kMinimal + "device: gpu\n") ==
          "exp.yaml:3:9: device: 'gpu' is not a device (auto, cpu, cuda or cuda:K)");
  }
}

TEST_SUITE("experiment files: search") {
  const std::string kBase = "name: t\ndata: {dataset: diabetes}\nsearch:\n  trials: 4\n  space:\n";

  TEST_CASE("each mistake in the search section points at its place") {
    CHECK(error_of(kBase + "    trainer.lr: {type: float, low: 0.1, high: 0.01}\n") ==
          "exp.yaml:6:47: search.space.trainer.lr.high: must be greater than low (0.1 >= 0.01)");
    CHECK(error_of(kBase + "    trainer.lr: {type: float, low: 0, high: 0.1, log: true}\n") ==
          "exp.yaml:6:36: search.space.trainer.lr.low: must be greater than 0 for a log scale, got "
          "0");
    CHECK(error_of(kBase + "    model.act_fn: {type: categorical, choices: []}\n") ==
          "exp.yaml:6:48: search.space.model.act_fn.choices: must not be empty");
    CHECK(error_of(kBase + "    model.act_fn: {type: categorical, choices: [relu, rellu]}\n") ==
          "exp.yaml:6:55: search.space.model.act_fn.choices[1]: unknown activation 'rellu' (did "
          "you mean 'relu'?)");
    CHECK(error_of(kBase + "    model.block: {type: categorical, choices: [ResNetBlok]}\n") ==
          "exp.yaml:6:48: search.space.model.block.choices[0]: unknown block 'ResNetBlok' (did you "
          "mean "
          "'ResNetBlock'?)");
    CHECK(error_of(kBase + "    trainer.learning_rate: {type: float, low: 0.001, high: 0.1}\n") ==
          "exp.yaml:6:5: search.space.trainer.learning_rate: unknown key (allowed: "
          "optimizer, optimizer_args, lr, weight_decay, batch_size, epochs, loss, loss_args, "
          "early_stopping, schedule, warmup_epochs, grad_clip, fast_path)");
    CHECK(error_of(kBase + "    trainer.batch_size: {type: float, low: 1.5, high: 8}\n") ==
          "exp.yaml:6:44: search.space.trainer.batch_size.low: expected an integer, got the number "
          "1.5");
    CHECK(error_of(kBase + "    trainer.lr: {type: float, low: 0.001, hi: 0.1}\n") ==
          "exp.yaml:6:43: search.space.trainer.lr.hi: unknown key, did you mean 'high'? (allowed: "
          "type, low, high, log, step, when)");
    CHECK(error_of(kBase + "    trainer.lr: {type: float, low: 0.001}\n") ==
          "exp.yaml:6:17: search.space.trainer.lr.high: missing required value");
    CHECK(error_of(kBase + "    trainer.lr: {type: float, low: x, high: 1}\n") ==
          "exp.yaml:6:36: search.space.trainer.lr.low: expected a number, got the text 'x'");
    CHECK(error_of(kBase + "    name: {type: categorical, choices: [a, b]}\n") ==
          "exp.yaml:6:11: search.space.name: cannot be searched over");
    CHECK(error_of("name: t\ndata: {dataset: diabetes}\nsearch: {sampler: randon}\n") ==
          "exp.yaml:3:19: search.sampler: unknown sampler 'randon' (did you mean 'random'?)");
    CHECK(error_of(
              "name: t\ndata: {dataset: diabetes}\nsearch: {sampler: {name: grid, points: 0}}\n") ==
          "exp.yaml:3:40: search.sampler.points: must be at least 1, got 0");
    CHECK(error_of("name: t\ndata: {dataset: diabetes}\nsearch: {timeout: soon}\n") ==
          "exp.yaml:3:19: search.timeout: expected a duration such as 90s, 10m or 2h, got 'soon'");
    CHECK(error_of("name: t\ndata: {dataset: diabetes}\nsearch: {trials: 0}\n") ==
          "exp.yaml:3:18: search.trials: must be at least 1, got 0");
    CHECK(error_of("name: t\ndata: {dataset: diabetes}\nsearch: {metric: accuracy}\n") ==
          "exp.yaml:3:18: search.metric: unknown metric 'accuracy' (did you mean 'val_accuracy'?)");
    CHECK(error_of("name: t\ndata: {dataset: diabetes, split: {train: 1.0}}\nsearch:\n  space:\n"
                   "    trainer.lr: {type: float, low: 0.001, high: 0.1}\n") ==
          "exp.yaml:4:3: search.metric: val_loss needs a validation split (data.split.val > 0)");
  }

  TEST_CASE("timeouts read as durations") {
    const auto timeout = [](const std::string& value) {
      return load_experiment_text(
                 "name: t\ndata: {dataset: diabetes}\nsearch: {timeout: " + value + "}\n",
                 "exp.yaml")
          .config.search.timeout_seconds;
    };
    CHECK(timeout("90") == 90);
    CHECK(timeout("90s") == 90);
    CHECK(timeout("10m") == 600);
    CHECK(timeout("1.5h") == 5400);
  }
}
