// tunelab enqueue: adds a configuration to try to a study in a store. The
// study's next new trial runs it (a running study picks it up between
// trials; its workers claim it like any other), the params it leaves out
// proposed by the sampler.

#include <fmt/format.h>

#include <iostream>
#include <map>

#include "cli/commands.h"
#include "cli/query_command.h"
#include "common/errors.h"
#include "config/experiment_loader.h"
#include "config/yaml_to_json.h"

namespace tunelab::cli {
namespace {

// The --set flags as one configuration, each value read as YAML and checked
// against the study's space. InputError naming the flag.
Params configuration_from(const std::vector<std::string>& flags, const SearchSpace& space) {
  nlohmann::json values = nlohmann::json::object();
  std::map<std::string, std::string> flag_of;
  // Each value against its dimension first; the conditions once all are in.
  SearchSpace unconditioned = space;
  for (Dimension& d : unconditioned.dimensions) d.when.clear();
  for (const std::string& flag : flags) {
    const std::string origin = "--set " + flag;
    const auto eq = flag.find('=');
    if (eq == std::string::npos || eq == 0)
      throw InputError(
          fmt::format("{}: expected a dimension of the study's space=value, such as "
                      "trainer.lr=0.01",
                      origin));
    const std::string key = flag.substr(0, eq);
    if (values.contains(key)) throw InputError(fmt::format("{}: {} is set twice", origin, key));
    SourceMap places;
    nlohmann::json value = parse_yaml(flag.substr(eq + 1), origin, places, key);
    try {
      values.update(checked_configuration(unconditioned, {{key, value}}, ""));
    } catch (const ConfigError& e) {
      throw InputError(fmt::format("{}: {}", origin, e.what()));
    }
    flag_of[key] = origin;
  }
  if (values.empty()) return {};
  try {
    return checked_configuration(space, values, "");
  } catch (const ConfigError& e) {
    const std::string key = e.key().substr(1);  // ".objective.x3"
    throw InputError(fmt::format("{}: {}", flag_of.count(key) ? flag_of[key] : "--set", e.what()));
  }
}

}  // namespace

int enqueue_command(const Arguments& args, Registrar&) {
  QueryCommand command("tunelab enqueue", QueryCommand::Names::study, /*with_format=*/false);
  std::vector<std::string> sets;
  command.add()("set", po::value(&sets)->composing(),
                "a param's value, key=value (repeatable; params left out are sampled)");
  if (!command.parse(args, "tunelab enqueue STUDY --set key=value [--set ...] [--storage URL]"))
    return 0;
  if (sets.empty())
    throw InputError(
        "give the configuration to try as --set key=value (one per param; those "
        "left out are sampled)");
  // The study must exist: enqueue never creates a store or a study.
  const StudyInfo info = command.study();
  SearchSpace space;
  try {
    space = interpret_experiment(info.document).search.space;
  } catch (const ConfigError& e) {
    throw InputError(
        fmt::format("study '{}': its stored experiment no longer reads: {}", info.name, e.what()));
  }
  if (space.empty())
    throw InputError(fmt::format(
        "study '{}' searches no space: its trials all run the same configuration", info.name));
  const Params params = configuration_from(sets, space);

  const auto store = Store::open(command.storage());
  const auto study = store->find_study(info.name);
  if (!study) throw InputError(fmt::format("study '{}' is gone from {}", info.name, store->url()));
  store->queue().enqueue(study->id, params);

  std::string shown;
  for (const auto& [path, value] : params)
    shown += fmt::format("{}{}={}", shown.empty() ? "" : " ", path,
                         value.is_string() ? value.get<std::string>() : value.dump());
  const int waiting = store->queue().enqueued_waiting(study->id);
  const int counted = store->queue().counted_trials(study->id);
  std::cout << fmt::format("enqueued in study '{}': {}\n", info.name, shown);
  if (counted < study->trials_wanted)
    std::cout << fmt::format(
        "{} configuration{} waiting; the study's next new trial{} run{} {} ({} of {} trials "
        "done)\n",
        waiting, waiting == 1 ? "" : "s", waiting == 1 ? "" : "s", waiting == 1 ? "s" : "",
        waiting == 1 ? "it" : "them in order", counted, study->trials_wanted);
  else
    std::cout << fmt::format(
        "the study has run its {} trials: {} when it is resumed with a larger budget "
        "(--resume --trials {})\n",
        study->trials_wanted, waiting == 1 ? "it runs" : "they run", counted + waiting);
  return 0;
}

}  // namespace tunelab::cli
