#include "cli/query_options.h"

namespace tunelab::cli {

void QueryOptions::add_to(po::options_description& options, Names names, bool with_format) {
  auto add = options.add_options();
  if (names != Names::none) {
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

}  // namespace tunelab::cli
