#pragma once
// Trained weights kept with a store: the folder their files live in, next
// to an SQLite store (results/ under the working folder for a PostgreSQL
// one), and their bookkeeping in the store.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace tunelab {

struct StoreConnection;
namespace sql {
class Connection;
class Transaction;
}  // namespace sql

class WeightsFiles {
 public:
  explicit WeightsFiles(std::shared_ptr<StoreConnection> connection);

  // runner/weights.cpp writes the files. `relative` is relative to the
  // store's folder. A trial's `best` weights replace the study's previous
  // best ones, whose files are removed.
  std::filesystem::path weights_folder(std::int64_t study_id) const;
  // A written weights file as the store records it.
  struct Row {
    std::int64_t trial_id = 0;
    std::filesystem::path file;
    std::string reason;  // "best" or "requested"
    std::vector<std::string> features, targets;
    std::string file_hex;  // the bytes, for a PostgreSQL store
  };
  // Reads what the row needs of the file, outside any transaction.
  Row row_for(std::int64_t trial_id, const std::filesystem::path& file, const std::string& reason,
              const std::vector<std::string>& features,
              const std::vector<std::string>& targets) const;
  // Within the caller's transaction (the one that records the trial as
  // COMPLETE): records `row`. Returns false, and records nothing, for `best`
  // weights when the study already keeps a better trial's (workers finish
  // in any order); `replaced` gets the files of the best weights it replaces.
  bool record(sql::Transaction& tx, const Row& row, std::vector<std::filesystem::path>& replaced);
  // After that transaction committed: removes the replaced files, or the
  // row's own when it was not kept. A crash before leaves a stray file,
  // never a row without its file.
  static void tidy(const Row& row, bool kept, const std::vector<std::filesystem::path>& replaced);
  // The three in one transaction of its own.
  bool add_weights(std::int64_t trial_id, const std::filesystem::path& file,
                   const std::string& reason, const std::vector<std::string>& features,
                   const std::vector<std::string>& targets);

 private:
  bool is_postgresql() const;

  std::shared_ptr<StoreConnection> connection_;
  sql::Connection* db_;
  std::string url_;
};

}  // namespace tunelab
