#include <fmt/format.h>

#include <algorithm>
#include <iostream>

#include "cli/commands.h"
#include "cli/query_options.h"
#include "cli/study_comparison.h"
#include "common/errors.h"

namespace tunelab::cli {

int compare_command(const Arguments& args, Registrar&) {
  QueryOptions query;
  std::vector<std::string> names;
  po::options_description options("tunelab compare");
  query.add_to(options, QueryOptions::Names::none);
  options.add_options()("study", po::value(&names)->required()->multitoken(), "the studies");
  po::positional_options_description positional;
  positional.add("study", -1);
  po::variables_map values;
  if (!parse_arguments(
          "tunelab compare STUDY [STUDY ...] [--storage URL] [--format table|csv|json]", args,
          options, positional, values))
    return 0;
  const Format format = query.chosen_format();
  const auto store = query.open();

  for (std::size_t i = 0; i < names.size(); ++i)
    if (std::find(names.begin(), names.begin() + static_cast<long>(i), names[i]) !=
        names.begin() + static_cast<long>(i))
      throw InputError(fmt::format("compare: study '{}' is named twice", names[i]));
  std::vector<StudyInfo> studies;
  std::vector<std::vector<TrialInfo>> trials;
  for (const auto& name : names) {
    studies.push_back(store->study(name));
    trials.push_back(store->trials(studies.back().id));
  }

  print_table(std::cout, comparison_table(studies, trials), format);
  return 0;
}

}  // namespace tunelab::cli
