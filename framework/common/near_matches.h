#pragma once
// "Did you mean ...?" suggestions for mistyped names.

#include <string>
#include <vector>

namespace tunelab {

// The names from `candidates` closest to `wanted`: those that `wanted` is a
// prefix of, or else those at the smallest case-insensitive edit distance,
// if it is within a third of the longer name (at least 2).
std::vector<std::string> near_matches(const std::string& wanted,
                                      const std::vector<std::string>& candidates,
                                      std::size_t max_results = 3);

// "unknown activation 'rellu' (did you mean 'relu'?)", or, with no near match,
// the list of known names.
std::string unknown_name_message(const std::string& kind, const std::string& wanted,
                                 const std::vector<std::string>& known);

}  // namespace tunelab
