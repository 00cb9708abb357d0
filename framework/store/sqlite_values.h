#pragma once
// Reading and writing numbers, states and times in the store's SQLite
// tables, shared by the store's writer and its queries.

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <ctime>
#include <limits>
#include <string>

#include <nlohmann/json.hpp>

#include "common/errors.h"
#include "search/sampler.h"

namespace tunelab::store_values {

inline std::string utc_now() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
  return fmt::format("{}.{:03d}Z", text, millis);
}

// SQLite turns NaN into NULL, and NULL already means "no value" (no
// validation split); so NaN is stored as the text 'NaN' and read back as NaN.
inline void bind_number(SQLite::Statement& q, int index, double value) {
  if (std::isnan(value))
    q.bind(index, "NaN");
  else
    q.bind(index, value);
}

inline void bind_optional(SQLite::Statement& q, int index, double value, bool present) {
  if (present)
    bind_number(q, index, value);
  else
    q.bind(index);
}

inline double read_number(const SQLite::Column& column) {
  if (column.isNull()) return std::numeric_limits<double>::quiet_NaN();
  if (column.isText())
    return column.getString() == "NaN" ? std::nan("") : std::stod(column.getString());
  return column.getDouble();
}

// A trial's params_json.
inline Params params_from(const SQLite::Column& column) {
  const nlohmann::json params = nlohmann::json::parse(column.getString());
  Params out;
  for (const auto& [k, v] : params.items()) out[k] = v;
  return out;
}

inline TrialState state_from(const std::string& text) {
  for (auto s : {TrialState::waiting, TrialState::running, TrialState::complete, TrialState::pruned,
                 TrialState::fail})
    if (text == to_string(s)) return s;
  throw StoreError("unknown trial state '" + text + "' in the store");
}

}  // namespace tunelab::store_values
