// Bayesian optimisation with a Gaussian-process (Kriging) surrogate and
// log expected improvement, as spotpython tunes: a space-filling initial
// design (`startup_trials` points of a scrambled Sobol sequence), then at
// each trial a GP with an anisotropic Matérn 5/2 kernel (gaussian_process.h)
// is fitted to the complete and pruned trials (these as no better than the
// median), and the point of largest log EI is proposed: the best of a Sobol
// set of candidates and of steps around the best trials, refined by L-BFGS
// with the analytic gradient from the best few and from the incumbent. Log
// EI, unlike EI, does not underflow far from the incumbent, so the search
// sees a slope everywhere. Categorical dimensions are one-hot inputs of the
// GP; their candidates take one choice each. The values may be warped by a
// Box-Cox power of (y - min + margin), which keeps their order: under `warp:
// auto` (the default) none, log or square, whichever the fitted GP finds
// likelier (with the warp's Jacobian), and where the warped model would
// propose a trial already run, the unwarped one proposes instead; `log` or
// `none` fix it. The kernel's hyperparameters are re-fitted every trial at
// first and every so many trials later, and the fit sees at most
// `max_history` trials, so that a proposal's cost levels off with a long
// history.
//
// Under search.constraints a GP per constraint models the chance that a
// point keeps them all (plugins/samplers/feasibility.h), and the
// acquisition is that chance times the expected improvement over the best
// feasible trial (or expected hypervolume improvement over the feasible
// front), searched by BOBYQA; before any trial is feasible, the chance
// alone.
//
// With several objectives each has a GP of its own (unwarped under `auto`),
// and the point proposed is the one of largest log expected hypervolume
// improvement over the complete trials' front (expected_hypervolume.h),
// from the same kind of candidates (steps around the front's best-ranked
// trials), refined by BOBYQA, derivative-free. A proposal that would run
// again (all but) a configuration already run, every integer and choice the
// same and every number within a hundredth of its range, gives way to the
// best candidate that would not.

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <nlopt.hpp>
#include <tuple>

#include "common/derived_seeds.h"
#include "common/option_specs.h"
#include "common/seed_stream.h"
#include "plugins/builtins.h"
#include "plugins/samplers/condition_groups.h"
#include "plugins/samplers/expected_hypervolume.h"
#include "plugins/samplers/feasibility.h"
#include "plugins/samplers/gaussian_process.h"
#include "plugins/samplers/scrambled_sobol.h"
#include "plugins/samplers/unit_cube.h"
#include "search/pareto.h"

namespace tunelab {
namespace {

// How the values are transformed before the GP models them: `log`, `none`,
// or `auto`: whichever of none, log and square makes them likelier under the
// fitted GP.
enum class Warp { automatic, log, none };

struct GpOptions {
  int startup_trials = 10;
  int candidates = 2048;
  int local_searches = 10;
  int max_history = 300;
  Warp warp = Warp::automatic;
};

// The GP's inputs: one column per numeric dimension (its position in
// [0, 1]), one per choice of a categorical one.
class Encoding {
 public:
  explicit Encoding(const SearchSpace& space) : space_(space) {
    for (const auto& d : space.dimensions) {
      offsets_.push_back(width_);
      width_ += d.kind == Dimension::Kind::categorical ? d.choices.size() : 1;
    }
  }
  std::size_t width() const { return width_; }

  Eigen::VectorXd encode(const Params& params) const {
    Eigen::VectorXd x = Eigen::VectorXd::Zero(static_cast<long>(width_));
    for (std::size_t i = 0; i < space_.dimensions.size(); ++i) {
      const Dimension& d = space_.dimensions[i];
      const double position = d.position_of(params.at(d.path));
      if (d.kind == Dimension::Kind::categorical)
        x(static_cast<long>(offsets_[i] + static_cast<std::size_t>(position))) = 1;
      else
        x(static_cast<long>(offsets_[i])) = std::clamp(position, 0.0, 1.0);
    }
    return x;
  }

  Params decode(const Eigen::VectorXd& x) const {
    Params params;
    for (std::size_t i = 0; i < space_.dimensions.size(); ++i) {
      const Dimension& d = space_.dimensions[i];
      if (d.kind == Dimension::Kind::categorical) {
        long best = 0;
        x.segment(static_cast<long>(offsets_[i]), static_cast<long>(d.choices.size()))
            .maxCoeff(&best);
        params[d.path] = d.choice(static_cast<std::size_t>(best));
      } else {
        params[d.path] = d.value_at(x(static_cast<long>(offsets_[i])));
      }
    }
    return params;
  }

