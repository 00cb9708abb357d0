// The search section's keys (config/key_spec.h): what a trial is judged by,
// the space, the budget, the sampler and pruner, and what runs first or
// after.

#include <fmt/format.h>

#include <algorithm>
#include <regex>

#include "common/metric_catalogue.h"
#include "common/near_matches.h"
#include "config/experiment.h"
#include "config/experiment_keys.h"

namespace tunelab {
namespace {

// A metric a trained trial records (an objective experiment's metrics are
// its function's outputs, checked once the function is known).
void check_metric_name(const std::string& metric, bool objective) {
  if (objective) return;
  const auto names = metric_names();
  if (std::find(names.begin(), names.end(), metric) == names.end())
    throw ConfigError("metric", unknown_name_message("metric", metric, names));
}

// One objective's metric and direction from the mapping `args` (its keys
// `metric` and `direction`). An objective experiment's metrics are its
// function's outputs, checked once the function is known.
Objective read_objective(const Args& args, bool objective) {
  Objective o;
  o.metric = args.text("metric", objective ? "value" : "val_loss");
  check_metric_name(o.metric, objective);
  o.direction = natural_direction(o.metric);
  if (args.has("direction")) {
    const std::string direction = args.text("direction");
    const auto named = direction_named(direction);
    if (!named)
      throw ConfigError("direction",
                        fmt::format("expected minimize or maximize, got '{}'", direction));
    o.direction = *named;
  }
  return o;
}

// search.metric and search.direction: the one objective, unless
// search.objectives names several.
KeySpec<SearchConfig> metric_key() {
  return custom_key<SearchConfig>(
      "metric",
      {"what a trial is judged by, of the kept weights. The losses are in the units "
       "the model trains in; the others in the target's own units (RMSE in its units, "
       "AUC macro one-vs-rest for more than two classes), computed on the split's rows "
       "(under `folds`: `val_*` is the mean over the folds, `test_*` the ensemble's). "
       "Every trial records all of its task's metrics (`tunelab show`, the `metrics` "
       "view). `val_*` needs `data.split.val > 0` (or `folds`), `test_*` needs "
       "`data.split.test > 0`; a metric of the other task is an error. A split whose "
       "part holds no row, or rows of one class for an AUC or F1, is refused before "
       "any trial, with each class's rows per split; a trial whose metric has no value "
       "all the same (a fold without the second class) fails with the reason, and a "
       "mean over the folds is taken only where every fold has the metric",
       "`val_loss`, `test_loss`, `train_loss`; regression: `val_rmse`, `val_mae`, "
       "`val_r2` and `test_...`; classification: `val_accuracy`, `val_logloss`, "
       "`val_auc`, `val_f1` (two classes) and `test_...`; `value` for an objective",
       "`val_loss` (`value`; `train_loss` for a single run without validation rows, "
       "such as the chapter's example)"},
      [](const Args& args, SearchConfig& s, const ExperimentConfig& so_far) {
        if (args.has("objectives")) {
          for (const char* key : {"metric", "direction"})
            if (args.has(key))
              throw ConfigError(key,
                                "search.objectives names the metrics and their directions: give "
                                "one or the other");
          return;
        }
        const bool objective = so_far.evaluates_objective();
        s.objectives = {read_objective(args, objective)};
        if (objective && s.objectives[0].metric != "value")
          throw ConfigError("metric",
                            fmt::format("an objective experiment searches the function's value: "
                                        "expected value, got '{}' (search.objectives names a "
                                        "function's several outputs)",
                                        s.objectives[0].metric));
      },
      [](const SearchConfig& s, nlohmann::json& out) {
        if (!s.several_objectives()) out["metric"] = s.objectives.at(0).metric;
      });
}

KeySpec<SearchConfig> direction_key() {
  return custom_key<SearchConfig>(
      "direction",
      {"accuracy, AUC, F1 and R² are maximised, losses and errors minimised. The best "
       "trial, `trials --top`, the report, the kept weights, the `best_trials` view "
       "and the Optuna export follow it; samplers see maximised values negated. "
       "Pruners judge the per-epoch validation loss, which is always minimised",
       "`minimize` or `maximize`", "the metric's own"},
      // Read with its metric (above).
      [](const Args&, SearchConfig&, const ExperimentConfig&) {},
      // Stated only against the metric's nature, so that files from before
      // directions keep their configuration.
      [](const SearchConfig& s, nlohmann::json& out) {
        const Objective& o = s.objectives.at(0);
        if (!s.several_objectives() && o.direction != natural_direction(o.metric))
          out["direction"] = to_string(o.direction);
      });
}

// search.objectives: a list of {metric, direction} mappings (or metric names).
std::vector<Objective> read_objectives(const nlohmann::json& list, bool objective) {
  if (!list.is_array() || list.empty())
    throw ConfigError("",
                      "expected a list of objectives, such as [{metric: val_rmse}, {metric: "
                      "n_params}]");
  std::vector<Objective> out;
  for (std::size_t i = 0; i < list.size(); ++i)
    in_section(fmt::format("[{}]", i), [&] {
      const nlohmann::json entry =
          list[i].is_string() ? nlohmann::json{{"metric", list[i]}} : list[i];
      if (!entry.is_object())
        throw ConfigError("", "expected {metric: NAME} with an optional direction");
      const Args args(entry);
      args.allow_only({"metric", "direction"});
      if (!args.has("metric")) throw ConfigError("metric", "missing: the metric to optimise");
      out.push_back(read_objective(args, objective));
      for (std::size_t j = 0; j + 1 < out.size(); ++j)
        if (out[j].metric == out.back().metric)
          throw ConfigError("metric", fmt::format("{} is objective {} already", out[j].metric, j));
      return 0;
    });
  return out;
}

KeySpec<SearchConfig> objectives_key() {
  return custom_key<SearchConfig>(
      "objectives",
      {"several objectives to trade against each other, in place of `metric` and "
       "`direction`: any metric above, or what a trial costs — `n_params` (the model's "
       "trainable numbers; one fold model's under `data.folds`), `train_seconds` (its "
       "training's wall-clock time) and `predict_ms_per_1k_rows` (milliseconds per "
       "1,000 rows of a forward pass over the training rows), which every trained "
       "trial records — or, for an objective experiment, the function's outputs (`[f1, "
       "f2]` for `zdt1`). Each has its natural direction unless `direction` says "
       "otherwise. `--set search.objectives=[...]` replaces the file's `metric` and "
       "`direction` (and `--set search.metric=...` its `objectives`). A study of "
       "several objectives has a Pareto front instead of one best trial (`tunelab "
       "best`, `trials --pareto`, the `pareto_trials` view); its sampler must handle "
       "several objectives (every built-in one does: `gp` with expected hypervolume "
       "improvement, `tpe` as MOTPE, `nsga2`, `auto`, and those that read no history; "
       "a plugin's sampler says whether it does), its pruner compares them by "
       "dominance or decides on the one it names (see the pruners below), and its "
       "first objective decides which trial's weights `--keep-weights best` keeps. The "
       "times vary from run to run, so a study that optimises them does not reproduce "
       "exactly",
       "list of `{metric: NAME, direction: minimize\\|maximize}` (or names)", "none"},
      [](const Args& args, SearchConfig& s, const ExperimentConfig& so_far) {
        if (!args.has("objectives")) return;
        s.objectives = in_section("objectives", [&] {
          return read_objectives(args.section("objectives"), so_far.evaluates_objective());
        });
      },
      [](const SearchConfig& s, nlohmann::json& out) {
        if (!s.several_objectives()) return;
        for (const auto& o : s.objectives)
          out["objectives"].push_back(
              {{"metric", o.metric}, {"direction", to_string(o.direction)}});
      });
}

nlohmann::json dimension_json(const Dimension& d) {
  if (d.kind == Dimension::Kind::categorical)
    return {{"type", "categorical"}, {"choices", d.choices}};
  const bool integer = d.kind == Dimension::Kind::integer;
  nlohmann::json dim = {{"type", integer ? "int" : "float"}, {"log", d.log}};
  dim["low"] = integer ? nlohmann::json(static_cast<std::int64_t>(d.low)) : nlohmann::json(d.low);
  dim["high"] =
      integer ? nlohmann::json(static_cast<std::int64_t>(d.high)) : nlohmann::json(d.high);
  if (d.step) dim["step"] = *d.step;
  if (!d.transform.empty()) dim["transform"] = d.transform;
  return dim;
}

KeySpec<SearchConfig> space_key() {
  return custom_key<SearchConfig>(
      "space", {"what varies", "mapping from dotted paths to dimensions", "none"},
      [](const Args& args, SearchConfig& s, const ExperimentConfig&) {
        s.space = in_section("space", [&] { return read_search_space(args.section("space")); });
        if (args.has("space") && s.space.empty())
          throw ConfigError("space",
                            "is empty: name at least one path to search over (or leave space out "
                            "for a single run)");
        for (const auto& d : s.space.dimensions)
          if (d.path == "name" || d.path.rfind("search", 0) == 0 || d.path == "device" ||
              d.path == "task" || d.path.rfind("plugins", 0) == 0)
            throw ConfigError("space." + d.path, "cannot be searched over");
      },
      [](const SearchConfig& s, nlohmann::json& out) {
        nlohmann::json space = nlohmann::json::object();
        for (const auto& d : s.space.dimensions) space[d.path] = dimension_json(d);
        out["space"] = space;
      });
}

KeySpec<SearchConfig> trials_key() {
  KeySpec<SearchConfig> key =
      integer_key("trials", &SearchConfig::trials,
                  {"the budget of finished trials (`--trials` overrides it)", "",
                   "1 without a space, 20 with one"},
                  1, 1000000);
  // Left out: one trial of a single run, 20 of a search (the space is read).
  key.read = [read = std::move(key.read)](const Args& args, SearchConfig& s,
                                          const ExperimentConfig& so_far) {
    s.trials = s.space.empty() ? 1 : 20;
    read(args, s, so_far);
  };
  return key;
}

// "90", "90s", "10m", "1.5h" or a number of seconds.
double read_duration(const Args& args, const std::string& key) {
  const auto& value = args.section(key);
  if (value.is_null()) return 0;
  if (value.is_number()) {
    const double seconds = args.number(key);
    if (seconds < 0) throw ConfigError(key, "must not be negative");
    return seconds;
  }
  static const std::regex duration_re("([0-9]+(\\.[0-9]*)?)\\s*(s|m|h)?");
  std::smatch match;
  const std::string text = value.is_string() ? value.get<std::string>() : value.dump();
  if (!value.is_string() || !std::regex_match(text, match, duration_re))
    throw ConfigError(key,
                      fmt::format("expected a duration such as 90s, 10m or 2h, got '{}'", text));
  const double amount = std::stod(match[1].str());
  const std::string unit = match[3].str();
  return amount * (unit == "h" ? 3600 : unit == "m" ? 60 : 1);
}

KeySpec<SearchConfig> timeout_key() {
  return custom_key<SearchConfig>(
      "timeout",
      {"no trial starts after it; a running trial finishes",
       "duration (`90s`, `10m`, `2h`, or seconds)", "none"},
      [](const Args& args, SearchConfig& s, const ExperimentConfig&) {
        s.timeout_seconds = read_duration(args, "timeout");
      },
      [](const SearchConfig& s, nlohmann::json& out) { out["timeout"] = s.timeout_seconds; });
}

KeySpec<SearchConfig> sampler_key() {
  return custom_key<SearchConfig>(
      "sampler",
      {"`random`; `lhs` (Latin hypercube over the trial budget); `sobol` (scrambled "
       "Sobol sequence); `grid` (`points` per continuous range, 5; `shuffle`, true); "
       "`tpe`, `gp` and `auto` (options below)",
       "name, or `{name, ...options}`", "`random`"},
      [](const Args& args, SearchConfig& s, const ExperimentConfig&) {
        std::tie(s.sampler, s.sampler_args) = named_section(args, "sampler", s.sampler);
      },
      [](const SearchConfig& s, nlohmann::json& out) {
        out["sampler"] = named_json(s.sampler, s.sampler_args);
      });
}

KeySpec<SearchConfig> pruner_key() {
  return custom_key<SearchConfig>(
      "pruner",
      {"`none`; `median`; `percentile`; `successive_halving`; `hyperband` (options "
       "below); `objective` names the one objective it decides on (below)",
       "name, or `{name, objective: METRIC, ...options}`", "`none`"},
      [](const Args& args, SearchConfig& s, const ExperimentConfig&) {
        std::tie(s.pruner, s.pruner_args) = named_section(args, "pruner", s.pruner);
        // The objective a pruner decides on is the study's to resolve
        // (runner's PruningCurves), not the pruner's option.
        if (!s.pruner_args.contains("objective")) return;
        const auto& named = s.pruner_args["objective"];
        if (!named.is_string() || named.get<std::string>().empty())
          throw ConfigError("pruner.objective",
                            "expected the name of one of the study's objectives, such as val_rmse");
        s.pruner_objective = named.get<std::string>();
        s.pruner_args.erase("objective");
      },
      [](const SearchConfig& s, nlohmann::json& out) {
        out["pruner"] = named_json(s.pruner, s.pruner_args);
        if (!s.pruner_objective.empty()) out["pruner"]["objective"] = s.pruner_objective;
      });
}

// search.enqueue: a list of mappings from dimensions of the space to values
// they can take.
KeySpec<SearchConfig> enqueue_key() {
  return custom_key<SearchConfig>(
             "enqueue",
             {"configurations to try first, in order: trial k runs the k-th one's values, and "
              "the params it leaves out as the sampler proposes them (`[{trainer.lr: 0.01, "
              "model.block: ResNetBlock}, {trainer.lr: 0.003}]`). Each value is checked "
              "against its dimension (range, integer, steps, powers of 2, choices) before "
              "anything runs; at most `trials` of them. The trials are stored with "
              "`proposed_by` = `enqueued`, and the sampler sees them as history. Under `grid` "
              "they take the places of the grid's first points. `tunelab enqueue STUDY --set "
              "key=value ...` adds one to a study in a store, running or not: its next new "
              "trial runs it",
              "list of mappings from dimensions of `space` to values", "none"},
             [](const Args& args, SearchConfig& s, const ExperimentConfig&) {
               const auto& list = args.section("enqueue");
               if (list.is_null()) return;
               if (!list.is_array())
                 throw ConfigError(
                     "enqueue", "expected a list of configurations, such as [{trainer.lr: 0.01}]");
               for (std::size_t i = 0; i < list.size(); ++i)
                 s.enqueue.push_back(
                     checked_configuration(s.space, list[i], fmt::format("enqueue[{}]", i)));
               if (static_cast<int>(s.enqueue.size()) > s.trials)
                 throw ConfigError("enqueue",
                                   fmt::format("{} configurations to try first, but trials is {}",
                                               s.enqueue.size(), s.trials));
             },
             [](const SearchConfig& s, nlohmann::json& out) { out["enqueue"] = s.enqueue; })
      .stated_when([](const SearchConfig& s) { return !s.enqueue.empty(); });
}

// {study: NAME, storage: URL} (storage optional), or a study's name alone.
SearchConfig::WarmStart read_warm_start_entry(const nlohmann::json& entry,
                                              const std::vector<SearchConfig::WarmStart>& earlier) {
  SearchConfig::WarmStart w;
  if (entry.is_string()) {
    w.study = entry.get<std::string>();
  } else if (entry.is_object()) {
    const Args args(entry);
    args.allow_only({"study", "storage"});
    w.study = args.text("study");
    w.storage = args.text("storage", "");
  } else {
    throw ConfigError("", "expected a study's name or {study: NAME, storage: URL}");
  }
  if (w.study.empty()) throw ConfigError(entry.is_object() ? "study" : "", "must not be empty");
  for (const auto& e : earlier)
    if (e.study == w.study && e.storage == w.storage)
      throw ConfigError(entry.is_object() ? "study" : "",
                        fmt::format("names study '{}' a second time: its trials would weigh "
                                    "twice in the sampler's history",
                                    w.study));
  return w;
}

KeySpec<SearchConfig> warm_start_key() {
  return custom_key<SearchConfig>(
             "warm_start",
             {"earlier studies the sampler learns from: their complete and pruned trials are "
              "its history before this study's own (they are neither copied in nor counted in "
              "`trials`). Each trial's params are cut to this space's dimensions; a dimension "
              "the earlier study did not search takes the value it ran with; a trial with a "
              "value outside this space is left out. The earlier study must be judged by the "
              "same metric and direction. `storage` names another store (default: this "
              "study's). The trials used are kept with the study when it is created (table "
              "`warm_start_trials`, docs/store.md), so a resumed study, its workers and a "
              "rerun of the same file propose the same, also after the earlier study changed "
              "or was deleted. Useful after `--resume` refused a changed file: run the "
              "changed file as a new study (`--study NAME`) warm-started from the old one",
              "a study's name, `{study: NAME, storage: URL}`, or a list of them", "none"},
             [](const Args& args, SearchConfig& s, const ExperimentConfig&) {
               const auto& section = args.section("warm_start");
               if (section.is_null()) return;
               const bool list = section.is_array();
               const std::size_t count = list ? section.size() : 1;
               for (std::size_t i = 0; i < count; ++i) {
                 const std::string at = list ? fmt::format("warm_start[{}]", i) : "warm_start";
                 s.warm_start.push_back(in_section(at, [&] {
                   return read_warm_start_entry(list ? section[i] : section, s.warm_start);
                 }));
               }
               if (!s.warm_start.empty() && s.space.empty())
                 throw ConfigError("warm_start",
                                   "a study without a search space has nothing to learn from "
                                   "earlier studies");
             },
             [](const SearchConfig& s, nlohmann::json& out) {
               for (const auto& w : s.warm_start) {
                 nlohmann::json entry = {{"study", w.study}};
                 if (!w.storage.empty()) entry["storage"] = w.storage;
                 out["warm_start"].push_back(entry);
               }
             })
      .stated_when([](const SearchConfig& s) { return !s.warm_start.empty(); });
}

// search.ensemble: {size: K, method: greedy | top}, for a study that
// trains models over a space.
SearchConfig::Ensemble read_ensemble(const nlohmann::json& section, const SearchConfig& s) {
  SearchConfig::Ensemble e;
  if (!section.is_object())
    throw ConfigError("", "expected {size: K, method: greedy | top}, such as {size: 5}");
  const Args args(section);
  args.allow_only({"size", "method"});
  const auto size = args.integer("size", 5);
  require_at_least("size", size, 1);
  if (size > s.trials)
    throw ConfigError("size",
                      fmt::format("is {}, more than the study's {} trials", size, s.trials));
  e.size = static_cast<int>(size);
  e.method = args.text("method", e.method);
  const std::vector<std::string> methods = {"greedy", "top"};
  if (std::find(methods.begin(), methods.end(), e.method) == methods.end())
    throw ConfigError("method", unknown_name_message("ensemble method", e.method, methods));
  if (s.space.empty())
    throw ConfigError("", "a study without a search space has one trial: nothing to ensemble");
  if (s.several_objectives())
    throw ConfigError("",
                      "a study of several objectives has a front, not one metric to "
                      "choose an ensemble by");
  return e;
}

KeySpec<SearchConfig> ensemble_key() {
  return custom_key<SearchConfig>(
             "ensemble",
             {"after the study's trials, an ensemble of them, kept in the store: `greedy` "
              "(the default; Caruana's selection: up to K picks with replacement, each the "
              "trial that makes the mean of the picks best on the validation rows, kept up to "
              "the first pick with the best score) or `top` (the K best trials, equally "
              "weighted). `size` (default 5) must be at least 1 and at most `trials`; a run "
              "that ends with fewer complete trials than `size` says so and builds none. Not "
              "for objective functions or several objectives. `tunelab predict --ensemble` "
              "uses it; [docs/querying.md](querying.md#an-ensemble-of-the-studys-trials) has "
              "the details and `tunelab ensemble`, which builds one for any study",
              "`{size: K, method: greedy \\| top}`", "none"},
             [](const Args& args, SearchConfig& s, const ExperimentConfig& so_far) {
               const auto& section = args.section("ensemble");
               if (section.is_null()) return;
               s.ensemble = in_section("ensemble", [&] { return read_ensemble(section, s); });
               if (so_far.evaluates_objective())
                 throw ConfigError("ensemble",
                                   "an objective function trains no models to ensemble");
             },
             [](const SearchConfig& s, nlohmann::json& out) {
               out["ensemble"] = {{"size", s.ensemble.size}, {"method", s.ensemble.method}};
             })
      .stated_when([](const SearchConfig& s) { return s.ensemble.size > 0; });
}

// One of search.constraints: {metric: NAME, max: X} and/or min.
Constraint read_constraint(const nlohmann::json& entry, const std::vector<Constraint>& earlier,
                           bool objective) {
  if (!entry.is_object())
    throw ConfigError("", "expected {metric: NAME, max: X} (or min: X, or both)");
  const Args args(entry);
  args.allow_only({"metric", "max", "min"});
  if (!args.has("metric")) throw ConfigError("metric", "missing: the metric to bound");
  Constraint c;
  c.metric = args.text("metric");
  check_metric_name(c.metric, objective);
  for (const auto& e : earlier)
    if (e.metric == c.metric)
      throw ConfigError("metric", fmt::format("{} is bounded already: give its min and max in one "
                                              "constraint",
                                              c.metric));
  if (args.has("max")) c.max = args.number("max");
  if (args.has("min")) c.min = args.number("min");
  if (!c.max && !c.min)
    throw ConfigError("", fmt::format("bounds nothing: give max, min or both, such as {{metric: "
                                      "{}, max: ...}}",
                                      c.metric));
  if (c.max && c.min && *c.min > *c.max)
    throw ConfigError("min",
                      fmt::format("{} is above max {}: no trial could keep both", *c.min, *c.max));
  return c;
}

KeySpec<SearchConfig> constraints_key() {
  return custom_key<SearchConfig>(
             "constraints",
             {"bounds a trial must keep to count: any metric above (`n_params`, "
              "`train_seconds`, `val_rmse`, ...) or an objective function's output, with "
              "`max`, `min` or both. A trial that breaks one is still COMPLETE, with "
              "`feasible` false in the store: it never becomes the best trial, the front, an "
              "ensemble member or the kept weights, `trials` and the report mark it, and the "
              "samplers learn from it (`tpe` and `nsga2` rank it after every feasible trial, "
              "by how far it is out; `gp` multiplies its expected improvement by a model of "
              "the chance of feasibility). A bound on `n_params` is checked once the model is "
              "built, before training: a model too large costs no training. See "
              "[Constraints](#constraints)",
              "list of `{metric: NAME, max: X, min: X}`", "none"},
             [](const Args& args, SearchConfig& s, const ExperimentConfig& so_far) {
               const auto& list = args.section("constraints");
               if (list.is_null()) return;
               if (!list.is_array() || list.empty())
                 throw ConfigError("constraints",
                                   "expected a list of bounds, such as [{metric: n_params, max: "
                                   "20000}]");
               for (std::size_t i = 0; i < list.size(); ++i)
                 s.constraints.push_back(in_section(fmt::format("constraints[{}]", i), [&] {
                   return read_constraint(list[i], s.constraints, so_far.evaluates_objective());
                 }));
             },
             [](const SearchConfig& s, nlohmann::json& out) {
               for (const auto& c : s.constraints) {
                 nlohmann::json entry = {{"metric", c.metric}};
                 if (c.max) entry["max"] = *c.max;
                 if (c.min) entry["min"] = *c.min;
                 out["constraints"].push_back(entry);
               }
             })
      .stated_when([](const SearchConfig& s) { return !s.constraints.empty(); });
}

SectionKeys<SearchConfig> declare_search_keys() {
  return SectionKeys<SearchConfig>({
      metric_key(),
      direction_key(),
      objectives_key(),
      space_key(),
      trials_key(),
      timeout_key(),
      integer_key("workers", &SearchConfig::workers,
                  {"how many trials run at once over all worker processes; trial k is proposed "
                   "from the finished trials numbered up to k − workers and waits for them, so the "
                   "study's params and losses do not depend on which worker finished first (see "
                   "docs/scaling.md)",
                   "", "1 (`tunelab run --workers N` sets N when the file does not)"},
                  1, 1024),
      sampler_key(),
      pruner_key(),
      enqueue_key(),
      warm_start_key(),
      ensemble_key(),
      constraints_key(),
  });
}

}  // namespace

const SectionKeys<SearchConfig>& search_keys() {
  static const SectionKeys<SearchConfig> keys = declare_search_keys();
  return keys;
}

}  // namespace tunelab
