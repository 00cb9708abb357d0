// The tree-structured Parzen estimator (Bergstra et al. 2011), with the
// estimator of Optuna 4 and later: after `startup_trials` trials of a
// design, the finished trials are split into the best gamma (10%, at most
// 25) and the rest; a Parzen estimator is fitted to each, `candidates`
// points are drawn from the good one, and the point where good/rest is
// largest is proposed. Multivariate by default (joint components, each as
// wide as its gap to its neighbours in each dimension); `multivariate:
// false` models each dimension on its own, `bandwidth: scott` and
// `weigh_by_bandwidth: true` give Optuna 3.1's estimator. Pruned trials
// count among the rest. Three departures from Optuna, each measured ahead
// of it on the analytic functions (docs/performance.md): the design is a scrambled Sobol
// sequence, not random points (`design: random`); with one objective the
// good trials weigh by how far each is below the best of the rest, as
// expected improvement would (Watanabe 2023; `good_weights: recency` is
// Optuna's), and the good density's kernels may narrow as the whole
// history grows, not only as the good trials do (`narrowest: own` is
// Optuna's rule).

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>

#include "common/derived_seeds.h"
#include "common/option_specs.h"
#include "common/seed_stream.h"
#include "plugins/builtins.h"
#include "plugins/samplers/condition_groups.h"
#include "plugins/samplers/parzen.h"
#include "plugins/samplers/scrambled_sobol.h"
#include "plugins/samplers/unit_cube.h"
#include "search/constraints.h"
#include "search/pareto.h"

namespace tunelab {
namespace {

// What sets how narrow the good density's kernels may get (Optuna's "magic
// clip", 1 / (1 + kernels)): its own kernels, as Optuna (with the good
// trials a tenth of the history, the narrowest kernel stays a seventh of the
// range at 50 trials, too wide to close in on a minimum), or the history:
// the good trials plus the rest's (a share min(1, 4/d) of them, since in many
// dimensions narrow kernels stop the search short on the first slope).
enum class Narrowing { history, own };

// How the good trials weigh in their density: by how far each is below the
// best of the rest, so that the best trial draws most candidates (with
// equal weights, a cluster of trials just inside the split outweighs a lone
// best one); or, as Optuna, by age (all alike up to 25 trials).
enum class GoodWeights { improvement, recency };

struct TpeOptions {
  int startup_trials = 10;
  int candidates = 24;
  double gamma = 0.1;
  bool sobol_design = true;
  Narrowing narrowing = Narrowing::history;
  GoodWeights good_weights = GoodWeights::improvement;
  tpe::ParzenOptions parzen;
};

// Optuna's weights for n trials in trial order: the last 25 weigh 1, older
// ones ramp up from 1/n.
std::vector<double> recency_weights(std::size_t n) {
  std::vector<double> w(n, 1.0);
  if (n < 25) return w;
  const std::size_t ramp = n - 25;
  for (std::size_t i = 0; i < ramp; ++i)
    w[i] = ramp == 1 ? 1.0 / static_cast<double>(n)
                     : 1.0 / static_cast<double>(n) + (1.0 - 1.0 / static_cast<double>(n)) *
                                                          static_cast<double>(i) /
                                                          static_cast<double>(ramp - 1);
  return w;
}

class TpeSampler : public Sampler {
 public:
  TpeSampler(const SearchSpace& space, std::uint64_t seed, TpeOptions options)
      : space_(space),
        seed_(seed),
        options_(options),
        design_(space.dimensions.size(), derive_seed(seed, "design")) {}

  // Several objectives: the good trials are the first fronts (MOTPE).
  bool handles_several_objectives() const override { return true; }

