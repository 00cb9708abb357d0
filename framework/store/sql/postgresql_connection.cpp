// The store's connection to a PostgreSQL server, through libpq. Parameters
// go as text and the server infers their types from where they stand, as it
// does for a literal; results come back as text and are read by column type.

#include <fmt/format.h>
#include <libpq-fe.h>

#include <cmath>
#include <cstdlib>
#include <cstring>

#include "store/sql/connection.h"
#include "store/sql/placeholders.h"

namespace tunelab::sql {
namespace {

// Type OIDs, fixed in PostgreSQL's catalog (pg_type.dat).
constexpr Oid kInt8 = 20, kInt2 = 21, kInt4 = 23, kFloat4 = 700, kFloat8 = 701, kNumeric = 1700;

std::string text_of(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  return fmt::format("{}", d);  // the shortest text that reads back as d
}

// A result that frees itself.
struct Result {
  PGresult* r;
  explicit Result(PGresult* result) : r(result) {}
  ~Result() { PQclear(r); }
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;
};

bool transient_state(const char* sqlstate) {
  // serialization_failure, deadlock_detected, lock_not_available
  return sqlstate && (!std::strcmp(sqlstate, "40001") || !std::strcmp(sqlstate, "40P01") ||
                      !std::strcmp(sqlstate, "55P03"));
}

void ignore_notice(void*, const char*) {}

// libpq's messages end in a newline.
std::string trimmed(std::string message) {
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return message;
}

class PostgresqlConnection final : public Connection {
 public:
  explicit PostgresqlConnection(PGconn* conn) : conn_(conn) {}
  ~PostgresqlConnection() override { PQfinish(conn_); }

  Dialect dialect() const override { return Dialect::postgresql; }

  Rows query(const std::string& sql, const Params& params) override {
    const Result result(run(sql, params));
    const int rows = PQntuples(result.r), columns = PQnfields(result.r);
    std::vector<std::vector<Value>> out(static_cast<std::size_t>(rows));
    for (int i = 0; i < rows; ++i) {
      auto& row = out[static_cast<std::size_t>(i)];
      row.reserve(static_cast<std::size_t>(columns));
      for (int c = 0; c < columns; ++c) {
        if (PQgetisnull(result.r, i, c)) {
          row.emplace_back(Null{});
          continue;
        }
        const char* text = PQgetvalue(result.r, i, c);
        const Oid type = PQftype(result.r, c);
        if (type == kInt8 || type == kInt4 || type == kInt2)
          row.emplace_back(static_cast<std::int64_t>(std::strtoll(text, nullptr, 10)));
        else if (type == kFloat8 || type == kFloat4 || type == kNumeric)
          row.emplace_back(std::strtod(text, nullptr));
        else
          row.emplace_back(std::string(text));
      }
    }
    return Rows(std::move(out));
  }

  int execute(const std::string& sql, const Params& params) override {
    const Result result(run(sql, params));
    return std::atoi(PQcmdTuples(result.r));
  }

  void execute_script(const std::string& sql) override {
    const Result result(PQexec(conn_, sql.c_str()));
    check(result.r);
  }

  bool table_exists(const std::string& table) override {
    Rows r = query("SELECT to_regclass(?) IS NOT NULL", {table});
    return r.next() && r.text(0) == "t";
  }

  bool has_column(const std::string& table, const std::string& column) override {
    Rows r = query(
        "SELECT count(*) FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = ? AND column_name = ?",
        {table, column});
    return r.next() && r.int64(0) > 0;
  }

  void begin() override { execute_script("BEGIN"); }
  void commit() override { execute_script("COMMIT"); }
  void rollback() override { execute_script("ROLLBACK"); }

 private:
  PGresult* run(const std::string& sql, const Params& params) {
    std::vector<std::string> texts(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    for (std::size_t i = 0; i < params.size(); ++i) {
      const Value& v = params[i];
      if (const auto* n = std::get_if<std::int64_t>(&v))
        texts[i] = std::to_string(*n);
      else if (const auto* d = std::get_if<double>(&v))
        texts[i] = text_of(*d);
      else if (const auto* s = std::get_if<std::string>(&v))
        texts[i] = *s;
      else
        continue;  // NULL
      values[i] = texts[i].c_str();
    }
    PGresult* result =
        PQexecParams(conn_, numbered_placeholders(sql).c_str(), static_cast<int>(params.size()),
                     nullptr, values.data(), nullptr, nullptr, 0);
    try {
      check(result);
    } catch (...) {
      PQclear(result);
      throw;
    }
    return result;
  }

  void check(PGresult* result) {
    const ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return;
    std::string message = result ? PQresultErrorMessage(result) : PQerrorMessage(conn_);
    if (message.empty()) message = PQerrorMessage(conn_);
    throw Error(trimmed(message),
                result && transient_state(PQresultErrorField(result, PG_DIAG_SQLSTATE)));
  }

  PGconn* conn_;
};

}  // namespace

std::unique_ptr<Connection> open_postgresql(const std::string& url) {
  // A server that does not answer is given up after 10 s rather than the
  // system's TCP timeout, unless the URL or PGCONNECT_TIMEOUT says otherwise
  // (the URL comes after the default, so its own value wins).
  const bool timeout_set = std::getenv("PGCONNECT_TIMEOUT") != nullptr;
  const char* keywords[] = {"connect_timeout", "dbname", nullptr};
  const char* values[] = {"10", url.c_str(), nullptr};
  PGconn* conn = PQconnectdbParams(keywords + (timeout_set ? 1 : 0), values + (timeout_set ? 1 : 0),
                                   /*expand_dbname=*/1);
  if (!conn) throw Error("out of memory connecting to PostgreSQL", false);
  if (PQstatus(conn) != CONNECTION_OK) {
    const std::string message = trimmed(PQerrorMessage(conn));
    PQfinish(conn);
    throw Error(message, false);
  }
  // "relation already exists, skipping" and the like are not for users.
  PQsetNoticeProcessor(conn, ignore_notice, nullptr);
  auto connection = std::make_unique<PostgresqlConnection>(conn);
  connection->execute_script("SET client_min_messages = warning");
  return connection;
}

}  // namespace tunelab::sql
