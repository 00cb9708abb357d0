// The experiment file's top-level keys (config/key_spec.h), and its sections
// read through their own declarations.

#include "config/experiment_keys.h"

#include "common/near_matches.h"
#include "config/experiment.h"

namespace tunelab {
namespace {

// What trains is not there for an objective experiment: the function is
// evaluated instead.
bool trains(const ExperimentConfig& c) { return !c.evaluates_objective(); }

KeySpec<ExperimentConfig> objective_key() {
  return custom_key<ExperimentConfig>(
             "objective",
             {"evaluate a function instead of training: see below", "name, or `{name, ...}`",
              "none"},
             [](const Args& args, ExperimentConfig& c, const ExperimentConfig&) {
               if (!args.has("objective")) return;
               std::tie(c.objective.name, c.objective.section) =
                   named_section(args, "objective", "");
               if (c.objective.name.empty())
                 throw ConfigError("objective", "needs a name: one of the registered objectives");
               for (const char* section : {"data", "model", "trainer"})
                 if (args.has(section))
                   throw ConfigError(section,
                                     fmt::format("an objective experiment does not train: "
                                                 "objective '{}' is evaluated instead (remove {})",
                                                 c.objective.name, section),
                                     ConfigError::About::key);
             },
             [](const ExperimentConfig& c, nlohmann::json& out) {
               out["objective"] = named_json(c.objective.name, c.objective.section);
             })
      .stated_when([](const ExperimentConfig& c) { return c.evaluates_objective(); });
}

// A section read and stated through its own keys; `training`: one that an
// objective experiment does not have.
template <typename Section>
KeySpec<ExperimentConfig> section_key(std::string key, Section ExperimentConfig::*field,
                                      const SectionKeys<Section>& (*keys)(), KeyDoc doc,
                                      bool training = true) {
  auto spec = custom_key<ExperimentConfig>(
      key, std::move(doc),
      [key, field, keys, training](const Args& args, ExperimentConfig& c, const ExperimentConfig&) {
        if (training && !trains(c)) return;
        in_section(key, [&] {
          keys().read_into(args.section(key), c.*field, c);
          return 0;
        });
      },
      [key, field, keys](const ExperimentConfig& c, nlohmann::json& out) {
        out[key] = keys().write(c.*field);
      });
  if (training) spec.stated = trains;
  return spec;
}

KeySpec<ExperimentConfig> data_key() {
  KeySpec<ExperimentConfig> key =
      section_key("data", &ExperimentConfig::data, data_keys,
                  {"see below", "mapping", "required (unless `objective`)"});
  key.read = [read = key.read](const Args& args, ExperimentConfig& c,
                               const ExperimentConfig& so_far) {
    if (trains(c) && !args.has("data"))
      throw ConfigError("data",
                        "missing: an experiment needs a data section (or an objective to "
                        "evaluate)");
    read(args, c, so_far);
  };
  return key;
}

// model: {name, ...}: the name picks the model, the other keys are the
// model's own (its OptionSpecs check them when it is built).
KeySpec<ExperimentConfig> model_key() {
  return custom_key<ExperimentConfig>(
             "model", {"see below", "mapping", "`{name: resnet}`"},
             [](const Args& args, ExperimentConfig& c, const ExperimentConfig&) {
               if (!trains(c)) return;
               const nlohmann::json& json = args.section("model");
               in_section("model", [&] {
                 c.model.name = Args(json).text("name", c.model.name);
                 return 0;
               });
               c.model.settings = json.is_object() ? json : nlohmann::json::object();
               c.model.settings.erase("name");
             },
             [](const ExperimentConfig& c, nlohmann::json& out) {
               out["model"] = named_json(c.model.name, c.model.settings);
             })
      .stated_when(trains);
}

KeySpec<ExperimentConfig> plugins_key() {
  return custom_key<ExperimentConfig>(
             "plugins",
             {"plugin libraries to load (`.so` files, relative to the experiment file's folder)",
              "list of paths", "none"},
             [](const Args& args, ExperimentConfig& c, const ExperimentConfig&) {
               c.plugins = args.texts("plugins", {});
               for (std::size_t i = 0; i < c.plugins.size(); ++i)
                 if (c.plugins[i].empty())
                   throw ConfigError(fmt::format("plugins[{}]", i), "must not be empty");
             },
             [](const ExperimentConfig& c, nlohmann::json& out) { out["plugins"] = c.plugins; })
      .stated_when([](const ExperimentConfig& c) { return !c.plugins.empty(); });
}

// A single run without validation rows is judged by its training loss: the
// metric by default then, rather than a val_loss it would not have. (A
// search needs held-out rows: check_experiment says so.)
void judge_single_run_by_training_loss(const Args& args, ExperimentConfig& c,
                                       const ExperimentConfig&) {
  const auto& search = args.section("search");
  const bool metric_named =
      search.is_object() && (search.contains("metric") || search.contains("objectives"));
  if (trains(c) && !metric_named && c.search.space.empty() && c.data.split.val <= 0 &&
      c.data.folds < 2)
    c.search.objectives = {Objective{"train_loss", Direction::minimize}};
}

SectionKeys<ExperimentConfig> declare_experiment_keys() {
  return SectionKeys<ExperimentConfig>(
      {
          required_text_key("name", &ExperimentConfig::name, {"the experiment's name"}),
          text_key("description", &ExperimentConfig::description, {"free text", "", "none"})
              .stated_when(when_set(&ExperimentConfig::description)),
          integer_key("seed", &ExperimentConfig::seed, {"root seed of every random choice"}, 0),
          text_key("device", &ExperimentConfig::device,
                   {"`auto` (CUDA when present), `cpu`, `cuda`, `cuda:K`"}),
          choice_key("task", &ExperimentConfig::task,
                     {{"auto", Task::automatic},
                      {"regression", Task::regression},
                      {"classification", Task::classification}},
                     {"`regression`, `classification`, or `auto`: classification when the target "
                      "holds any cell that is not a number, else regression. `classification` of a "
                      "numeric target makes its distinct values the classes (labels 0/1, ratings "
                      "1..5)"})
              .stated_when(when_set(&ExperimentConfig::task)),
          plugins_key(),
          objective_key(),
          data_key(),
          model_key(),
          section_key("trainer", &ExperimentConfig::trainer, trainer_keys,
                      {"see below", "mapping", "see below"}),
          section_key("search", &ExperimentConfig::search, search_keys,
                      {"see below", "mapping", "one trial, no space"}, false),
      },
      judge_single_run_by_training_loss);
}

}  // namespace

const SectionKeys<ExperimentConfig>& experiment_keys() {
  static const SectionKeys<ExperimentConfig> keys = declare_experiment_keys();
  return keys;
}

std::vector<std::string> key_sections() { return {"top", "data", "trainer", "search"}; }

std::string key_table(const std::string& section) {
  if (section == "top") return experiment_keys().markdown_table();
  if (section == "data") return data_keys().markdown_table();
  if (section == "trainer") return trainer_keys().markdown_table();
  if (section == "search") return search_keys().markdown_table();
  throw UnknownNameError(unknown_name_message("section", section, key_sections()));
}

}  // namespace tunelab
