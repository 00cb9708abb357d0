#include "cli/options.h"

#include <iostream>

#include "common/errors.h"
#include "common/near_matches.h"

namespace tunelab::cli {

bool parse_arguments(const std::string& usage, const Arguments& args,
                     po::options_description& options,
                     const po::positional_options_description& positional,
                     po::variables_map& values) {
  options.add_options()("help,h", "show this help");
  try {
    po::store(po::command_line_parser(args).options(options).positional(positional).run(), values);
    if (values.count("help")) {
      std::cout << "usage: " << usage << "\n\n" << options << "\n";
      return false;
    }
    po::notify(values);
  } catch (const po::unknown_option& e) {
    // "unrecognised option '--trails'" plus the options it may have meant.
    std::vector<std::string> known;
    for (const auto& option : options.options()) known.push_back("--" + option->long_name());
    const auto near = near_matches(e.get_option_name(), known);
    throw InputError(std::string(e.what()) +
                     (near.empty() ? "" : " (did you mean '" + near.front() + "'?)") +
                     "\nusage: " + usage);
  } catch (const po::error& e) {
    throw InputError(std::string(e.what()) + "\nusage: " + usage);
  }
  return true;
}

Format parse_format(const std::string& text) {
  if (text == "table") return Format::table;
  if (text == "csv") return Format::csv;
  if (text == "json") return Format::json;
  throw InputError("--format: expected table, csv or json, got '" + text + "'");
}

}  // namespace tunelab::cli
