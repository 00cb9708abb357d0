#include <iostream>

#include "cli/commands.h"
#include "common/errors.h"
#include "common/near_matches.h"
#include "plugin/loader.h"
#include "plugin/registrar.h"
#include "report/table.h"

namespace tunelab::cli {

int plugins_command(const Arguments& args, Registrar& registrar) {
  std::string kind, format = "table";
  std::vector<std::string> libraries;
  po::options_description options("tunelab plugins");
  auto add = options.add_options();
  add("kind", po::value(&kind), "only this kind (block, activation, ...)");
  add("format", po::value(&format), "table, csv or json");
  add("plugin", po::value(&libraries)->composing(),
      "also load this plugin library (repeatable; TUNELAB_PLUGIN_PATH's are loaded too)");
  po::variables_map values;
  if (!parse_arguments(
          "tunelab plugins [--kind KIND] [--plugin LIB.so ...] [--format table|csv|json]", args,
          options, {}, values))
    return 0;
  const Format chosen = parse_format(format);
  load_plugins({libraries.begin(), libraries.end()}, registrar);

  const auto names = list_registered(registrar);
  std::vector<std::string> kinds;
  for (const auto& entry : names)
    if (std::find(kinds.begin(), kinds.end(), entry.kind) == kinds.end())
      kinds.push_back(entry.kind);
  if (!kind.empty() && std::find(kinds.begin(), kinds.end(), kind) == kinds.end())
    throw InputError("--kind: " + unknown_name_message("kind", kind, kinds));

  Table table{{"kind", "name", "origin", "summary"}, {}, /*key_columns=*/2};
  for (const auto& entry : names)
    if (kind.empty() || entry.kind == kind)
      table.rows.push_back({entry.kind, entry.name, entry.origin, entry.summary});
  print_table(std::cout, table, chosen);
  return 0;
}

}  // namespace tunelab::cli
