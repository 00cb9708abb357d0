#pragma once
// A first experiment file for a table (`tunelab init`): the task its target
// makes, how every column will be read, and a search space, folds, sampler
// and budget sized to the table, each said in a comment.

#include <filesystem>
#include <string>

#include "data/csv_table.h"

namespace tunelab {

struct DraftRequest {
  std::string target;                  // empty: the last column
  std::filesystem::path path_in_file;  // the table as the file names it
  std::string name;                    // the study's name
  std::string command;                 // what wrote it, for the first comment
};

// The experiment file's text. ConfigError("--target", ...) for a target the
// table lacks (with near matches); DataError for a table without rows or
// whose every target cell is missing.
std::string draft_experiment(const CsvTable& table, const DraftRequest& request);

}  // namespace tunelab
