#include "cli/text.h"

#include <fmt/format.h>

#include <cmath>

namespace tunelab::cli {

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

}  // namespace tunelab::cli
