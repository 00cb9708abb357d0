#include "common/near_matches.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <numeric>

namespace tunelab {
namespace {

std::string lowered(const std::string& s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Optimal string alignment distance: Levenshtein plus adjacent transpositions,
// which are the most common typo ("rleu" for "relu").
std::size_t edit_distance(const std::string& a, const std::string& b) {
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1));
  for (std::size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[n][m];
}

}  // namespace

std::vector<std::string> near_matches(const std::string& wanted,
                                      const std::vector<std::string>& candidates,
                                      std::size_t max_results) {
  const std::string w = lowered(wanted);
  std::vector<std::pair<std::size_t, std::string>> scored;
  for (const auto& candidate : candidates) {
    const std::string c = lowered(candidate);
    const std::size_t limit = std::max<std::size_t>(2, std::max(w.size(), c.size()) / 3);
    const std::size_t distance = edit_distance(w, c);
    const bool prefix = !w.empty() && c.rfind(w, 0) == 0;
    // An exact (case-insensitive) match ranks first, then names the input
    // starts, then the nearest typos.
    if (distance == 0)
      scored.emplace_back(0, candidate);
    else if (prefix)
      scored.emplace_back(1, candidate);
    else if (distance <= limit)
      scored.emplace_back(2 * distance, candidate);
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
  // Only the closest: 'rellu' suggests 'relu', not also 'relu6' and 'prelu'.
  std::vector<std::string> out;
  for (const auto& entry : scored) {
    if (out.size() == max_results || entry.first > scored.front().first) break;
    out.push_back(entry.second);
  }
  return out;
}

std::string unknown_name_message(const std::string& kind, const std::string& wanted,
                                 const std::vector<std::string>& known) {
  const auto close = near_matches(wanted, known);
  if (close.empty())
    return fmt::format("unknown {} '{}' (known: {})", kind, wanted, fmt::join(known, ", "));
  std::vector<std::string> quoted;
  for (const auto& name : close) quoted.push_back("'" + name + "'");
  return fmt::format("unknown {} '{}' (did you mean {}?)", kind, wanted, fmt::join(quoted, " or "));
}

}  // namespace tunelab
