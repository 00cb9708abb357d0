#pragma once
// What the dashboard's JSON API answers, read from a store: the studies, one
// study (its trials, importance, front and experiment file), trials' curves,
// one trial in full, studies compared, and a study's progress for polling.
// Every answer is plain JSON (NaN: null); names are data, never markup.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/study_queries.h"

namespace tunelab {

// Every study: state counts, best value, objectives, sampler, times.
nlohmann::json studies_json(StudyQueries& store);

// One study with its trials (params, values, metrics, states), parameter
// importance (the numbers `tunelab best` prints), Pareto front for several
// objectives, and its experiment file as YAML. InputError for an unknown name.
// Without `importance`, its "importance" is null (the server computes it less
// often than a running study changes).
nlohmann::json study_json(StudyQueries& store, const std::string& name, bool importance = true);

// The per-epoch curves of the study's trials numbered `numbers`.
nlohmann::json curves_json(StudyQueries& store, const std::string& name,
                           const std::vector<int>& numbers);

// One trial in full: its record (params, seed, losses, metrics, weights
// file), its curve, and the study's provenance.
nlohmann::json trial_json(StudyQueries& store, const std::string& name, int number);

// Studies side by side, as `tunelab compare` shows them.
nlohmann::json comparison_json(StudyQueries& store, const std::vector<std::string>& names);

// The study's trials by state and its epochs, counted in one query; with an
// empty name, every study's trials (and how many studies there are).
nlohmann::json progress_json(StudyQueries& store, const std::string& name);

}  // namespace tunelab
