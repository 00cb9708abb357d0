#pragma once
// Shared command-line parsing for the subcommands (Boost.Program_options).

#include <boost/program_options.hpp>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "report/table.h"

namespace tunelab::cli {

namespace po = boost::program_options;

// Parses `args` against `options` (and positional names); unknown or malformed
// flags become InputErrors. Returns false when --help was asked for (the help
// text has then been printed).
bool parse_arguments(const std::string& usage, const Arguments& args,
                     po::options_description& options,
                     const po::positional_options_description& positional,
                     po::variables_map& values);

// The --format flag every listing takes (report/table.h).
Format parse_format(const std::string& text);

}  // namespace tunelab::cli
