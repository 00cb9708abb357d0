#include <iostream>

#include "cli/commands.h"
#include "cli/options.h"
#include "config/experiment_keys.h"

namespace tunelab::cli {

// The experiment file's keys, section by section, as the Markdown tables of
// docs/experiment-file.md (which a test compares with these).
int keys_command(const Arguments& args, Registrar&) {
  std::vector<std::string> sections;
  po::options_description options("tunelab keys");
  options.add_options()("section", po::value(&sections)->composing(),
                        "top, data, trainer or search (default: all of them)");
  po::positional_options_description positional;
  positional.add("section", -1);
  po::variables_map values;
  if (!parse_arguments("tunelab keys [SECTION ...]", args, options, positional, values)) return 0;
  if (sections.empty()) sections = key_sections();
  // Every name is checked before anything is printed.
  std::vector<std::string> tables;
  for (const auto& section : sections) tables.push_back(key_table(section));
  for (std::size_t i = 0; i < tables.size(); ++i)
    std::cout << (sections.size() > 1 ? (i ? "\n" : "") + sections[i] + ":\n\n" : "") << tables[i];
  return 0;
}

}  // namespace tunelab::cli
