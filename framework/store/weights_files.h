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
}

class WeightsFiles {
 public:
  explicit WeightsFiles(std::shared_ptr<StoreConnection> connection);

  // runner/weights.cpp writes the files. `relative` is relative to the
  // store's folder. A trial's `best` weights replace the study's previous
  // best ones, whose files are removed.
  std::filesystem::path weights_folder(std::int64_t study_id) const;
  // Returns false, and keeps nothing, for `best` weights when the study
  // already keeps a better trial's (workers finish in any order).
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