  // Sets dimension i of x: a numeric position, or choice `u * choices`.
  void set(Eigen::VectorXd& x, std::size_t i, double u) const {
    const Dimension& d = space_.dimensions[i];
    if (d.kind == Dimension::Kind::categorical) {
      x.segment(static_cast<long>(offsets_[i]), static_cast<long>(d.choices.size())).setZero();
      const auto choice =
          std::min(d.choices.size() - 1,
                   static_cast<std::size_t>(u * static_cast<double>(d.choices.size())));
      x(static_cast<long>(offsets_[i] + choice)) = 1;
    } else {
      x(static_cast<long>(offsets_[i])) = std::clamp(u, 0.0, 1.0);
    }
  }

  // The numeric columns (the ones a local search moves).
  std::vector<long> numeric_columns() const {
    std::vector<long> columns;
    for (std::size_t i = 0; i < space_.dimensions.size(); ++i)
      if (space_.dimensions[i].kind != Dimension::Kind::categorical)
        columns.push_back(static_cast<long>(offsets_[i]));
    return columns;
  }
  std::size_t dimensions() const { return space_.dimensions.size(); }
  bool categorical(std::size_t i) const {
    return space_.dimensions[i].kind == Dimension::Kind::categorical;
  }
  std::size_t offset(std::size_t i) const { return offsets_[i]; }

 private:
  const SearchSpace& space_;
  std::vector<std::size_t> offsets_;
  std::size_t width_ = 0;
};

// The trials the GP is fitted to, as rows of x and values of y (warped and
// standardised), with the log of the transform's Jacobian: what converts the
// density of y into the density of the values, so that fits under either
// warp can be compared.
struct FitData {
  Eigen::MatrixXd x;
  Eigen::VectorXd y;
  double log_jacobian = 0;
  // The transform from a value to y: the warp (Box-Cox power of the value
  // above low, plus margin), then standardisation.
  double power = 1, low = 0, margin = 0, mean = 0, sd = 1;

  double transformed(double value) const {
    if (power != 1) {
      const double above = std::max(value - low + margin, margin);
      value = power == 0 ? std::log(above) : (std::pow(above, power) - 1) / power;
    }
    return (value - mean) / sd;
  }
};

// An acquisition's value at a point, and its gradient over the searched
// columns where `gradient` is not empty (the algorithm asks for one).
using Acquisition =
    std::function<double(const Eigen::VectorXd& point, std::vector<double>& gradient)>;

// Goes up `acquisition` from `point` with NLopt's `algorithm` (L-BFGS with
// the gradient, or BOBYQA without), moving only `columns`, within [0, 1],
// for at most `evaluations` or until a step moves less than `tolerance`
// (and, with a gradient, changes the value by less); leaves `point` at the
// best it found and returns the value there (`score`, the start's, if
// nothing was better).
double climb(nlopt::algorithm algorithm, int evaluations, double tolerance,
             const std::vector<long>& columns, Eigen::VectorXd& point, double score,
             const Acquisition& acquisition) {
  struct Context {
    Eigen::VectorXd* point;
    const std::vector<long>* columns;
    const Acquisition* acquisition;
  } context{&point, &columns, &acquisition};
  nlopt::opt optimizer(algorithm, static_cast<unsigned>(columns.size()));
  optimizer.set_lower_bounds(std::vector<double>(columns.size(), 0.0));
  optimizer.set_upper_bounds(std::vector<double>(columns.size(), 1.0));
  optimizer.set_maxeval(evaluations);
  optimizer.set_xtol_abs(tolerance);
  if (algorithm == nlopt::LD_LBFGS) optimizer.set_ftol_abs(tolerance);
  optimizer.set_max_objective(
      [](const std::vector<double>& u, std::vector<double>& gradient, void* raw) {
        auto* c = static_cast<Context*>(raw);
        for (std::size_t k = 0; k < u.size(); ++k) (*c->point)((*c->columns)[k]) = u[k];
        return (*c->acquisition)(*c->point, gradient);
      },
      &context);
  std::vector<double> u;
  for (long column : columns) u.push_back(point(column));
  try {
    optimizer.optimize(u, score);
  } catch (const std::exception&) {
    // Roundoff stopped the search: NLopt leaves u at the best point it saw.
  }
  for (std::size_t k = 0; k < u.size(); ++k) point(columns[k]) = u[k];
  return score;
}

class GpSampler : public Sampler {
 public:
  GpSampler(const SearchSpace& space, std::uint64_t seed, GpOptions options, int objectives)
      : space_(space),
        seed_(seed),
        options_(options),
        objectives_(static_cast<std::size_t>(std::max(objectives, 1))),
        encoding_(space),
        design_(space.dimensions.size(), derive_seed(seed, "design")),
        fitted_(objectives_) {
    // Hypervolume is measured in the objectives' own units; a warp chosen
    // per objective would measure it in others (on DTLZ2, auto's warps cost
    // a tenth of the hypervolume that the plain values reach: docs/performance.md).
    if (objectives_ > 1 && options_.warp == Warp::automatic) options_.warp = Warp::none;
  }

