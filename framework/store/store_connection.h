#pragma once
// What the parts of a store share (store/): the database connection, the
// URL it was opened with, and where its weights files live; and how they
// write. Not for use outside store/.

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "store/sql/connection.h"

namespace tunelab {

struct StoreConnection {
  StoreConnection(std::string url, std::unique_ptr<sql::Connection> connection);

  bool is_postgresql() const { return db->dialect() == sql::Dialect::postgresql; }

  std::string connect_url;  // as given, for worker processes that open it again
  std::string url;          // without its password
  std::unique_ptr<sql::Connection> db;
  // Weights files live in files_folder/weights_name/study-N.
  std::filesystem::path files_folder;
  std::string weights_name;
};

// A write that found the database locked for longer than the busy timeout
// (many workers finishing at once), or that collided with another worker's
// transaction on PostgreSQL, is tried again after a growing pause rather
// than failing the trial: "database is locked" never reaches a user.
template <typename Write>
auto retrying(Write write) {
  for (int attempt = 0;; ++attempt) {
    try {
      return write();
    } catch (const sql::Error& e) {
      if (!e.transient() || attempt >= 20) throw;
      std::this_thread::sleep_for(std::chrono::milliseconds(std::min(2000, 20 << attempt)));
    }
  }
}

// SQL for "now" by the database's clock, as the store writes times.
std::string database_clock(sql::Dialect dialect);

}  // namespace tunelab
