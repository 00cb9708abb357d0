// NSGA-II (Deb et al. 2002) for studies of several objectives, with Optuna's
// defaults: generations of `population_size` trials; the first drawn at
// random; each later one bred from the elite of the trials before it
// (lowest front, then largest crowding distance), parents chosen by binary
// tournaments, uniform crossover (each param from either parent) with
// probability crossover_prob, and each param redrawn at random with
// probability mutation_prob (1 / the number of params by default).
//
// Stateless, as every sampler: the elite of generation g is computed from the
// finished trials numbered below g * population_size (and a warm start's),
// so a proposal depends on the seed, the trial's number and the history only.

#include <algorithm>
#include <cmath>

#include "common/derived_seeds.h"
#include "common/option_specs.h"
#include "common/seed_stream.h"
#include "plugins/builtins.h"
#include "search/pareto.h"

namespace tunelab {
namespace {

struct Nsga2Options {
  int population_size = 50;
  double crossover_prob = 0.9;
  double swapping_prob = 0.5;
  double mutation_prob = 0;  // 0: 1 / the number of params
};

class Nsga2Sampler : public Sampler {
 public:
  Nsga2Sampler(const SearchSpace& space, std::uint64_t seed, Nsga2Options options)
      : space_(space), seed_(seed), options_(options) {}

  bool handles_several_objectives() const override { return true; }

  std::optional<Params> propose(int number, const std::vector<FinishedTrial>& history) override {
    SeedStream uniform(derive_seed(seed_, static_cast<std::uint64_t>(number)));
    const int generation = number / options_.population_size;
    const std::vector<const FinishedTrial*> elite =
        generation == 0 ? std::vector<const FinishedTrial*>{}
                        : elite_before(generation * options_.population_size, history);
    if (elite.size() < 2) return random(uniform);

    const FinishedTrial& first = *tournament(elite, uniform);
    const FinishedTrial& second = *tournament(elite, uniform);
    const bool cross = uniform.next() < options_.crossover_prob;
    const double mutation = options_.mutation_prob > 0
                                ? options_.mutation_prob
                                : 1.0 / static_cast<double>(space_.dimensions.size());
    Params child;
    for (const Dimension& d : space_.dimensions) {
      const bool from_second = cross && uniform.next() < options_.swapping_prob;
      child[d.path] = (from_second ? second : first).params.at(d.path);
      if (uniform.next() < mutation) child[d.path] = d.value_at(uniform.next());
    }
    return child;
  }

 private:
  std::optional<Params> random(SeedStream& uniform) const {
    Params params;
    for (const Dimension& d : space_.dimensions) params[d.path] = d.value_at(uniform.next());
    return params;
  }

  // The population generation `before / population_size` breeds from: the
  // best population_size complete trials numbered below `before`, by front,
  // then by crowding distance within the last front taken.
  std::vector<const FinishedTrial*> elite_before(int before,
                                                 const std::vector<FinishedTrial>& history) {
    std::vector<const FinishedTrial*> pool;
    for (const auto& t : history)
      if (t.number < before && t.state == TrialState::complete && !t.values.empty() && covers(t))
        pool.push_back(&t);
    std::vector<std::vector<double>> points;
    for (const auto* t : pool) points.push_back(t->values);
    const std::vector<int> rank = front_ranks(points);
    rank_.clear();
    crowding_.clear();
    std::vector<const FinishedTrial*> elite;
    const auto size = static_cast<std::size_t>(options_.population_size);
    for (int front = 0; elite.size() < size; ++front) {
      std::vector<std::size_t> members;
      for (std::size_t i = 0; i < pool.size(); ++i)
        if (rank[i] == front) members.push_back(i);
      if (members.empty()) break;
      const std::vector<double> distance = crowding_distances(points, members);
      std::vector<std::size_t> order(members.size());
      for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
      // The widest spread first; ties by trial number, for determinism.
      std::stable_sort(order.begin(), order.end(),
                       [&](std::size_t a, std::size_t b) { return distance[a] > distance[b]; });
      for (std::size_t i = 0; i < order.size() && elite.size() < size; ++i) {
        const FinishedTrial* t = pool[members[order[i]]];
        elite.push_back(t);
        rank_[t] = front;
        crowding_[t] = distance[order[i]];
      }
    }
    return elite;
  }

  // The better of two elite members drawn at random: lower front, then
  // larger crowding distance, then the first drawn.
  const FinishedTrial* tournament(const std::vector<const FinishedTrial*>& elite,
                                  SeedStream& uniform) const {
    const auto draw = [&] {
      return elite[std::min(
          elite.size() - 1,
          static_cast<std::size_t>(uniform.next() * static_cast<double>(elite.size())))];
    };
    const FinishedTrial* a = draw();
    const FinishedTrial* b = draw();
    const int ra = rank_.at(a), rb = rank_.at(b);
    if (ra != rb) return ra < rb ? a : b;
    return crowding_.at(b) > crowding_.at(a) ? b : a;
  }

  bool covers(const FinishedTrial& t) const {
    return std::all_of(space_.dimensions.begin(), space_.dimensions.end(),
                       [&](const Dimension& d) { return t.params.count(d.path) != 0; });
  }

  const SearchSpace& space_;
  std::uint64_t seed_;
  Nsga2Options options_;
  // The last elite's fronts and crowding distances, for the tournaments.
  std::map<const FinishedTrial*, int> rank_;
  std::map<const FinishedTrial*, double> crowding_;
};

}  // namespace

void register_nsga2_sampler(Registrar& registrar) {
  static const Nsga2Options defaults;
  static const OptionSpecs options{
      {"population_size", OptionType::integer, defaults.population_size,
       "trials per generation; the first generation is random", OptionCheck::at_least(2)},
      {"crossover_prob", OptionType::number, defaults.crossover_prob,
       "the chance that a child mixes its two parents (else it copies the first)",
       OptionCheck::in_unit_interval()},
      {"swapping_prob", OptionType::number, defaults.swapping_prob,
       "in a crossover, the chance that a param comes from the second parent",
       OptionCheck::in_unit_interval()},
      {"mutation_prob", OptionType::number, defaults.mutation_prob,
       "the chance that a param is drawn again at random (0: 1 / the number of params)",
       OptionCheck::in_unit_interval()}};
  registrar.samplers.add("nsga2",
                         "NSGA-II genetic search for several objectives (Optuna's defaults)",
                         options, [](const SamplerRequest& request) -> std::unique_ptr<Sampler> {
                           const Args args = options.read(request.args);
                           Nsga2Options o;
                           o.population_size = static_cast<int>(args.integer("population_size"));
                           o.crossover_prob = args.number("crossover_prob");
                           o.swapping_prob = args.number("swapping_prob");
                           o.mutation_prob = args.number("mutation_prob");
                           return std::make_unique<Nsga2Sampler>(*request.space, request.seed, o);
                         });
}

}  // namespace tunelab