  // Several objectives: a GP for each, and expected hypervolume improvement.
  bool handles_several_objectives() const override { return true; }

  std::optional<Params> propose(int number, const std::vector<FinishedTrial>& history) override {
    const std::vector<const FinishedTrial*> usable = usable_trials(history);
    if (static_cast<int>(usable.size()) < options_.startup_trials ||
        std::none_of(usable.begin(), usable.end(),
                     [](const FinishedTrial* t) { return t->state == TrialState::complete; }))
      return initial(number);
    const std::optional<Constrained> bounds = constrained(history, usable);
    const Constrained* c = bounds ? &*bounds : nullptr;
    if (objectives_ > 1) {
      SeedStream uniform(derive_seed(seed_, static_cast<std::uint64_t>(number)));
      return encoding_.decode(maximise_log_ehvi(usable, number, uniform, c));
    }
    const Fit f = fit(usable, 0);
    const FitData data = fit_data(usable, f.power, 0);
    Eigen::VectorXd chosen = maximise_log_ei(data, f.hyperparameters, number, c);
    if (options_.warp == Warp::automatic && f.power != 1 && repeats_a_trial(chosen, data.x)) {
      // A warp can make the model sure of its incumbent: the log warp turns
      // the best value into a deep, narrow well, and on branin (seed 4) a
      // study whose best lay on a bound, 0.6 from the minimum, proposed that
      // point sixteen times over. When the warped model has nothing left to
      // propose but a trial already run, the unwarped one proposes instead.
      const FitData plain = fit_data(usable, 1, 0);
      chosen = maximise_log_ei(plain, gp::fit_hyperparameters(plain.x, plain.y).hyperparameters,
                               number, c);
    }
    return encoding_.decode(chosen);
  }

 private:
  // Whether `point` is (all but) one of the trials in `inputs`' rows:
  // closer than a ten-thousandth of the unit cube.
  static bool repeats_a_trial(const Eigen::VectorXd& point, const Eigen::MatrixXd& inputs) {
    return (inputs.rowwise() - point.transpose()).rowwise().norm().minCoeff() < 1e-4;
  }

  std::optional<Params> initial(int number) const {
    return params_at(space_, design_.point(static_cast<std::uint64_t>(number)));
  }

  // Objective j's value of trial t.
  double value_of(const FinishedTrial& t, std::size_t j) const {
    return objectives_ == 1 ? t.value : t.values[j];
  }

  // Under search.constraints: the model of the chance of feasibility, fitted
  // to every complete trial's constraint values (a model too large to train
  // among them), and the best feasible trial (none yet: the acquisition is
  // that chance alone, until a trial keeps every bound).
  struct Constrained {
    gp::Feasibility feasibility;
    const FinishedTrial* incumbent = nullptr;
  };
  std::optional<Constrained> constrained(const std::vector<FinishedTrial>& history,
                                         const std::vector<const FinishedTrial*>& usable) const {
    std::vector<const FinishedTrial*> bounded;
    for (const auto& t : history)
      if (t.state == TrialState::complete && !t.constraints.empty() && covers_space(space_, t))
        bounded.push_back(&t);
    if (bounded.empty()) return std::nullopt;
    // Fitted anew at every proposal: as the objective's fit, it sees at
    // most max_history trials (the most recent), so that its cost levels
    // off with a long history.
    const auto cap = static_cast<std::size_t>(options_.max_history);
    if (bounded.size() > cap)
      bounded.erase(bounded.begin(), bounded.end() - static_cast<long>(cap));
    const long n = static_cast<long>(bounded.size());
    const long k = static_cast<long>(bounded.front()->constraints.size());
    Eigen::MatrixXd x(n, static_cast<long>(encoding_.width()));
    Eigen::MatrixXd values = Eigen::MatrixXd::Constant(n, k, std::nan(""));
    for (long i = 0; i < n; ++i) {
      const FinishedTrial& t = *bounded[static_cast<std::size_t>(i)];
      x.row(i) = encoding_.encode(t.params).transpose();
      for (long j = 0; j < k && j < static_cast<long>(t.constraints.size()); ++j)
        values(i, j) = t.constraints[static_cast<std::size_t>(j)];
    }
    Constrained c{gp::Feasibility(x, values), nullptr};
    for (const auto* t : usable)
      if (t->state == TrialState::complete && t->feasible() &&
          (!c.incumbent || value_of(*t, 0) < value_of(*c.incumbent, 0)))
        c.incumbent = t;
    return c;
  }

