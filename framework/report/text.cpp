#include "report/text.h"

#include <fmt/format.h>

#include <cmath>

namespace tunelab {
namespace {

constexpr const char* kPlainCharacters =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.:/";

}  // namespace

std::string shown(double value) { return std::isnan(value) ? "-" : fmt::format("{:.6g}", value); }

std::string params_text(const Params& params) {
  std::string text;
  for (const auto& [path, value] : params) {
    const std::string shown = value.is_number_float() ? fmt::format("{:.4g}", value.get<double>())
                              : value.is_string()     ? value.get<std::string>()
                                                      : value.dump();
    text += (text.empty() ? "" : " ") + path + "=" + shown;
  }
  return text;
}

std::string clock_text(double seconds) {
  const auto s = static_cast<long>(std::lround(seconds));
  return s >= 3600 ? fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
                   : fmt::format("{}:{:02}", s / 60, s % 60);
}

std::string shell_word(const std::string& text) {
  if (!text.empty() && text.find_first_not_of(kPlainCharacters) == std::string::npos) return text;
  std::string out = "'";
  for (const char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string file_name_for(const std::string& name) {
  std::string out;
  for (const char c : name)
    out += std::string(kPlainCharacters).find(c) == std::string::npos || c == '/' || c == ':' ? '-'
                                                                                              : c;
  return out.empty() || out.front() == '.' || out.front() == '-' ? "study" + out : out;
}

}  // namespace tunelab