  std::optional<Params> propose(int number, const std::vector<FinishedTrial>& history) override {
    SeedStream uniform(derive_seed(seed_, static_cast<std::uint64_t>(number)));
    // Complete trials, best first (ties: earlier first); then pruned ones.
    // Under search.constraints the infeasible come after every feasible
    // one, least violation first (Optuna's constraints_func rule), so they
    // count among the good trials only while too few are feasible.
    std::vector<const FinishedTrial*> complete, pruned;
    for (const auto& t : history) {
      if (!covers_space(space_, t)) continue;
      if (t.state == TrialState::complete && (std::isfinite(t.value) || !t.feasible()))
        complete.push_back(&t);
      if (t.state == TrialState::pruned) pruned.push_back(&t);
    }
    if (static_cast<int>(complete.size()) < options_.startup_trials)
      return options_.sobol_design
                 ? params_at(space_, design_.point(static_cast<std::uint64_t>(number)))
                 : random_params(space_, uniform);
    const bool several_objectives = !complete.empty() && complete.front()->values.size() > 1;
    rank(complete, several_objectives);
    const std::size_t n = complete.size() + pruned.size();
    const auto n_below = std::min<std::size_t>(
        static_cast<std::size_t>(std::ceil(options_.gamma * static_cast<double>(n))), 25);
    std::vector<const FinishedTrial*> below(
        complete.begin(), complete.begin() + static_cast<long>(std::min(n_below, complete.size())));
    std::vector<const FinishedTrial*> above(complete.begin() + static_cast<long>(below.size()),
                                            complete.end());
    above.insert(above.end(), pruned.begin(), pruned.end());
    tpe::ParzenOptions good_options = options_.parzen;
    if (options_.narrowing == Narrowing::history)
      good_options.narrowest_kernels =
          static_cast<double>(below.size() + 1) +
          std::min(1.0, 4.0 / static_cast<double>(space_.dimensions.size())) *
              static_cast<double>(n - below.size());
    // The split: the best value among the rest (none when the rest holds
    // only pruned trials).
    std::optional<double> split;
    if (options_.good_weights == GoodWeights::improvement && !several_objectives &&
        below.size() < complete.size() && complete[below.size()]->feasible())
      split = complete[below.size()]->value;
    const tpe::ParzenEstimator good = estimator(below, good_options, split),
                               rest = estimator(above, options_.parzen);

    tpe::Point best;
    if (options_.parzen.multivariate) {
      double best_score = -INFINITY;
      for (int c = 0; c < options_.candidates; ++c) {
        const std::size_t k = good.component(uniform.next());
        tpe::Point x;
        for (std::size_t d = 0; d < space_.dimensions.size(); ++d)
          x.push_back(good.sample(k, d, uniform.next()));
        const double score = good.joint_log_pdf(x) - rest.joint_log_pdf(x);
        if (score > best_score) best_score = score, best = x;
      }
    } else {
      for (std::size_t d = 0; d < space_.dimensions.size(); ++d) {
        double best_x = 0, best_score = -INFINITY;
        for (int c = 0; c < options_.candidates; ++c) {
          const double x = good.sample(good.component(uniform.next()), d, uniform.next());
          const double score = good.marginal_log_pdf(d, x) - rest.marginal_log_pdf(d, x);
          if (score > best_score) best_score = score, best_x = x;
        }
        best.push_back(best_x);
      }
    }
    Params params;
    for (std::size_t d = 0; d < space_.dimensions.size(); ++d) {
      const Dimension& dim = space_.dimensions[d];
      params[dim.path] = dim.kind == Dimension::Kind::categorical
                             ? dim.choice(static_cast<std::size_t>(best[d]))
                             : dim.value_at(best[d]);
    }
    return params;
  }

 private:
  // Best first: by value, or with several objectives (MOTPE, Ozaki et al.
  // 2020) by non-dominated front, within a front the most isolated first
  // (crowding distance, where Optuna weighs by hypervolume contribution),
  // then by trial order (a trial with another number of values last);
  // infeasible trials after the feasible ones, by violation.
  static void rank(std::vector<const FinishedTrial*>& trials, bool several_objectives) {
    std::vector<double> violations;
    for (const auto* t : trials) violations.push_back(t->violation());
    std::vector<std::size_t> order;
    if (several_objectives) {
      std::vector<std::vector<double>> points;
      for (const auto* t : trials) points.push_back(t->values);
      order = rank_by_constrained_dominance(points, violations).order;
    } else {
      std::vector<double> values;
      for (const auto* t : trials) values.push_back(t->value);
      order = rank_feasible_first(values, violations);
    }
    std::vector<const FinishedTrial*> sorted;
    for (std::size_t i : order) sorted.push_back(trials[i]);
    trials.swap(sorted);
  }

  tpe::Point position(const FinishedTrial& t) const {
    tpe::Point p;
    for (const auto& d : space_.dimensions) p.push_back(d.position_of(t.params.at(d.path)));
    return p;
  }

  // Fitted to `trials`: weighted by their age in trial-number order or,
  // given the `split` value, each by how far it is below it (never quite 0),
  // with the prior as heavy as the average trial times `prior_weight`.
  tpe::ParzenEstimator estimator(std::vector<const FinishedTrial*> trials,
                                 tpe::ParzenOptions options,
                                 std::optional<double> split = std::nullopt) const {
    std::sort(trials.begin(), trials.end(),
              [](const FinishedTrial* a, const FinishedTrial* b) { return a->number < b->number; });
    std::vector<tpe::Point> points;
    for (const auto* t : trials) points.push_back(position(*t));
    if (!split || trials.empty())
      return tpe::ParzenEstimator(space_, points, recency_weights(points.size()), options);
    std::vector<double> weights;
    for (const auto* t : trials) weights.push_back(std::max(*split - t->value, 1e-12));
    options.prior_weight *=
        std::accumulate(weights.begin(), weights.end(), 0.0) / static_cast<double>(weights.size());
    return tpe::ParzenEstimator(space_, points, weights, options);
  }