  // The complete and pruned trials with a finite value of every objective
  // and a value for every dimension.
  std::vector<const FinishedTrial*> usable_trials(const std::vector<FinishedTrial>& history) const {
    std::vector<const FinishedTrial*> usable;
    for (const auto& t : history) {
      if ((t.state != TrialState::complete && t.state != TrialState::pruned) ||
          !covers_space(space_, t) || (objectives_ > 1 && t.values.size() != objectives_))
        continue;
      bool finite = true;
      for (std::size_t j = 0; j < objectives_; ++j)
        finite = finite && std::isfinite(value_of(t, j));
      if (finite) usable.push_back(&t);
    }
    return usable;
  }

  // What objective j's GP sees of `usable` (in trial-number order): each
  // trial's encoded params and its value, warped by `power` and
  // standardised.
  FitData fit_data(std::vector<const FinishedTrial*> usable, double power, std::size_t j) const {
    // A pruned trial's value is its best before it stopped, better than it
    // would have ended: it enters the fit as no better than the median of
    // the complete trials, so that the GP learns to avoid its region (left
    // out, the GP would propose it again and again).
    std::vector<double> complete_values;
    for (const auto* t : usable)
      if (t->state == TrialState::complete) complete_values.push_back(value_of(*t, j));
    std::nth_element(complete_values.begin(),
                     complete_values.begin() + static_cast<long>(complete_values.size() / 2),
                     complete_values.end());
    const double median = complete_values[complete_values.size() / 2];
    const auto value = [&](const FinishedTrial* t) {
      const double v = value_of(*t, j);
      return t->state == TrialState::complete ? v : std::max(v, median);
    };
    // Beyond max_history trials the fit (cubic in their number) keeps the
    // best half and the most recent others: the region that matters and
    // where the search is now.
    const auto cap = static_cast<std::size_t>(options_.max_history);
    if (usable.size() > cap) {
      std::vector<std::size_t> order(usable.size());
      for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
      std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return value(usable[a]) < value(usable[b]);
      });
      std::vector<bool> kept(usable.size(), false);
      for (std::size_t i = 0; i < cap / 2; ++i) kept[order[i]] = true;
      std::size_t count = cap / 2;
      for (std::size_t i = usable.size(); i-- > 0 && count < cap;)
        if (!kept[i]) kept[i] = true, ++count;
      std::vector<const FinishedTrial*> chosen;
      for (std::size_t i = 0; i < usable.size(); ++i)
        if (kept[i]) chosen.push_back(usable[i]);
      usable.swap(chosen);
    }
    const long n = static_cast<long>(usable.size());
    FitData data{Eigen::MatrixXd(n, static_cast<long>(encoding_.width())), Eigen::VectorXd(n)};
    for (long i = 0; i < n; ++i) {
      const FinishedTrial* t = usable[static_cast<std::size_t>(i)];
      data.x.row(i) = encoding_.encode(t->params).transpose();
      data.y(i) = value(t);
    }
    data.power = power;
    if (power != 1) {
      // A Box-Cox power of the values above their minimum (plus a margin):
      // log at power 0, concave below 1, convex above.
      data.low = data.y.minCoeff();
      data.margin = std::max((data.y.maxCoeff() - data.low) * 1e-3, 1e-12);
      const Eigen::ArrayXd above = data.y.array() - data.low + data.margin;
      if (power == 0)
        data.y = above.log().matrix();
      else
        data.y = ((above.pow(power) - 1) / power).matrix();
      data.log_jacobian += (power - 1) * above.log().sum();
    }
    data.mean = data.y.mean();
    data.sd = std::sqrt((data.y.array() - data.mean).square().mean());
    if (!(data.sd > 0)) data.sd = 1;
    data.y = (data.y.array() - data.mean) / data.sd;
    data.log_jacobian -= static_cast<double>(n) * std::log(data.sd);
    return data;
  }

