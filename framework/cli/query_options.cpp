#include "cli/query_options.h"

namespace tunelab::cli {

void QueryOptions::add_to(po::options_description& options, bool with_format) {
  auto add = options.add_options();
  add("storage", po::value(&storage), "results store (default sqlite:///results/tunelab.db)");
  if (with_format) add("format", po::value(&format), "table, csv or json");
}

}  // namespace tunelab::cli
