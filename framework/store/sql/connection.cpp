#include "store/sql/connection.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>

namespace tunelab::sql {

const Value& Rows::at(int column) const {
  if (at_ >= rows_.size()) throw Error("a query's row read before next() or after the last", false);
  const auto& row = rows_[at_];
  if (column < 0 || static_cast<std::size_t>(column) >= row.size())
    throw Error(fmt::format("a query has no column {}", column), false);
  return row[static_cast<std::size_t>(column)];
}

bool Rows::is_null(int column) const { return std::holds_alternative<Null>(at(column)); }

std::string Rows::text(int column) const {
  const Value& v = at(column);
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&v)) return fmt::format("{}", *d);
  return "";
}

std::int64_t Rows::int64(int column) const {
  const Value& v = at(column);
  if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
  if (const auto* d = std::get_if<double>(&v)) return static_cast<std::int64_t>(*d);
  if (const auto* s = std::get_if<std::string>(&v)) return std::strtoll(s->c_str(), nullptr, 10);
  return 0;
}

double Rows::number(int column) const {
  const Value& v = at(column);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
  // SQLite holds NaN as the text 'NaN'; strtod reads it, and PostgreSQL's
  // "Infinity", too.
  if (const auto* s = std::get_if<std::string>(&v)) return std::strtod(s->c_str(), nullptr);
  return std::nan("");
}

Transaction::~Transaction() {
  if (done_) return;
  try {
    db_.rollback();
  } catch (...) {  // the connection is gone: nothing left to undo
  }
}

void Transaction::lock_study(std::int64_t study_id) {
  if (db_.dialect() == Dialect::postgresql)
    db_.query("SELECT study_id FROM studies WHERE study_id = ? FOR UPDATE", {study_id});
}

void Transaction::commit() {
  db_.commit();
  done_ = true;
}

}  // namespace tunelab::sql
