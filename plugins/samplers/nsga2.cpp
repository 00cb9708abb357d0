// NSGA-II (Deb et al. 2002) for studies of several objectives, with Optuna's
// defaults: generations of `population_size` trials; the first drawn at
// random (or bred from a warm start's trials); each later one bred from the elite of the trials
// before it (lowest front, then largest crowding distance), parents chosen by binary tournaments,
// uniform crossover (each param from either parent) with probability crossover_prob, and each param
// redrawn at random with probability mutation_prob (1 / the number of params by default).
//
// Under search.constraints an infeasible trial ranks after every feasible
// one, the less violation the better (constrained domination).
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
#include "plugins/samplers/condition_groups.h"
#include "plugins/samplers/unit_cube.h"
#include "search/constraints.h"
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
    // Generation 0 is drawn at random, unless a warm start gave trials
    // (numbered below 0) to breed it from.
    const int generation = number / options_.population_size;
    const Elite elite = elite_before(generation * options_.population_size, history);
    if (elite.members.size() < 2) return random_params(space_, uniform);

    const FinishedTrial& first = *elite.members[tournament(elite, uniform)];
    const FinishedTrial& second = *elite.members[tournament(elite, uniform)];
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
  // The population generation `before / population_size` breeds from: the
  // best population_size complete trials numbered below `before`, by front,
  // then by crowding distance within the last front taken; each with its
  // front and crowding distance, for the tournaments.
  struct Elite {
    std::vector<const FinishedTrial*> members;
    std::vector<int> front;
    std::vector<double> crowding;
  };
  Elite elite_before(int before, const std::vector<FinishedTrial>& history) const {
    std::vector<const FinishedTrial*> pool;
    std::vector<std::vector<double>> points;
    std::vector<double> violations;
    for (const auto& t : history)
      if (t.number < before && t.state == TrialState::complete && !t.values.empty() &&
          covers_space(space_, t)) {
        pool.push_back(&t);
        points.push_back(t.values);
        violations.push_back(t.violation());
      }
    // Under search.constraints, constrained domination (Deb et al. 2002,
    // as Optuna's constraints_func): every feasible trial before every
    // infeasible one, these by how far they are out.
    const DominanceRanking ranking = rank_by_constrained_dominance(points, violations);
    Elite elite;
    const auto size = static_cast<std::size_t>(options_.population_size);
    for (std::size_t i : ranking.order) {
      if (elite.members.size() == size || ranking.front[i] < 0) break;
      elite.members.push_back(pool[i]);
      elite.front.push_back(ranking.front[i]);
      elite.crowding.push_back(ranking.crowding[i]);
    }
    return elite;
  }

  // The better of two elite members drawn at random (their index): lower
  // front, then larger crowding distance, then the first drawn.
  static std::size_t tournament(const Elite& elite, SeedStream& uniform) {
    const std::size_t size = elite.members.size();
    const auto draw = [&] {
      return std::min(size - 1,
                      static_cast<std::size_t>(uniform.next() * static_cast<double>(size)));
    };
    const std::size_t a = draw(), b = draw();
    if (elite.front[a] != elite.front[b]) return elite.front[a] < elite.front[b] ? a : b;
    return elite.crowding[b] > elite.crowding[a] ? b : a;
  }

  const SearchSpace& space_;
  std::uint64_t seed_;
  Nsga2Options options_;
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
                           // A conditional space: a population per group of
                           // dimensions searched together, so that only
                           // genes both parents searched cross over.
                           return by_condition_groups(request, [o](const SamplerRequest& group) {
                             return std::make_unique<Nsga2Sampler>(*group.space, group.seed, o);
                           });
                         });
}

}  // namespace tunelab
