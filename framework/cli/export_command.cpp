#include <fmt/format.h>

#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "cli/output_file.h"
#include "cli/query_options.h"
#include "cli/trial_table.h"
#include "common/errors.h"

namespace tunelab::cli {

int export_command(const Arguments& args, Registrar&) {
  QueryOptions query;
  query.format = "csv";
  std::string output;
  po::options_description options("tunelab export");
  query.add_to(options, QueryOptions::Names::study);
  auto add = options.add_options();
  add("output,o", po::value(&output), "write to this file (default: standard output)");
  po::variables_map values;
  if (!parse_arguments("tunelab export STUDY [--format csv|json] [--output FILE] [--storage URL]",
                       args, options, query.positional, values))
    return 0;
  const Format format = query.chosen_format();
  if (format == Format::table)
    throw InputError("--format: export writes csv or json (tunelab trials prints a table)");
  const auto store = query.open();
  const StudyInfo study = store->study(query.study);

  std::ostringstream text;
  print_table(text, export_table(store->trials(study.id)), format);
  write_output(output, text.str());
  if (output.empty()) return 0;
  std::cerr << fmt::format("{} trials of study '{}' written to {}\n", study.trials(), study.name,
                           output);
  return 0;
}

}  // namespace tunelab::cli