  const SearchSpace& space_;
  std::uint64_t seed_;
  TpeOptions options_;
  ScrambledSobol design_;
};

}  // namespace

void register_tpe_sampler(Registrar& registrar) {
  static const TpeOptions defaults;
  static const OptionSpecs options{
      {"startup_trials", OptionType::integer, defaults.startup_trials,
       "trials of the design before the estimator", OptionCheck::at_least(0)},
      {"design", OptionType::text, "sobol",
       "the start-up trials: sobol (a scrambled Sobol sequence; default with one objective) or "
       "random (Optuna's; default with several)",
       OptionCheck::one_of({"sobol", "random"})},
      {"candidates", OptionType::integer, defaults.candidates,
       "candidates drawn from the good trials' density per proposal", OptionCheck::at_least(1)},
      {"gamma", OptionType::number, defaults.gamma, "the share of trials counted as good",
       OptionCheck::in_unit_interval()},
      {"prior_weight", OptionType::number, defaults.parzen.prior_weight,
       "weight of the prior in each density, where a recent trial weighs 1 (an average one among "
       "good trials weighed by improvement)",
       OptionCheck::positive()},
      {"good_weights", OptionType::text, "improvement",
       "how the good trials weigh: improvement (by how far each is below the best of the rest; "
       "with one objective) or recency (by age, as Optuna)",
       OptionCheck::one_of({"improvement", "recency"})},
      {"multivariate", OptionType::boolean, defaults.parzen.multivariate,
       "model the dimensions jointly (default: with one objective; each on its own with several)"},
      {"weigh_by_bandwidth", OptionType::boolean, defaults.parzen.weigh_by_bandwidth,
       "weigh kernels by their bandwidth"},
      {"bandwidth", OptionType::text, "neighbours",
       "neighbours (each kernel as wide as its gap to its neighbours) or scott (one width)",
       OptionCheck::one_of({"neighbours", "scott"})},
      {"narrowest", OptionType::text, "history",
       "what sets the good density's narrowest kernel: history (the finished trials, all of them "
       "up to 4 dimensions, fewer in more) or own (its own trials, as Optuna), with bandwidth: "
       "neighbours; default: history with one objective, own with several",
       OptionCheck::one_of({"history", "own"})}};
  registrar.samplers.add(
      "tpe",
      "tree-structured Parzen estimator (Optuna 4's estimator; good trials weighed by improvement, "
      "narrowing with the history)",
      options, [](const SamplerRequest& request) -> std::unique_ptr<Sampler> {
        const Args args = options.read(request.args);
        TpeOptions o;
        o.startup_trials = static_cast<int>(args.integer("startup_trials"));
        o.sobol_design = args.text("design") == "sobol";
        o.candidates = static_cast<int>(args.integer("candidates"));
        o.gamma = args.number("gamma");
        o.parzen.prior_weight = args.number("prior_weight");
        o.parzen.multivariate = args.boolean("multivariate", defaults.parzen.multivariate);
        o.parzen.weigh_by_bandwidth =
            args.boolean("weigh_by_bandwidth", defaults.parzen.weigh_by_bandwidth);
        o.parzen.bandwidth =
            args.text("bandwidth") == "scott" ? tpe::Bandwidth::scott : tpe::Bandwidth::neighbours;
        o.narrowing = args.text("narrowest") == "own" ? Narrowing::own : Narrowing::history;
        o.good_weights = args.text("good_weights") == "recency" ? GoodWeights::recency
                                                                : GoodWeights::improvement;
        // Several objectives: what the options leave unsaid is Optuna's,
        // which the measured fronts used; and each dimension on its own,
        // since the good trials lie along a front, which a joint kernel per
        // trial fits worse (measured on zdt1-3 and dtlz2,
        // bench/multiobjective.py).
        if (request.objectives > 1) {
          if (!request.args.contains("design")) o.sobol_design = false;
          if (!request.args.contains("multivariate")) o.parzen.multivariate = false;
          if (!request.args.contains("narrowest")) o.narrowing = Narrowing::own;
        }
        // A space wider than a Sobol sequence reaches starts from random
        // points, unless a Sobol design was asked for by name.
        const std::size_t dimensions = request.space->dimensions.size();
        if (o.sobol_design && dimensions > ScrambledSobol::kMaxDimensions) {
          if (request.args.contains("design"))
            throw ConfigError("design", fmt::format("a Sobol design covers at most {} dimensions, "
                                                    "the space has {} (design: random covers any)",
                                                    ScrambledSobol::kMaxDimensions, dimensions));
          o.sobol_design = false;
        }
        // A conditional space: Optuna's group decomposition, each group of
        // dimensions searched together modelled on the trials that searched
        // it.
        return by_condition_groups(request, [o](const SamplerRequest& group) {
          return std::make_unique<TpeSampler>(*group.space, group.seed, o);
        });
      });
}

}  // namespace tunelab
