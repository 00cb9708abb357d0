#pragma once
// Reading and writing params, states and times in the store's tables, and
// the store's errors; shared by the store's writer and its queries.

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <string>

#include <nlohmann/json.hpp>

#include "common/errors.h"
#include "search/trial_state.h"
#include "store/sql/connection.h"

namespace tunelab::store_values {

// A failure of the database itself is the store's, named with the store.
template <typename Work>
auto in_store(const std::string& url, Work work) {
  try {
    return work();
  } catch (const sql::Error& e) {
    throw StoreError(fmt::format("{}: {}", url, e.what()));
  }
}

// Bytes as hexadecimal text and back: how files travel to and from a
// PostgreSQL bytea column (encode/decode(..., 'hex')) as text parameters.
inline std::string hex_of(const std::string& bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const unsigned char b : bytes) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

inline std::string bytes_of(const std::string& hex) {
  const auto value = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
  std::string out(hex.size() / 2, '\0');
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = static_cast<char>(value(hex[2 * i]) << 4 | value(hex[2 * i + 1]));
  return out;
}

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

// Seconds between two of the store's ISO 8601 UTC times; 0 when either is
// not one.
// A stored UTC time as seconds since 1970; -1 for text that is not one.
inline double seconds_since_epoch(const std::string& text) {
  std::tm tm{};
  double millis = 0;
  if (text.size() < 19 || !strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm)) return -1.0;
  if (text.size() > 20 && text[19] == '.') millis = std::atof(text.c_str() + 20);
  return static_cast<double>(timegm(&tm)) + millis / 1000.0;
}

inline double seconds_between(const std::string& from, const std::string& to) {
  const double a = seconds_since_epoch(from), b = seconds_since_epoch(to);
  return a < 0 || b < 0 ? 0.0 : b - a;
}

// A trial's params_json.
inline Params params_from(const std::string& text) {
  const nlohmann::json params = nlohmann::json::parse(text);
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
