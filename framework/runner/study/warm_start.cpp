#include "runner/study/warm_start.h"

#include <fmt/format.h>

#include <cmath>

#include "common/errors.h"
#include "common/json_paths.h"

namespace tunelab {
namespace {

// A source trial's values for every dimension of `space` that they leave
// searched, or nothing when one is missing or outside the space.
std::optional<Params> fitted_params(const SearchSpace& space, const Params& ran,
                                    const nlohmann::json& source_config) {
  Params params;
  for (const Dimension& d : space.dimensions) {
    if (!space.active(d, params)) continue;  // parents come first
    const auto given = ran.find(d.path);
    const nlohmann::json value =
        given != ran.end() ? given->second : value_at_path(source_config, d.path);
    if (value.is_null() || d.refusal(value)) return std::nullopt;
    params[d.path] = value;
  }
  return params;
}

}  // namespace

std::vector<WarmStartTrial> gather_warm_start(const ExperimentConfig& config, Store& store,
                                              const std::string& study_name) {
  std::vector<WarmStartTrial> out;
  const auto& sources = config.search.warm_start;
  for (std::size_t i = 0; i < sources.size(); ++i) {
    const SearchConfig::WarmStart& source = sources[i];
    const std::string at =
        sources.size() == 1 ? "search.warm_start" : fmt::format("search.warm_start[{}]", i);
    if (source.storage.empty() && source.study == study_name)
      throw ConfigError(
          at + ".study",
          fmt::format("study '{}' is the study being run: name an earlier one", source.study));
    std::unique_ptr<StudyQueries> other;
    if (!source.storage.empty()) {
      try {
        other = Store::open_existing(source.storage);
      } catch (const InputError& e) {
        throw ConfigError(at + ".storage", e.what());
      }
    }
    StudyQueries& from = other ? *other : store;
    StudyInfo study;
    try {
      study = from.study(source.study);
    } catch (const InputError& e) {
      throw ConfigError(at + ".study", e.what());
    }
    const auto described = [](const std::vector<Objective>& objectives) {
      std::string text;
      for (const auto& o : objectives)
        text +=
            fmt::format("{}{} ({})", text.empty() ? "" : ", ", o.metric, to_string(o.direction));
      return text;
    };
    const std::vector<Objective>& wanted = config.search.objectives;
    if (study.objectives != wanted)
      throw ConfigError(at + ".study",
                        fmt::format("study '{}' was judged by {}, this one by {}: their values do "
                                    "not compare",
                                    study.name, described(study.objectives), described(wanted)));
    for (const TrialInfo& t : from.trials(study.id)) {
      if ((t.state != TrialState::complete && t.state != TrialState::pruned) ||
          !std::isfinite(t.value))
        continue;
      const auto params = fitted_params(config.search.space, t.params, study.config);
      if (!params) continue;
      WarmStartTrial w{study.name, source.storage, t.number, t.state, t.value, *params, t.values};
      if (w.values.empty()) w.values = {t.value};  // a store from before several objectives
      if (w.values.size() != wanted.size()) continue;
      out.push_back(std::move(w));
    }
  }
  return out;
}

std::vector<FinishedTrial> warm_start_history(const std::vector<WarmStartTrial>& trials) {
  std::vector<FinishedTrial> history;
  const int count = static_cast<int>(trials.size());
  for (int i = 0; i < count; ++i) {
    const WarmStartTrial& t = trials[static_cast<std::size_t>(i)];
    FinishedTrial f;
    f.number = i - count;
    f.state = t.state;
    f.params = t.params;
    f.value = t.value;
    f.values = t.values;
    history.push_back(std::move(f));
  }
  return history;
}

}  // namespace tunelab
