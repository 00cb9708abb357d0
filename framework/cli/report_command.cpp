#include <fmt/format.h>

#include <iostream>

#include "cli/commands.h"
#include "cli/output_file.h"
#include "cli/query_command.h"
#include "cli/study_plugins.h"
#include "common/errors.h"
#include "report/study_report.h"

namespace tunelab::cli {

int report_command(const Arguments& args, Registrar& registrar) {
  QueryCommand command("tunelab report", QueryCommand::Names::studies, /*with_format=*/false);
  std::vector<std::string> plugins;
  std::string html;
  int top = 10;
  auto add = command.add();
  add("html", po::value(&html)->required(), "write the report to this file");
  add("top", po::value(&top), "trials in the table of best trials (default 10)");
  add("plugin", po::value(&plugins)->composing(),
      "load this plugin library (repeatable), for the views of a study's model that need it");
  if (!command.parse(args,
                     "tunelab report STUDY [STUDY ...] --html FILE.html [--top K] [--storage URL]"))
    return 0;
  if (top < 1) throw InputError(fmt::format("--top: must be at least 1, got {}", top));
  StudyQueries& store = command.store();
  const OutputFile target("--html", html, store.files());
  if (target.is_standard_output() && html.empty())
    throw InputError("--html: name the file to write (- for standard output)");
  const std::vector<StudyInfo> studies = command.studies();
  // A report needs no plugin: the views that do are left out, with a note.
  for (const auto& s : studies) {
    const std::string note =
        missing_plugins_note(load_study_plugins(store.provenance(s.id), plugins, registrar));
    if (!note.empty()) std::cerr << fmt::format("note: study '{}': {}\n", s.name, note);
  }

  target.write(study_report(store, registrar, studies, top));
  if (target.is_standard_output()) return 0;
  std::cerr << fmt::format("report on {} written to {}\n",
                           studies.size() == 1 ? "study '" + studies.front().name + "'"
                                               : std::to_string(studies.size()) + " studies",
                           html);
  return 0;
}

}  // namespace tunelab::cli
