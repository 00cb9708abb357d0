#include "plugins/samplers/condition_groups.h"

#include <algorithm>

#include "common/derived_seeds.h"

namespace tunelab {
namespace {

// Two dimensions with the same conditions are searched in the same trials.
std::string conditions_key(const Dimension& d) {
  std::string key;
  for (const auto& c : d.when) {
    key += c.parent + "=";
    for (const auto& v : c.values) key += v.dump() + ",";
    key += ";";
  }
  return key;
}

class GroupedSampler : public Sampler {
 public:
  GroupedSampler(const SamplerRequest& request, const SamplerFactory& flat)
      : space_(*request.space) {
    const std::vector<SearchSpace> groups = condition_groups(space_);
    for (std::size_t i = 0; i < groups.size(); ++i) {
      groups_.push_back(std::make_unique<SearchSpace>(groups[i]));
      SamplerRequest inner = request;
      inner.space = groups_.back().get();
      inner.seed = derive_seed(request.seed, "group " + groups[i].dimensions.front().path);
      samplers_.push_back(flat(inner));
      // The group's conditions are its first dimension's, in the whole space.
      const std::string& first = groups[i].dimensions.front().path;
      firsts_.push_back(&*std::find_if(space_.dimensions.begin(), space_.dimensions.end(),
                                       [&](const Dimension& d) { return d.path == first; }));
    }
  }

  std::optional<Params> propose(int number, const std::vector<FinishedTrial>& history) override {
    Params params;
    for (std::size_t i = 0; i < groups_.size(); ++i) {
      if (!space_.active(*firsts_[i], params)) continue;
      // Each group's sampler skips the trials that lack its dimensions.
      const std::optional<Params> part = samplers_[i]->propose(number, history);
      if (!part) return std::nullopt;
      params.insert(part->begin(), part->end());
    }
    return params;
  }

  bool reads_history() const override {
    return std::any_of(samplers_.begin(), samplers_.end(),
                       [](const auto& s) { return s->reads_history(); });
  }
  bool handles_several_objectives() const override {
    return std::all_of(samplers_.begin(), samplers_.end(),
                       [](const auto& s) { return s->handles_several_objectives(); });
  }

 private:
  const SearchSpace& space_;
  std::vector<std::unique_ptr<SearchSpace>> groups_;
  std::vector<std::unique_ptr<Sampler>> samplers_;
  std::vector<const Dimension*> firsts_;  // each group's first dimension, as the space has it
};

}  // namespace

std::vector<SearchSpace> condition_groups(const SearchSpace& space) {
  std::vector<std::string> keys;
  std::vector<SearchSpace> groups;
  // The space lists parents before children, so a group's parents are in
  // groups before it.
  for (Dimension d : space.dimensions) {
    const std::string key = conditions_key(d);
    auto at = std::find(keys.begin(), keys.end(), key);
    if (at == keys.end()) {
      keys.push_back(key);
      groups.emplace_back();
      at = keys.end() - 1;
    }
    d.when.clear();
    groups[static_cast<std::size_t>(at - keys.begin())].dimensions.push_back(std::move(d));
  }
  return groups;
}

std::unique_ptr<Sampler> by_condition_groups(const SamplerRequest& request,
                                             const SamplerFactory& flat) {
  if (!request.space->conditional()) return flat(request);
  return std::make_unique<GroupedSampler>(request, flat);
}

}  // namespace tunelab
