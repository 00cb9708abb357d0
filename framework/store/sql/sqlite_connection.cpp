// The store's connection to an SQLite file, through SQLiteCpp.

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <cmath>

#include "store/sql/connection.h"

namespace tunelab::sql {
namespace {

Error error_from(const SQLite::Exception& e) {
  const int code = e.getErrorCode() & 0xff;
  return Error(e.what(), code == SQLITE_BUSY || code == SQLITE_LOCKED);
}

void bind_all(SQLite::Statement& q, const Params& params) {
  for (std::size_t i = 0; i < params.size(); ++i) {
    const int index = static_cast<int>(i) + 1;
    const Value& v = params[i];
    if (const auto* n = std::get_if<std::int64_t>(&v)) {
      q.bind(index, *n);
    } else if (const auto* d = std::get_if<double>(&v)) {
      // SQLite turns NaN into NULL, and NULL already means "no value" (no
      // validation split): NaN is kept as the text 'NaN'.
      if (std::isnan(*d))
        q.bind(index, "NaN");
      else
        q.bind(index, *d);
    } else if (const auto* s = std::get_if<std::string>(&v)) {
      q.bind(index, *s);
    } else {
      q.bind(index);
    }
  }
}

Value value_of(const SQLite::Column& column) {
  if (column.isNull()) return Null{};
  if (column.isInteger()) return column.getInt64();
  if (column.isFloat()) return column.getDouble();
  return column.getString();
}

class SqliteConnection final : public Connection {
 public:
  explicit SqliteConnection(std::unique_ptr<SQLite::Database> db) : db_(std::move(db)) {}

  Dialect dialect() const override { return Dialect::sqlite; }

  Rows query(const std::string& sql, const Params& params) override {
    try {
      SQLite::Statement q(*db_, sql);
      bind_all(q, params);
      std::vector<std::vector<Value>> rows;
      while (q.executeStep()) {
        std::vector<Value> row;
        row.reserve(static_cast<std::size_t>(q.getColumnCount()));
        for (int c = 0; c < q.getColumnCount(); ++c) row.push_back(value_of(q.getColumn(c)));
        rows.push_back(std::move(row));
      }
      return Rows(std::move(rows));
    } catch (const SQLite::Exception& e) {
      throw error_from(e);
    }
  }

  int execute(const std::string& sql, const Params& params) override {
    try {
      SQLite::Statement q(*db_, sql);
      bind_all(q, params);
      return q.exec();
    } catch (const SQLite::Exception& e) {
      throw error_from(e);
    }
  }

  void execute_script(const std::string& sql) override {
    try {
      db_->exec(sql);
    } catch (const SQLite::Exception& e) {
      throw error_from(e);
    }
  }

  bool table_exists(const std::string& table) override {
    Rows r = query("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", {table});
    return r.next() && r.int64(0) > 0;
  }

  bool has_column(const std::string& table, const std::string& column) override {
    Rows r = query("SELECT count(*) FROM pragma_table_info(?) WHERE name = ?", {table, column});
    return r.next() && r.int64(0) > 0;
  }

  void begin() override { execute_script("BEGIN IMMEDIATE"); }
  void commit() override { execute_script("COMMIT"); }
  void rollback() override { execute_script("ROLLBACK"); }

 private:
  std::unique_ptr<SQLite::Database> db_;
};

}  // namespace

std::unique_ptr<Connection> open_sqlite(const std::string& path, bool read_only) {
  try {
    auto db = std::make_unique<SQLite::Database>(
        path, read_only ? SQLite::OPEN_READONLY : SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db->exec("PRAGMA busy_timeout = 10000");
    if (!read_only) {
      db->exec("PRAGMA journal_mode = WAL");
      db->exec("PRAGMA foreign_keys = ON");
    }
    return std::make_unique<SqliteConnection>(std::move(db));
  } catch (const SQLite::Exception& e) {
    throw error_from(e);
  }
}

}  // namespace tunelab::sql
