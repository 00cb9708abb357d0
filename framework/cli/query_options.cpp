#include "cli/query_options.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/errors.h"

namespace tunelab::cli {

void QueryOptions::add_to(po::options_description& options, Names names, bool with_format) {
  auto add = options.add_options();
  if (names == Names::studies) {
    add("study", po::value(&studies)->required()->multitoken(), "the studies");
    positional.add("study", -1);
  } else if (names != Names::none) {
    add("study", po::value(&study)->required(), "the study");
    positional.add("study", 1);
  }
  if (names == Names::study_and_trial) {
    add("trial", po::value(&trial)->required(), "the trial's number");
    positional.add("trial", 1);
  }
  add("storage", po::value(&storage), "results store (default sqlite:///results/tunelab.db)");
  if (with_format) add("format", po::value(&format), "table, csv or json");
}

std::vector<StudyInfo> QueryOptions::named_studies(StudyQueries& store) const {
  std::vector<StudyInfo> found;
  for (auto name = studies.begin(); name != studies.end(); ++name) {
    if (std::find(studies.begin(), name, *name) != name)
      throw InputError(fmt::format("study '{}' is named twice", *name));
    found.push_back(store.study(*name));
  }
  return found;
}

}  // namespace tunelab::cli
