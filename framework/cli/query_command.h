#pragma once
// What every command that reads the results store does before its own work:
// its options (STUDY [TRIAL] or STUDIES, --storage, --format, and its own),
// parsing them, opening the store read-only, finding the study.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/options.h"
#include "store/store.h"

namespace tunelab::cli {

class QueryCommand {
 public:
  // Which positional arguments the command takes.
  enum class Names { none, study, study_and_trial, studies };

  // `name` as in "tunelab best"; `default_format` where --format is taken.
  QueryCommand(const std::string& name, Names names, bool with_format = true,
               std::string default_format = "table");

  // The command's own options, added before parse().
  po::options_description_easy_init add() { return options_.add_options(); }
  // Parses `args`; false when --help was asked for (and printed).
  bool parse(const Arguments& args, const std::string& usage);
  // Whether the command line gave `option`.
  bool given(const std::string& option) const { return values_.count(option) > 0; }

  Format format() const { return parse_format(format_); }
  const std::string& storage() const { return storage_; }

  // The store, read-only, opened on first use; InputError when there is none.
  StudyQueries& store();
  // The study named (Names::study, study_and_trial); InputError when unknown.
  const StudyInfo& study();
  // Its trial named (Names::study_and_trial).
  TrialInfo trial();
  // The studies named (Names::studies), in order; InputError for an unknown
  // one or one named twice.
  std::vector<StudyInfo> studies();

 private:
  po::options_description options_;
  po::positional_options_description positional_;
  po::variables_map values_;
  std::string storage_ = kDefaultStorage;
  std::string format_;
  std::string study_;
  std::vector<std::string> studies_;
  int trial_ = 0;
  std::unique_ptr<StudyQueries> store_;
  std::optional<StudyInfo> found_;
};

}  // namespace tunelab::cli