  // How the GP is fitted to `usable`: its hyperparameters and the warp of
  // the values. Re-fitting is the cost that grows fastest with
  // the history, so beyond the first trials it is done only every so many
  // (one 30th of the history) and kept in between: the fit of the largest
  // refit point at most as long as the history, to its first trials. A pure
  // function of the history (the sampler's contract), since a refit point's
  // trials are always the same; the last fit is kept for the proposals that
  // share it. Under `warp: auto` three warps are fitted and the one under
  // which the values are likelier is kept: log for values spanning decades
  // (rosenbrock), none for smooth ones (branin, where a log warp would
  // sharpen the valleys and send the search exploring), square for a
  // plateau around a narrow basin (ackley: squared, the plateau's gentle
  // slope towards the basin stands out from its ripples).
  struct Fit {
    gp::Hyperparameters hyperparameters;
    double power = 1;  // of the Box-Cox warp: 1 none, 0 log
  };
  // Objective j's fit (each objective has its own, and its own warp).
  Fit fit(const std::vector<const FinishedTrial*>& usable, std::size_t j) {
    std::size_t refit = usable.size();
    if (refit > 60) refit -= refit % (refit / 30);
    std::vector<std::tuple<int, TrialState, double>> key;
    for (std::size_t i = 0; i < refit; ++i)
      key.emplace_back(usable[i]->number, usable[i]->state, value_of(*usable[i], j));
    CachedFit& cached = fitted_[j];
    if (key == cached.key) return cached.fit;
    const std::vector<const FinishedTrial*> prefix(usable.begin(), usable.begin() + refit);
    const auto fit_with = [&](double power, gp::Starts starts) {
      const FitData data = fit_data(prefix, power, j);
      const gp::Fit f = gp::fit_hyperparameters(data.x, data.y, starts);
      return std::pair{Fit{f.hyperparameters, power}, f.negative_log_posterior - data.log_jacobian};
    };
    double power = options_.warp == Warp::log ? 0 : 1;
    if (options_.warp == Warp::automatic) {
      // The warp is chosen on fits from one start, the cheaper half.
      double best = std::numeric_limits<double>::infinity();
      for (double candidate : {1.0, 0.0, 2.0}) {
        const auto [f, score] = fit_with(candidate, gp::Starts::unit_cube);
        if (score < best) best = score, cached.fit = f, power = candidate;
      }
      const auto [smooth, score] = fit_with(power, gp::Starts::smooth);
      if (score < best) cached.fit = smooth;
    } else {
      cached.fit = fit_with(power, gp::Starts::both).first;
    }
    cached.key = std::move(key);
    return cached.fit;
  }

  // Candidates for the acquisition search: a scrambled Sobol set over the
  // whole space, and small steps around each of `near` (now and then
  // another choice).
  Eigen::MatrixXd candidate_set(const std::vector<Eigen::VectorXd>& near, int number,
                                SeedStream& uniform) const {
    const long width = static_cast<long>(encoding_.width());
    const ScrambledSobol sobol(
        encoding_.dimensions(),
        derive_seed(derive_seed(seed_, "candidates"), static_cast<std::uint64_t>(number)));
    const std::vector<std::vector<double>> spread =
        sobol.first_points(static_cast<std::size_t>(options_.candidates));
    const long local = options_.candidates / 10;
    Eigen::MatrixXd candidates(
        static_cast<long>(spread.size()) + static_cast<long>(near.size()) * local, width);
    long row = 0;
    for (const auto& u : spread) {
      Eigen::VectorXd point = Eigen::VectorXd::Zero(width);
      for (std::size_t i = 0; i < encoding_.dimensions(); ++i) encoding_.set(point, i, u[i]);
      candidates.row(row++) = point.transpose();
    }
    for (const Eigen::VectorXd& centre : near) {
      for (long c = 0; c < local; ++c) {
        Eigen::VectorXd point = centre;
        const double step = c % 3 == 0 ? 0.08 : c % 3 == 1 ? 0.01 : 0.001;
        for (std::size_t i = 0; i < encoding_.dimensions(); ++i) {
          if (encoding_.categorical(i)) {
            if (uniform.next() < 0.2) encoding_.set(point, i, uniform.next());
          } else {
            const long column = static_cast<long>(encoding_.offset(i));
            point(column) = std::clamp(point(column) + step * uniform.normal(), 0.0, 1.0);
          }
        }
        candidates.row(row++) = point.transpose();
      }
    }
    return candidates;
  }

