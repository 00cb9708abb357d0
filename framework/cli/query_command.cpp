#include "cli/query_command.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/errors.h"

namespace tunelab::cli {

QueryCommand::QueryCommand(const std::string& name, Names names, bool with_format,
                           std::string default_format)
    : options_(name), format_(std::move(default_format)) {
  auto add = options_.add_options();
  if (names == Names::studies) {
    add("study", po::value(&studies_)->required()->multitoken(), "the studies");
    positional_.add("study", -1);
  } else if (names != Names::none) {
    add("study", po::value(&study_)->required(), "the study");
    positional_.add("study", 1);
  }
  if (names == Names::study_and_trial) {
    add("trial", po::value(&trial_)->required(), "the trial's number");
    positional_.add("trial", 1);
  }
  add("storage", po::value(&storage_), "results store (default sqlite:///results/tunelab.db)");
  if (with_format) add("format", po::value(&format_), "table, csv or json");
}

bool QueryCommand::parse(const Arguments& args, const std::string& usage) {
  return parse_arguments(usage, args, options_, positional_, values_);
}

StudyQueries& QueryCommand::store() {
  if (!store_) store_ = Store::open_existing(storage_);
  return *store_;
}

const StudyInfo& QueryCommand::study() {
  if (!found_) found_ = store().study(study_);
  return *found_;
}

TrialInfo QueryCommand::trial() { return store().trial(study(), trial_); }

std::vector<StudyInfo> QueryCommand::studies() {
  std::vector<StudyInfo> found;
  for (auto name = studies_.begin(); name != studies_.end(); ++name) {
    if (std::find(studies_.begin(), name, *name) != name)
      throw InputError(fmt::format("study '{}' is named twice", *name));
    found.push_back(store().study(*name));
  }
  return found;
}

}  // namespace tunelab::cli
