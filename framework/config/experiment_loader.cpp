#include "config/experiment_loader.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>

#include "common/args.h"
#include "common/near_matches.h"
#include "common/utf8.h"
#include "config/overrides.h"
#include "config/yaml_to_json.h"
#include "data/split.h"
#include "train/lr_schedule.h"

namespace tunelab {
namespace {

// Experiment files are small; anything this large is a mistake (a data file
// passed by accident) and would only be slow to reject later.
constexpr std::uintmax_t kMaxFileBytes = 4u << 20;

template <typename Read>
auto in_section(const std::string& section, Read read) {
  try {
    return read();
  } catch (const ConfigError& e) {
    throw e.under(section);
  }
}

DataConfig read_data(const nlohmann::json& json) {
  const Args args(json);
  args.allow_only({"dataset", "args", "split", "standardize", "folds", "encoding",
                   "embedding_width", "missing_target", "target_transform", "scaling",
                   "smooth_clip", "quantiles", "numeric_embedding", "plr_frequencies", "plr_width",
                   "plr_sigma"});
  DataConfig data;
  data.dataset = args.text("dataset");
  const auto& dataset_args = args.section("args");
  if (!dataset_args.is_null() && !dataset_args.is_object())
    throw ConfigError("args", "expected a mapping of the data set's options");
  if (dataset_args.is_object()) data.args = dataset_args;
  in_section("split", [&] {
    const Args split(args.section("split"));
    split.allow_only({"train", "val", "test"});
    if (args.has("split")) {
      // Stating some fractions leaves the others at 0: {train: 0.8, val: 0.2}.
      data.split = {split.number("train", 0.0), split.number("val", 0.0),
                    split.number("test", 0.0)};
    }
    check_split(data.split);
    return 0;
  });
  const auto folds = args.integer("folds", 1);
  require_at_least("folds", folds, 1);
  if (folds > 100) throw ConfigError("folds", "must be at most 100");
  data.folds = static_cast<int>(folds);
  const std::string encoding = args.text("encoding", "onehot");
  if (encoding == "embedding")
    data.encoding = CategoricalEncoding::embedding;
  else if (encoding != "onehot")
    throw ConfigError("encoding", fmt::format("expected onehot or embedding, got '{}'", encoding));
  const auto width = args.integer("embedding_width", data.embedding_width);
  require_at_least("embedding_width", width, 1);
  if (width > 1024) throw ConfigError("embedding_width", "must be at most 1024");
  data.embedding_width = static_cast<int>(width);
  const std::string missing_target = args.text("missing_target", "refuse");
  if (missing_target != "refuse" && missing_target != "drop")
    throw ConfigError("missing_target",
                      fmt::format("expected drop or refuse, got '{}'", missing_target));
  data.drop_missing_target = missing_target == "drop";
  const std::string transform = args.text("target_transform", "none");
  if (transform != "none" && transform != "log")
    throw ConfigError("target_transform", fmt::format("expected none or log, got '{}'", transform));
  data.log_target = transform == "log";
  in_section("standardize", [&] {
    const Args standardize(args.section("standardize"));
    standardize.allow_only({"x", "y"});
    data.standardize_x = standardize.boolean("x", false);
    data.standardize_y = standardize.boolean("y", false);
    return 0;
  });
  const std::string scaling = args.text("scaling", "standard");
  if (scaling != "standard" && scaling != "robust" && scaling != "quantile")
    throw ConfigError("scaling",
                      fmt::format("expected standard, robust or quantile, got '{}'", scaling));
  data.robust_x = scaling == "robust";
  data.quantile_x = scaling == "quantile";
  data.smooth_clip_x = args.boolean("smooth_clip", false);
  if ((data.robust_x || data.quantile_x || data.smooth_clip_x) && !data.standardize_x)
    throw ConfigError(data.smooth_clip_x && scaling == "standard" ? "smooth_clip" : "scaling",
                      "scales the features only with standardize: {x: true}");
  if (args.has("quantiles")) {
    if (!data.quantile_x) throw ConfigError("quantiles", "is for scaling: quantile");
    const auto quantiles = args.integer("quantiles");
    require_at_least("quantiles", quantiles, 2);
    if (quantiles > 100000) throw ConfigError("quantiles", "must be at most 100000");
    data.quantiles = static_cast<int>(quantiles);
  }
  const std::string numeric = args.text("numeric_embedding", "none");
  if (numeric != "none" && numeric != "plr")
    throw ConfigError("numeric_embedding", fmt::format("expected none or plr, got '{}'", numeric));
  data.plr = numeric == "plr";
  for (const char* key : {"plr_frequencies", "plr_width", "plr_sigma"})
    if (args.has(key) && !data.plr) throw ConfigError(key, "is for numeric_embedding: plr");
  const auto frequencies = args.integer("plr_frequencies", data.plr_frequencies);
  require_at_least("plr_frequencies", frequencies, 1);
  if (frequencies > 1024) throw ConfigError("plr_frequencies", "must be at most 1024");
  data.plr_frequencies = static_cast<int>(frequencies);
  const auto plr_width = args.integer("plr_width", data.plr_width);
  require_at_least("plr_width", plr_width, 1);
  if (plr_width > 1024) throw ConfigError("plr_width", "must be at most 1024");
  data.plr_width = static_cast<int>(plr_width);
  data.plr_sigma = args.number("plr_sigma", data.plr_sigma);
  require_positive("plr_sigma", data.plr_sigma);
  return data;
}

ModelConfig read_model(const nlohmann::json& json) {
  const Args args(json);
  ModelConfig model;
  model.name = args.text("name", model.name);
  model.settings = json.is_object() ? json : nlohmann::json::object();
  model.settings.erase("name");
  return model;
}

nlohmann::json optional_mapping(const Args& args, const std::string& key) {
  const auto& value = args.section(key);
  if (value.is_null()) return nlohmann::json::object();
  if (!value.is_object()) throw ConfigError(key, "expected a mapping of options");
  return value;
}

TrainerConfig read_trainer(const nlohmann::json& json) {
  const Args args(json);
  args.allow_only({"optimizer", "optimizer_args", "lr", "weight_decay", "batch_size", "epochs",
                   "loss", "loss_args", "early_stopping", "fast_path", "schedule", "warmup_epochs",
                   "grad_clip"});
  TrainerConfig t;
  t.optimizer = args.text("optimizer", t.optimizer);
  t.optimizer_args = optional_mapping(args, "optimizer_args");
  t.lr = args.number("lr", t.lr);
  require_positive("lr", t.lr);
  t.weight_decay = args.number("weight_decay", t.weight_decay);
  if (t.weight_decay < 0) throw ConfigError("weight_decay", "must not be negative");
  t.batch_size = args.integer("batch_size", t.batch_size);
  require_at_least("batch_size", t.batch_size, 1);
  const auto epochs = args.integer("epochs", t.epochs);
  require_at_least("epochs", epochs, 1);
  if (epochs > 1000000) throw ConfigError("epochs", "must be at most 1000000");
  t.epochs = static_cast<int>(epochs);
  t.loss = args.text("loss", t.loss);
  t.loss_stated = args.has("loss");
  t.loss_args = optional_mapping(args, "loss_args");
  t.fast_path = args.boolean("fast_path", t.fast_path);
  t.schedule = args.text("schedule", t.schedule);
  const auto& schedules = lr_schedule_names();
  if (std::find(schedules.begin(), schedules.end(), t.schedule) == schedules.end())
    throw ConfigError("schedule", unknown_name_message("schedule", t.schedule, schedules));
  t.warmup_epochs = args.number("warmup_epochs", t.warmup_epochs);
  if (!(t.warmup_epochs >= 0)) throw ConfigError("warmup_epochs", "must not be negative");
  if (t.warmup_epochs >= t.epochs)
    throw ConfigError("warmup_epochs",
                      fmt::format("a warm-up of {:g} epochs leaves none of the {} epochs to train "
                                  "at the schedule's rate (make it shorter than epochs)",
                                  t.warmup_epochs, t.epochs));
  t.grad_clip = args.number("grad_clip", t.grad_clip);
  if (!(t.grad_clip >= 0))
    throw ConfigError("grad_clip", "must be a largest gradient norm above 0, or 0 for none");
  in_section("early_stopping", [&] {
    const Args stop(args.section("early_stopping"));
    stop.allow_only({"patience", "min_delta", "metric"});
    const auto patience = stop.integer("patience", 0);
    require_at_least("patience", patience, 0);
    t.early_stopping.patience = static_cast<int>(std::min<std::int64_t>(patience, 1000000));
    t.early_stopping.min_delta = stop.number("min_delta", 0.0);
    if (t.early_stopping.min_delta < 0) throw ConfigError("min_delta", "must not be negative");
    if (stop.text("metric", "val_loss") != "val_loss")
      throw ConfigError("metric", "only val_loss can be watched");
    return 0;
  });
  return t;
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

// {name: tpe, n_startup: 10} -> ("tpe", {n_startup: 10}).
std::pair<std::string, nlohmann::json> named_section(const Args& args, const std::string& key,
                                                     const std::string& fallback) {
  const auto& value = args.section(key);
  if (value.is_null()) return {fallback, nlohmann::json::object()};
  if (value.is_string()) return {value.get<std::string>(), nlohmann::json::object()};
  if (!value.is_object()) throw ConfigError(key, "expected a name or a mapping with a name");
  nlohmann::json rest = value;
  rest.erase("name");
  return {Args(value).text("name", fallback), rest};
}

// search.enqueue: a list of mappings from dimensions of the space to values
// they can take.
std::vector<Params> read_enqueue(const nlohmann::json& list, const SearchSpace& space) {
  std::vector<Params> out;
  if (list.is_null()) return out;
  if (!list.is_array())
    throw ConfigError("enqueue", "expected a list of configurations, such as [{trainer.lr: 0.01}]");
  for (std::size_t i = 0; i < list.size(); ++i)
    out.push_back(checked_configuration(space, list[i], fmt::format("enqueue[{}]", i)));
  return out;
}

// search.warm_start: {study: NAME, storage: URL} (storage optional), a list
// of them, or a study's name alone.
std::vector<SearchConfig::WarmStart> read_warm_start(const nlohmann::json& section) {
  std::vector<SearchConfig::WarmStart> out;
  if (section.is_null()) return out;
  const bool list = section.is_array();
  const std::size_t count = list ? section.size() : 1;
  for (std::size_t i = 0; i < count; ++i) {
    const nlohmann::json& entry = list ? section[i] : section;
    const std::string at = list ? fmt::format("warm_start[{}]", i) : "warm_start";
    in_section(at, [&] {
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
      for (const auto& earlier : out)
        if (earlier.study == w.study && earlier.storage == w.storage)
          throw ConfigError(entry.is_object() ? "study" : "",
                            fmt::format("names study '{}' a second time: its trials would weigh "
                                        "twice in the sampler's history",
                                        w.study));
      out.push_back(w);
      return 0;
    });
  }
  return out;
}

// One objective's metric and direction from the mapping `args` (its keys
// `metric` and `direction`). An objective experiment's metrics are its
// function's outputs, checked once the function is known.
Objective read_objective(const Args& args, bool objective) {
  Objective o;
  o.metric = args.text("metric", objective ? "value" : "val_loss");
  if (!objective) {
    const auto& names = training_metrics();
    if (std::find(names.begin(), names.end(), o.metric) == names.end())
      throw ConfigError("metric", unknown_name_message("metric", o.metric, names));
  }
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

// search.ensemble: {size: K, method: greedy | top}, for a study that
// trains models over a space.
SearchConfig::Ensemble read_ensemble(const nlohmann::json& section, const SearchConfig& s) {
  SearchConfig::Ensemble e;
  if (section.is_null()) return e;
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

SearchConfig read_search(const nlohmann::json& json, bool objective) {
  const Args args(json);
  args.allow_only({"metric", "direction", "objectives", "trials", "timeout", "workers", "sampler",
                   "pruner", "space", "enqueue", "warm_start", "ensemble"});
  SearchConfig s;
  if (args.has("objectives")) {
    for (const char* key : {"metric", "direction"})
      if (args.has(key))
        throw ConfigError(key,
                          "search.objectives names the metrics and their directions: give "
                          "one or the other");
    s.objectives = in_section(
        "objectives", [&] { return read_objectives(args.section("objectives"), objective); });
  } else {
    s.objectives = {read_objective(args, objective)};
    if (objective && s.objectives[0].metric != "value")
      throw ConfigError("metric",
                        fmt::format("an objective experiment searches the function's value: "
                                    "expected value, got '{}' (search.objectives names a "
                                    "function's several outputs)",
                                    s.objectives[0].metric));
  }
  s.metric = s.objectives[0].metric;
  s.direction = s.objectives[0].direction;
  s.space = in_section("space", [&] { return read_search_space(args.section("space")); });
  if (args.has("space") && s.space.empty())
    throw ConfigError("space",
                      "is empty: name at least one path to search over (or leave space out for "
                      "a single run)");
  const auto trials = args.integer("trials", s.space.empty() ? 1 : 20);
  require_at_least("trials", trials, 1);
  if (trials > 1000000) throw ConfigError("trials", "must be at most 1000000");
  s.trials = static_cast<int>(trials);
  s.timeout_seconds = read_duration(args, "timeout");
  const auto workers = args.integer("workers", 1);
  require_at_least("workers", workers, 1);
  if (workers > 1024) throw ConfigError("workers", "must be at most 1024");
  s.workers = static_cast<int>(workers);
  std::tie(s.sampler, s.sampler_args) = named_section(args, "sampler", s.sampler);
  std::tie(s.pruner, s.pruner_args) = named_section(args, "pruner", s.pruner);
  // The objective a pruner decides on is the study's to resolve (runner's
  // PruningCurves), not the pruner's option.
  if (s.pruner_args.contains("objective")) {
    const auto& named = s.pruner_args["objective"];
    if (!named.is_string() || named.get<std::string>().empty())
      throw ConfigError("pruner.objective",
                        "expected the name of one of the study's objectives, such as val_rmse");
    s.pruner_objective = named.get<std::string>();
    s.pruner_args.erase("objective");
  }
  for (const auto& d : s.space.dimensions) {
    if (d.path == "name" || d.path.rfind("search", 0) == 0 || d.path == "device" ||
        d.path == "task" || d.path.rfind("plugins", 0) == 0)
      throw ConfigError("space." + d.path, "cannot be searched over");
  }
  s.enqueue = read_enqueue(args.section("enqueue"), s.space);
  if (static_cast<int>(s.enqueue.size()) > s.trials)
    throw ConfigError("enqueue", fmt::format("{} configurations to try first, but trials is {}",
                                             s.enqueue.size(), s.trials));
  s.warm_start = read_warm_start(args.section("warm_start"));
  if (!s.warm_start.empty() && s.space.empty())
    throw ConfigError("warm_start",
                      "a study without a search space has nothing to learn from "
                      "earlier studies");
  s.ensemble = in_section("ensemble", [&] { return read_ensemble(args.section("ensemble"), s); });
  if (objective && s.ensemble.size > 0)
    throw ConfigError("ensemble", "an objective function trains no models to ensemble");
  return s;
}

ExperimentConfig read_experiment(const nlohmann::json& document) {
  if (!document.is_object())
    throw ConfigError("", "an experiment file is a mapping with name, data, model and trainer");
  const Args args(document);
  args.allow_only({"name", "description", "seed", "device", "task", "plugins", "data", "model",
                   "trainer", "search", "objective"});
  ExperimentConfig c;
  c.name = args.text("name");
  if (c.name.empty()) throw ConfigError("name", "must not be empty");
  c.description = args.text("description", "");
  const auto seed = args.integer("seed", 0);
  require_at_least("seed", seed, 0);
  c.seed = static_cast<std::uint64_t>(seed);
  c.device = args.text("device", c.device);
  const std::string task = args.text("task", to_string(c.task));
  if (const auto named = task_named(task))
    c.task = *named;
  else
    throw ConfigError("task",
                      fmt::format("expected auto, regression or classification, got '{}'", task));
  c.plugins = args.texts("plugins", {});
  for (std::size_t i = 0; i < c.plugins.size(); ++i)
    if (c.plugins[i].empty()) throw ConfigError(fmt::format("plugins[{}]", i), "must not be empty");
  if (args.has("objective")) {
    std::tie(c.objective.name, c.objective.section) = named_section(args, "objective", "");
    if (c.objective.name.empty())
      throw ConfigError("objective", "needs a name: one of the registered objectives");
    for (const char* section : {"data", "model", "trainer"})
      if (args.has(section))
        throw ConfigError(section,
                          fmt::format("an objective experiment does not train: objective '{}' is "
                                      "evaluated instead (remove {})",
                                      c.objective.name, section),
                          ConfigError::About::key);
  } else {
    if (!args.has("data"))
      throw ConfigError("data",
                        "missing: an experiment needs a data section (or an objective to "
                        "evaluate)");
    c.data = in_section("data", [&] { return read_data(args.section("data")); });
    c.model = in_section("model", [&] { return read_model(args.section("model")); });
    c.trainer = in_section("trainer", [&] { return read_trainer(args.section("trainer")); });
  }
  const bool objective = c.evaluates_objective();
  c.search = in_section("search", [&] { return read_search(args.section("search"), objective); });
  // A single run without validation rows is judged by its training loss:
  // the metric by default then, rather than a val_loss it would not have.
  // (A search needs held-out rows: check_experiment says so.)
  const auto search = document.find("search");
  const bool metric_named = search != document.end() && search->is_object() &&
                            (search->contains("metric") || search->contains("objectives"));
  if (!objective && !metric_named && c.search.space.empty() && c.data.split.val <= 0 &&
      c.data.folds < 2) {
    c.search.objectives = {Objective{"train_loss", Direction::minimize}};
    c.search.metric = "train_loss";
    c.search.direction = Direction::minimize;
  }
  return c;
}

// YAML is Unicode text; invalid bytes would otherwise reach the store's JSON.
void check_utf8(const std::string& text, const std::string& origin) {
  const auto bad = first_invalid_utf8(text);
  if (!bad) return;
  const auto line_start = text.rfind('\n', *bad == 0 ? 0 : *bad - 1);
  const auto before = text.begin() + static_cast<std::ptrdiff_t>(*bad);
  const std::size_t line = 1 + static_cast<std::size_t>(std::count(text.begin(), before, '\n'));
  const std::size_t column = line_start == std::string::npos ? *bad + 1 : *bad - line_start;
  throw InputError(fmt::format("{}:{}:{}: not valid UTF-8 (byte 0x{:02x}); save the file as UTF-8",
                               origin, line, column, static_cast<unsigned char>(text[*bad])));
}

}  // namespace

ExperimentConfig interpret_experiment(const nlohmann::json& document) {
  return read_experiment(document);
}

ExperimentConfig config_with_params(const nlohmann::json& document, const Params& params) {
  nlohmann::json trial = document;
  for (const auto& [path, value] : params) set_path(trial, path, value);
  return read_experiment(trial);
}

Experiment load_experiment_text(const std::string& text, const std::string& origin,
                                const std::vector<std::string>& overrides) {
  Experiment experiment;
  experiment.places = SourceMap(origin);
  check_utf8(text, origin);
  try {
    nlohmann::json document = parse_yaml(text, origin, experiment.places);
    const std::vector<std::string> fixed = apply_overrides(document, overrides, experiment.places);
    if (!fixed.empty())
      experiment.notes.push_back(fmt::format("--set fixes {}: {} no longer searched",
                                             fmt::join(fixed, ", "),
                                             fixed.size() == 1 ? "it is" : "they are"));
    experiment.config = read_experiment(document);
    experiment.document = std::move(document);
  } catch (const ConfigError& e) {
    throw experiment.places.locate(e);
  }
  return experiment;
}

Experiment load_experiment(const std::filesystem::path& file,
                           const std::vector<std::string>& overrides) {
  const std::string name = file.string();
  std::error_code ec;
  if (!std::filesystem::exists(file, ec))
    throw InputError(fmt::format("{}: no such experiment file", name));
  if (std::filesystem::is_directory(file, ec))
    throw InputError(fmt::format("{}: is a directory, not an experiment file", name));
  if (std::filesystem::file_size(file, ec) > kMaxFileBytes)
    throw InputError(fmt::format("{}: larger than {} MiB; is this an experiment file?", name,
                                 kMaxFileBytes >> 20));
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(fmt::format("{}: cannot open: {}", name, std::strerror(errno)));
  std::ostringstream text;
  text << in.rdbuf();

  Experiment experiment = load_experiment_text(text.str(), name, overrides);
  experiment.file = file;
  experiment.base_dir = std::filesystem::absolute(file).parent_path();
  for (const auto& plugin : experiment.config.plugins)
    experiment.plugins.push_back(experiment.base_dir / plugin);
  return experiment;
}

}  // namespace tunelab