  // Where local searches start: the best-scoring candidate, then the next
  // best that lie apart from those taken, `count` in all.
  static std::vector<long> spread_starts(const Eigen::MatrixXd& candidates,
                                         const Eigen::VectorXd& scores, int count) {
    std::vector<long> ranked(static_cast<std::size_t>(scores.size()));
    for (long i = 0; i < scores.size(); ++i) ranked[static_cast<std::size_t>(i)] = i;
    std::sort(ranked.begin(), ranked.end(), [&](long a, long b) { return scores(a) > scores(b); });
    std::vector<long> starts{ranked.front()};
    for (long i : ranked) {
      if (static_cast<int>(starts.size()) >= count) break;
      bool apart = true;
      for (long s : starts) apart = apart && (candidates.row(i) - candidates.row(s)).norm() > 0.05;
      if (apart) starts.push_back(i);
    }
    return starts;
  }

  // The point of largest log EI under the GP with hyperparameters `h`
  // fitted to `data`; under constraints (`c`), of largest log EI plus the
  // log of the chance of feasibility, EI measured from the best feasible
  // trial, and searched without the gradient.
  Eigen::VectorXd maximise_log_ei(const FitData& data, const gp::Hyperparameters& h, int number,
                                  const Constrained* c) const {
    const gp::GaussianProcess model(data.x, data.y, h);
    SeedStream uniform(derive_seed(seed_, static_cast<std::uint64_t>(number)));
    long best_trial = 0;
    double best = data.y.minCoeff(&best_trial);
    Eigen::VectorXd incumbent = data.x.row(best_trial).transpose();
    if (c && c->incumbent) {
      best = data.transformed(value_of(*c->incumbent, 0));
      incumbent = encoding_.encode(c->incumbent->params);
    }
    // No feasible trial yet: only the chance of feasibility counts.
    const bool improvement = !c || c->incumbent;
    std::vector<long> order(static_cast<std::size_t>(data.y.size()));
    for (long i = 0; i < data.y.size(); ++i) order[static_cast<std::size_t>(i)] = i;
    std::sort(order.begin(), order.end(), [&](long a, long b) { return data.y(a) < data.y(b); });
    std::vector<Eigen::VectorXd> near;
    for (std::size_t b = 0; b < std::min<std::size_t>(5, order.size()); ++b)
      near.push_back(data.x.row(order[b]).transpose());
    Eigen::MatrixXd candidates = candidate_set(near, number, uniform);
    // The incumbent itself: with a little noise its neighbourhood often holds
    // the largest improvement, which a gradient step from it finds.
    const long row = candidates.rows() + 1;
    candidates.conservativeResize(row, Eigen::NoChange);
    candidates.row(row - 1) = incumbent.transpose();
    const auto acquisition = [&](const Eigen::MatrixXd& at) {
      Eigen::VectorXd score =
          improvement ? model.log_expected_improvement(at, best) : Eigen::VectorXd::Zero(at.rows());
      if (c) score += c->feasibility.log_probability(at);
      return score;
    };
    const Eigen::VectorXd scores = acquisition(candidates);

    // Local searches from the best candidates that lie apart from each other,
    // and from the incumbent: L-BFGS on log EI with its analytic gradient, in
    // the numeric columns (BOBYQA, without, under constraints).
    std::vector<long> starts = spread_starts(candidates, scores, options_.local_searches - 1);
    if (std::find(starts.begin(), starts.end(), row - 1) == starts.end()) starts.push_back(row - 1);

    const std::vector<long> columns = encoding_.numeric_columns();
    Eigen::VectorXd chosen = candidates.row(starts.front()).transpose();
    double chosen_score = scores(starts.front());
    if (columns.empty()) return chosen;
    Eigen::MatrixXd one(1, candidates.cols());
    for (long s : starts) {
      Eigen::VectorXd point = candidates.row(s).transpose();
      const double score = c ? climb(nlopt::LN_BOBYQA, 60, 1e-6, columns, point, scores(s),
                                     [&](const Eigen::VectorXd& at, std::vector<double>&) {
                                       one = at.transpose();
                                       const double value = acquisition(one)(0);
                                       return std::isfinite(value) ? value : -1e300;
                                     })
                             : climb(nlopt::LD_LBFGS, 100, 1e-9, columns, point, scores(s),
                                     [&](const Eigen::VectorXd& at, std::vector<double>& gradient) {
                                       Eigen::VectorXd g;
                                       const double value =
                                           model.log_expected_improvement(at, best, columns, g);
                                       if (!gradient.empty())
                                         Eigen::Map<Eigen::VectorXd>(gradient.data(), g.size()) = g;
                                       return std::isfinite(value) ? value : -1e300;
                                     });
      if (score > chosen_score) chosen_score = score, chosen = point;
    }
    return chosen;
  }

