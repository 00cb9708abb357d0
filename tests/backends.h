#pragma once
// The results store's two backends, for tests that must hold for both: an
// SQLite file in a scratch folder, and a database on a throwaway PostgreSQL
// server (tests/postgresql_cluster.sh) started on first use and stopped when
// the test process ends.

#include <memory>
#include <string>
#include <vector>

#include "store/sql/connection.h"
#include "support.h"

namespace tunelab::test {

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string name() const = 0;
  // A store no test has used: a new file, or a new database.
  virtual std::string fresh_storage() = 0;
  // The store at `url`, for checks in SQL.
  virtual std::unique_ptr<sql::Connection> connect(const std::string& url) const = 0;
  // A shell command that prints the result of `sql` on the store, for
  // scripts that watch a running study.
  virtual std::string shell_query(const std::string& url, const std::string& sql) const = 0;
};

// SQLite always; PostgreSQL where a server can be started (otherwise the
// reason is given as a test message and only SQLite is returned).
std::vector<Backend*> backends();

// The PostgreSQL one alone; nullptr (and a message) where there is none.
Backend* postgresql_backend();

// The first value of the first row of `sql`.
std::string scalar(sql::Connection& db, const std::string& sql);

}  // namespace tunelab::test
