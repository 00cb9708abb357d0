#pragma once
// What every command that reads the results store accepts:
// [STUDY [TRIAL]] [--storage URL] [--format table|csv|json].

#include <memory>
#include <string>
#include <vector>

#include "cli/options.h"
#include "store/store.h"

namespace tunelab::cli {

struct QueryOptions {
  std::string storage = kDefaultStorage;
  std::string format = "table";
  std::string study;
  std::vector<std::string> studies;  // Names::studies
  int trial = 0;
  po::positional_options_description positional;

  // Which positional arguments the command takes.
  enum class Names { none, study, study_and_trial, studies };
  void add_to(po::options_description& options, Names names, bool with_format = true);
  // The store, read-only; InputError when there is none.
  std::unique_ptr<StudyQueries> open() const { return Store::open_existing(storage); }
  Format chosen_format() const { return parse_format(format); }
  // The studies named (Names::studies), in order; InputError for an unknown
  // one or one named twice.
  std::vector<StudyInfo> named_studies(StudyQueries& store) const;
};

}  // namespace tunelab::cli