  // Several objectives: a GP per objective, and the point of largest log
  // expected hypervolume improvement over the complete trials' front, from
  // candidates spread over the space and around the front, refined by a
  // derivative-free local search (BOBYQA) in the numeric columns.
  Eigen::VectorXd maximise_log_ehvi(const std::vector<const FinishedTrial*>& usable, int number,
                                    SeedStream& uniform, const Constrained* c) {
    std::vector<FitData> data;
    std::vector<gp::GaussianProcess> models;
    for (std::size_t j = 0; j < objectives_; ++j) {
      const Fit f = fit(usable, j);
      data.push_back(fit_data(usable, f.power, j));
      models.emplace_back(data[j].x, data[j].y, f.hyperparameters);
    }
    // The study improves its own front: a warm start's trials (numbered
    // below 0) teach the GPs and set the reference point, but a point near
    // their front still adds to this study's.
    std::vector<std::vector<double>> observed, own;
    std::vector<Eigen::VectorXd> inputs;
    // An infeasible trial teaches the GPs, but is on no front (while none
    // is feasible, the front is all of them's).
    const bool any_feasible = std::any_of(usable.begin(), usable.end(), [](const FinishedTrial* t) {
      return t->state == TrialState::complete && t->feasible();
    });
    for (const auto* t : usable) {
      if (t->state != TrialState::complete || (any_feasible && !t->feasible())) continue;
      std::vector<double> point;
      for (std::size_t j = 0; j < objectives_; ++j)
        point.push_back(data[j].transformed(value_of(*t, j)));
      if (t->number >= 0) own.push_back(point);
      observed.push_back(std::move(point));
      inputs.push_back(encoding_.encode(t->params));
    }
    const gp::ExpectedHypervolume ehvi(own, observed, kEhviDraws, derive_seed(seed_, "ehvi"));
    std::vector<Eigen::VectorXd> near;
    for (std::size_t i : rank_by_dominance(observed).order) {
      if (near.size() == 5) break;
      near.push_back(inputs[i]);
    }
    const Eigen::MatrixXd candidates = candidate_set(near, number, uniform);
    const auto m = static_cast<long>(objectives_);
    Eigen::MatrixXd means(candidates.rows(), m), sds(candidates.rows(), m);
    for (long j = 0; j < m; ++j) {
      Eigen::VectorXd mean, sd;
      models[static_cast<std::size_t>(j)].predict(candidates, mean, sd);
      means.col(j) = mean;
      sds.col(j) = sd;
    }
    Eigen::VectorXd scores(candidates.rows());
    for (long i = 0; i < candidates.rows(); ++i)
      scores(i) = ehvi.log_value(means.row(i).transpose(), sds.row(i).transpose());
    if (c) scores += c->feasibility.log_probability(candidates);

    const std::vector<long> starts =
        spread_starts(candidates, scores, std::min(options_.local_searches, 4));
    Eigen::VectorXd chosen = candidates.row(starts.front()).transpose();
    double chosen_score = scores(starts.front());
    const std::vector<long> columns = encoding_.numeric_columns();
    if (columns.empty()) return chosen;
    Eigen::MatrixXd row(1, candidates.cols());
    Eigen::VectorXd mean(m), sd(m), one_mean, one_sd;
    for (long s : starts) {
      Eigen::VectorXd point = candidates.row(s).transpose();
      const double score = climb(
          nlopt::LN_BOBYQA, 60, 1e-6, columns, point, scores(s),
          [&](const Eigen::VectorXd& at, std::vector<double>&) {
            row = at.transpose();
            for (long j = 0; j < m; ++j) {
              models[static_cast<std::size_t>(j)].predict(row, one_mean, one_sd);
              mean(j) = one_mean(0);
              sd(j) = one_sd(0);
            }
            return ehvi.log_value(mean, sd) + (c ? c->feasibility.log_probability(row)(0) : 0.0);
          });
      if (score > chosen_score) chosen_score = score, chosen = point;
    }
    return unless_near_copy(chosen, candidates, scores, usable, uniform);
  }

