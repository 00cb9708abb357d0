// tunelab ensemble: builds an ensemble of a study's trials from the
// predictions the store keeps of each (runner/ensemble.h) and keeps it in
// the store, for `predict --ensemble`, `best`, `compare` and the report.

#include <fmt/format.h>

#include <iostream>

#include "cli/commands.h"
#include "cli/query_command.h"
#include "cli/study_plugins.h"
#include "common/errors.h"
#include "config/experiment_loader.h"
#include "report/ensemble_text.h"
#include "runner/ensemble/ensemble.h"

namespace tunelab::cli {

int ensemble_command(const Arguments& args, Registrar& registrar) {
  QueryCommand command("tunelab ensemble", QueryCommand::Names::study, /*with_format=*/false);
  EnsembleRequest request;
  std::vector<std::string> plugins;
  auto add = command.add();
  add("size", po::value(&request.size),
      "greedy: how many picks (with replacement); top: how many trials (default: the study's "
      "search.ensemble, else 5 or as many trials as there are)");
  add("method", po::value(&request.method),
      "greedy (Caruana's selection on the validation rows) or top (the best trials, equally "
      "weighted)");
  add("plugin", po::value(&plugins)->composing(),
      "load this plugin library (repeatable): one the study ran with, needed where a member's "
      "weights must be trained again");
  if (!command.parse(args,
                     "tunelab ensemble STUDY [--size K] [--method greedy|top] [--storage URL]"))
    return 0;
  if (command.given("method") && request.method != "greedy" && request.method != "top")
    throw InputError(fmt::format("--method {}: expected greedy or top", request.method));
  if (command.given("size") && request.size < 1)
    throw InputError(fmt::format("--size {}: an ensemble has at least 1 member", request.size));
  const StudyInfo found = command.study();
  const auto store = Store::open(command.storage());
  const auto study = store->find_study(found.name);
  if (!study) throw InputError(fmt::format("study '{}' is gone from {}", found.name, store->url()));
  // What the study's file asked for, where the command line is silent.
  SearchConfig::Ensemble asked;
  try {
    asked = interpret_experiment(study->document).search.ensemble;
  } catch (const ConfigError&) {
    // A stored file that no longer reads asks for nothing.
  }
  if (!command.given("method") && asked.size > 0) request.method = asked.method;
  if (!command.given("size")) {
    request.size = asked.size > 0 ? asked.size : 5;
    if (asked.size == 0) request.default_size = true;
  }
  require_study_plugins(study->name,
                        load_study_plugins(store->provenance(study->id), plugins, registrar));
  const BuiltEnsemble built = build_ensemble(*store, *study, registrar, request);
  for (const auto& note : built.notes) std::cerr << "note: " << note << "\n";
  for (const auto& line : ensemble_lines(built.ensemble)) std::cout << line << "\n";
  return 0;
}

}  // namespace tunelab::cli
