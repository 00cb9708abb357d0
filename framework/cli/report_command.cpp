#include <fmt/format.h>

#include <iostream>

#include "cli/commands.h"
#include "cli/output_file.h"
#include "cli/query_options.h"
#include "cli/study_plugins.h"
#include "common/errors.h"
#include "report/study_report.h"

namespace tunelab::cli {

int report_command(const Arguments& args, Registrar& registrar) {
  QueryOptions query;
  std::vector<std::string> plugins;
  std::string html;
  int top = 10;
  po::options_description options("tunelab report");
  query.add_to(options, QueryOptions::Names::studies, /*with_format=*/false);
  auto add = options.add_options();
  add("html", po::value(&html)->required(), "write the report to this file");
  add("top", po::value(&top), "trials in the table of best trials (default 10)");
  add("plugin", po::value(&plugins)->composing(),
      "load this plugin library (repeatable), for the views of a study's model that need it");
  po::variables_map values;
  if (!parse_arguments(
          "tunelab report STUDY [STUDY ...] --html FILE.html [--top K] [--storage URL]", args,
          options, query.positional, values))
    return 0;
  if (top < 1) throw InputError(fmt::format("--top: must be at least 1, got {}", top));
  const auto store = query.open();
  const OutputFile target("--html", html, store->files());
  if (target.is_standard_output() && html.empty())
    throw InputError("--html: name the file to write (- for standard output)");
  const std::vector<StudyInfo> studies = query.named_studies(*store);
  // A report needs no plugin: the views that do are left out, with a note.
  for (const auto& s : studies) {
    const std::string note =
        missing_plugins_note(load_study_plugins(store->provenance(s.id), plugins, registrar));
    if (!note.empty()) std::cerr << fmt::format("note: study '{}': {}\n", s.name, note);
  }

  target.write(study_report(*store, registrar, studies, top));
  if (target.is_standard_output()) return 0;
  std::cerr << fmt::format("report on {} written to {}\n",
                           studies.size() == 1 ? "study '" + studies.front().name + "'"
                                               : std::to_string(studies.size()) + " studies",
                           html);
  return 0;
}

}  // namespace tunelab::cli