  // `chosen`, or, where it would run again (all but) a trial already run,
  // the best-scoring candidate that would not, else a point drawn uniformly.
  // On (val_rmse, n_params) the noise of one configuration's validation
  // value kept the expected improvement alive near a tried configuration
  // at a bound, and 23 of a study's last 24 trials were near-copies of it.
  Eigen::VectorXd unless_near_copy(const Eigen::VectorXd& chosen, const Eigen::MatrixXd& candidates,
                                   const Eigen::VectorXd& scores,
                                   const std::vector<const FinishedTrial*>& usable,
                                   SeedStream& uniform) const {
    Eigen::MatrixXd tried(static_cast<long>(usable.size()), chosen.size());
    for (std::size_t i = 0; i < usable.size(); ++i)
      tried.row(static_cast<long>(i)) = encoding_.encode(usable[i]->params).transpose();
    const auto near_copy = [&](const Eigen::VectorXd& point) {
      // As the trial would run: integers rounded, one choice per category;
      // then every position within kNearCopy of a tried one's.
      const Eigen::VectorXd as_run = encoding_.encode(encoding_.decode(point));
      return tried.rows() > 0 &&
             (tried.rowwise() - as_run.transpose()).cwiseAbs().rowwise().maxCoeff().minCoeff() <
                 kNearCopy;
    };
    if (!near_copy(chosen)) return chosen;
    std::vector<long> order(static_cast<std::size_t>(candidates.rows()));
    for (long i = 0; i < candidates.rows(); ++i) order[static_cast<std::size_t>(i)] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](long a, long b) { return scores(a) > scores(b); });
    for (long i : order) {
      const Eigen::VectorXd point = candidates.row(i).transpose();
      if (!near_copy(point)) return point;
    }
    Eigen::VectorXd point = chosen;
    for (std::size_t d = 0; d < encoding_.dimensions(); ++d)
      encoding_.set(point, d, uniform.next());
    return point;
  }

  // How close, in every position of the unit cube, a proposal may come to a
  // trial already run: a hundredth of each range.
  static constexpr double kNearCopy = 0.01;

  // Normal draws the expected hypervolume improvement averages over.
  static constexpr std::size_t kEhviDraws = 128;

  const SearchSpace& space_;
  std::uint64_t seed_;
  GpOptions options_;
  std::size_t objectives_;
  Encoding encoding_;
  ScrambledSobol design_;
  // Each objective's last fit, and the trials it is of.
  struct CachedFit {
    std::vector<std::tuple<int, TrialState, double>> key;
    Fit fit;
  };
  std::vector<CachedFit> fitted_;
};

}  // namespace

void register_gp_sampler(Registrar& registrar) {
  static const OptionSpecs options{
      {"startup_trials", OptionType::integer, GpOptions{}.startup_trials,
       "trials of the Sobol initial design", OptionCheck::at_least(2)},
      {"candidates", OptionType::integer, GpOptions{}.candidates,
       "quasi-random candidates the acquisition search starts from", OptionCheck::at_least(10)},
      {"local_searches", OptionType::integer, GpOptions{}.local_searches,
       "gradient searches of the acquisition from the best candidates", OptionCheck::at_least(1)},
      {"max_history", OptionType::integer, GpOptions{}.max_history,
       "trials the GP is fitted to at most (the best half and the most recent; a constraint's GP: "
       "the most recent)",
       OptionCheck::at_least(20)},
      {"warp", OptionType::text, "auto",
       "how the values are warped before the GP sees them: auto (none, log or square, whichever "
       "the GP finds likelier), log or none",
       OptionCheck::one_of({"auto", "log", "none"})}};
  registrar.samplers.add(
      "gp",
      "Gaussian-process (Kriging) surrogate with log expected improvement, after a Sobol "
      "initial design",
      options, [](const SamplerRequest& request) -> std::unique_ptr<Sampler> {
        const Args args = options.read(request.args);
        GpOptions o;
        o.startup_trials = static_cast<int>(args.integer("startup_trials"));
        o.candidates = static_cast<int>(args.integer("candidates"));
        o.local_searches = static_cast<int>(args.integer("local_searches"));
        o.max_history = static_cast<int>(args.integer("max_history"));
        const std::string warp = args.text("warp");
        o.warp = warp == "log" ? Warp::log : warp == "none" ? Warp::none : Warp::automatic;
        // A conditional space: a process per group of dimensions searched
        // together, fitted to the trials that searched it.
        return by_condition_groups(request, [o](const SamplerRequest& group) {
          return std::make_unique<GpSampler>(*group.space, group.seed, o, group.objectives);
        });
      });
}

}  // namespace tunelab
