#pragma once
// One SQL connection, to SQLite or to PostgreSQL: what the results store
// needs of a database and no more. Statements are written once, with `?` and
// `?N` placeholders as SQLite numbers them; the PostgreSQL side renumbers
// them as `$N`. Values travel as null, 64-bit integer, double or text, and a
// NaN double is stored so that it reads back as NaN on both.

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace tunelab::sql {

enum class Dialect { sqlite, postgresql };

struct Null {};
using Value = std::variant<Null, std::int64_t, double, std::string>;
using Params = std::vector<Value>;

inline Value optional_number(double value, bool present) {
  return present ? Value(value) : Value(Null{});
}
inline Value optional_text(const std::string& text) {
  return text.empty() ? Value(Null{}) : Value(text);
}

// A failed statement. `transient`: the database was busy or locked, or two
// transactions collided; trying again later may succeed.
class Error : public std::runtime_error {
 public:
  Error(const std::string& message, bool transient)
      : std::runtime_error(message), transient_(transient) {}
  bool transient() const { return transient_; }

 private:
  bool transient_;
};

// A query's whole result, read into memory: the store's results are small.
class Rows {
 public:
  explicit Rows(std::vector<std::vector<Value>> rows) : rows_(std::move(rows)) {}

  // Steps to the next row; false after the last.
  bool next() { return ++at_ < rows_.size(); }
  bool empty() const { return rows_.empty(); }

  bool is_null(int column) const;
  std::string text(int column) const;  // "" for null
  std::int64_t int64(int column) const;
  int integer(int column) const { return static_cast<int>(int64(column)); }
  double number(int column) const;  // NaN for null and for a stored NaN

 private:
  const Value& at(int column) const;

  std::vector<std::vector<Value>> rows_;
  std::size_t at_ = static_cast<std::size_t>(-1);
};

class Connection {
 public:
  virtual ~Connection() = default;

  virtual Dialect dialect() const = 0;
  // Runs one statement and returns its rows (none for writes).
  virtual Rows query(const std::string& sql, const Params& params = {}) = 0;
  // Runs one statement and returns how many rows it changed.
  virtual int execute(const std::string& sql, const Params& params = {}) = 0;
  // Runs several statements without parameters (DDL).
  virtual void execute_script(const std::string& sql) = 0;
  virtual bool table_exists(const std::string& table) = 0;
  virtual bool has_column(const std::string& table, const std::string& column) = 0;

  // A write transaction: on SQLite it takes the write lock at once (BEGIN
  // IMMEDIATE), so that reads inside it see what no other writer can change.
  // PostgreSQL transactions lock rows instead (see Transaction::lock_study).
  virtual void begin() = 0;
  virtual void commit() = 0;
  virtual void rollback() = 0;
};

// SQLite: `path` is a file; `read_only` opens it without creating or
// writing. Throws Error when it cannot be opened.
std::unique_ptr<Connection> open_sqlite(const std::string& path, bool read_only);
// PostgreSQL: `url` is a libpq connection URI (postgresql://...).
std::unique_ptr<Connection> open_postgresql(const std::string& url);

// Commits on commit(); rolls back when it goes out of scope before.
class Transaction {
 public:
  explicit Transaction(Connection& db) : db_(db) { db_.begin(); }
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  // Serialises this transaction with every other one that locks the same
  // study, until it ends: a no-op on SQLite, whose write transactions are
  // serial already; SELECT ... FOR UPDATE on the study's row on PostgreSQL.
  void lock_study(std::int64_t study_id);
  void commit();

 private:
  Connection& db_;
  bool done_ = false;
};

}  // namespace tunelab::sql
