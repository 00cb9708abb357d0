#pragma once
// Writes a study into Optuna's RDB storage (schema version 12, Optuna 3.0 and
// 3.1) as an SQLite file, so that optuna.load_study and optuna-dashboard read
// it: params with their distributions, values, per-epoch intermediate values,
// states and times.

#include <filesystem>

#include "store/store.h"

namespace tunelab {

enum class OptunaExport {
  add_to_file,   // an existing Optuna storage gets the study added
  replace_file,  // an existing file is replaced by a new storage
};

// The file cannot take the study. The message names the file; the caller
// says where it was given and, when `replacing_helps`, how to replace it
// (the CLI: --optuna, --force).
class OptunaFileError : public InputError {
 public:
  OptunaFileError(const std::string& message, bool replacing_helps)
      : InputError(message), replacing_helps_(replacing_helps) {}
  bool replacing_helps() const { return replacing_helps_; }

 private:
  bool replacing_helps_;
};

// A new file is written beside `file` and renamed into place; with
// add_to_file an existing Optuna storage gets the study added in one
// transaction. OptunaFileError when the file is something else, was
// written by another schema version, or already holds a study of that name.
void export_to_optuna(StudyQueries& store, const StudyInfo& study,
                      const std::filesystem::path& file,
                      OptunaExport mode = OptunaExport::add_to_file);

}  // namespace tunelab
