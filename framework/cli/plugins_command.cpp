#include <fmt/format.h>
#include <fmt/ranges.h>

#include <iostream>

#include "cli/commands.h"
#include "cli/options.h"
#include "common/errors.h"
#include "common/near_matches.h"
#include "plugin/loader.h"
#include "plugin/registrar.h"
#include "report/table.h"

namespace tunelab::cli {
namespace {

std::string option_keys(const OptionSpecs& options) {
  std::vector<std::string> keys;
  for (const auto& spec : options.specs()) keys.push_back(spec.key);
  return fmt::format("{}", fmt::join(keys, ", "));
}

std::string shown_default(const nlohmann::json& fallback) {
  if (fallback.is_null()) return "-";
  return fallback.is_string() ? fallback.get<std::string>() : fallback.dump();
}

// One entry's options in full: key, type, default, check, doc.
Table options_table(const std::vector<RegisteredName>& names, const std::string& kind,
                    const std::string& name) {
  std::vector<std::string> known;
  for (const auto& entry : names) {
    if (!kind.empty() && entry.kind != kind) continue;
    known.push_back(entry.name);
    if (entry.name != name) continue;
    Table table{{"option", "type", "default", "check", "doc"}, {}, /*key_columns=*/1};
    for (const auto& spec : entry.options.specs())
      table.rows.push_back({spec.key, to_string(spec.type), shown_default(spec.fallback),
                            spec.check.shown.empty() ? std::string("-") : spec.check.shown,
                            spec.doc});
    if (table.rows.empty()) table.rows.push_back({"(none)", "", "", "", "takes no options"});
    return table;
  }
  throw InputError("--name: " + unknown_name_message(kind.empty() ? "name" : kind, name, known));
}

}  // namespace

int plugins_command(const Arguments& args, Registrar& registrar) {
  std::string kind, name, format = "table";
  std::vector<std::string> libraries;
  po::options_description options("tunelab plugins");
  auto add = options.add_options();
  add("kind", po::value(&kind), "only this kind (block, activation, ...)");
  add("name", po::value(&name), "one registered name, with its options in full");
  add("format", po::value(&format), "table, csv or json");
  add("plugin", po::value(&libraries)->composing(),
      "also load this plugin library (repeatable; TUNELAB_PLUGIN_PATH's are loaded too)");
  po::variables_map values;
  if (!parse_arguments(
          "tunelab plugins [--kind KIND] [--name NAME] [--plugin LIB.so ...] [--format "
          "table|csv|json]",
          args, options, {}, values))
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

  if (!name.empty()) {
    print_table(std::cout, options_table(names, kind, name), chosen);
    return 0;
  }
  Table table{{"kind", "name", "origin", "summary", "options"}, {}, /*key_columns=*/2};
  for (const auto& entry : names)
    if (kind.empty() || entry.kind == kind)
      table.rows.push_back(
          {entry.kind, entry.name, entry.origin, entry.summary, option_keys(entry.options)});
  print_table(std::cout, table, chosen);
  return 0;
}

}  // namespace tunelab::cli
