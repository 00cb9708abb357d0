// Every combination of the dimensions' grid values, in a seeded random order
// (as Optuna's GridSampler), so that a study stopped early still covers the
// space evenly. The study ends when the grid is exhausted. In a conditional
// space only the combinations that differ in searched dimensions count.

#include <fmt/format.h>

#include <algorithm>
#include <random>

#include "common/option_specs.h"
#include "plugins/builtins.h"

namespace tunelab {
namespace {

class GridSampler : public Sampler {
 public:
  GridSampler(const SearchSpace& space, std::uint64_t seed, std::size_t points, bool shuffle)
      : space_(space) {
    std::size_t total = 1;
    // Counted before any axis is made: one fine axis alone could fill memory.
    for (const auto& d : space.dimensions) {
      const std::size_t size = d.grid_size(points);
      if (size > kMaxPoints || total * size > kMaxPoints)
        throw ConfigError("", fmt::format("the grid has more than {} points ({} has {:.3g})",
                                          kMaxPoints, d.path, static_cast<double>(size)));
      total *= size;
    }
    for (const auto& d : space.dimensions) axes_.push_back(d.grid(points));
    total = 1;
    for (const auto& axis : axes_) total *= axis.size();
    for (std::size_t i = 0; i < total; ++i)
      if (!space.conditional() || canonical(i)) order_.push_back(i);
    total = order_.size();
    if (shuffle) {
      std::mt19937_64 rng(seed);
      // Fisher-Yates with the engine's raw output: std::shuffle's use of the
      // engine is unspecified, and the order must not change between builds.
      for (std::size_t i = total; i > 1; --i) std::swap(order_[i - 1], order_[rng() % i]);
    }
  }

  bool reads_history() const override { return false; }

  std::optional<Params> propose(int number, const std::vector<FinishedTrial>&) override {
    if (number < 0 || static_cast<std::size_t>(number) >= order_.size()) return std::nullopt;
    return params_of(order_[static_cast<std::size_t>(number)]);
  }

 private:
  Params params_of(std::size_t index) const {
    Params params;
    for (std::size_t d = 0; d < axes_.size(); ++d) {
      params[space_.dimensions[d].path] = axes_[d][index % axes_[d].size()];
      index /= axes_[d].size();
    }
    return params;
  }

  // In a conditional space, combinations that differ only in dimensions
  // their parents leave unsearched are one trial: the one with each such
  // dimension at its first value stands for them all.
  bool canonical(std::size_t index) const {
    const Params searched = space_.active_only(params_of(index));
    for (std::size_t d = 0; d < axes_.size(); ++d) {
      if (!searched.count(space_.dimensions[d].path) && index % axes_[d].size() != 0) return false;
      index /= axes_[d].size();
    }
    return true;
  }

  static constexpr std::size_t kMaxPoints = 10'000'000;
  const SearchSpace& space_;
  std::vector<std::vector<nlohmann::json>> axes_;
  std::vector<std::size_t> order_;
};

}  // namespace

void register_grid_sampler(Registrar& registrar) {
  static const OptionSpecs options{
      {"points", OptionType::integer, 5, "values per float range", OptionCheck::at_least(1)},
      {"shuffle", OptionType::boolean, true, "visit the grid in seeded random order"}};
  registrar.samplers.add("grid", "every combination once, in seeded random order", options,
                         [](const SamplerRequest& request) -> std::unique_ptr<Sampler> {
                           const Args args = options.read(request.args);
                           return std::make_unique<GridSampler>(
                               *request.space, request.seed,
                               static_cast<std::size_t>(args.integer("points")),
                               args.boolean("shuffle", true));
                         });
}

}  // namespace tunelab
