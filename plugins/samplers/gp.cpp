// Bayesian optimisation with a Gaussian-process (Kriging) surrogate and
// expected improvement, as spotpython tunes: a space-filling initial design
// (`startup_trials` points of a scrambled Sobol sequence), then at each trial
// a GP with an anisotropic Matérn 5/2 kernel, fitted length scales and nugget
// (gaussian_process.h), is fitted to the complete and pruned trials (these
// as no better than the median), and the point of
// largest expected improvement is proposed. EI is maximised over random
// candidates and candidates near the best trials, the best few refined by
// NLopt's BOBYQA. Categorical dimensions are one-hot inputs of the GP; their
// candidates take one choice each. Heavy-tailed targets are log-warped
// (log(y - min + margin)), which keeps their order and tames functions whose
// values span decades (`warp: auto`, the default; or `log`, `none`).

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlopt.hpp>

#include "common/derived_seeds.h"
#include "common/option_specs.h"
#include "common/seed_stream.h"
#include "plugins/builtins.h"
#include "plugins/samplers/gaussian_process.h"
#include "plugins/samplers/scrambled_sobol.h"
#include "plugins/samplers/unit_cube.h"

namespace tunelab {
namespace {

// How the values are transformed before the GP models them: `log`, `none`,
// or `auto`: log when they are heavy-tailed.
enum class Warp { automatic, log, none };

struct GpOptions {
  int startup_trials = 10;
  int candidates = 2000;
  Warp warp = Warp::automatic;
};

// Whether the values look heavy-tailed (their spread above the median much
// larger than below it, as with functions spanning decades): a log warp then
// lets the GP model the low region instead of the few huge values.
bool heavy_tailed(Eigen::VectorXd y) {
  std::sort(y.data(), y.data() + y.size());
  const double low = y(0), high = y(y.size() - 1), median = y(y.size() / 2);
  return high - median > 5 * (median - low) + 1e-12;
}

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

class GpSampler : public Sampler {
 public:
  GpSampler(const SearchSpace& space, std::uint64_t seed, GpOptions options)
      : space_(space),
        seed_(seed),
        options_(options),
        encoding_(space),
        design_(space.dimensions.size(), derive_seed(seed, "design")) {}

  std::optional<Params> propose(int number, const std::vector<FinishedTrial>& history) override {
    const auto usable = [&](const FinishedTrial& t) {
      return std::isfinite(t.value) && covers_space(space_, t);
    };
    std::vector<double> complete_values;
    for (const auto& t : history)
      if (t.state == TrialState::complete && usable(t)) complete_values.push_back(t.value);
    if (complete_values.empty() ||
        static_cast<int>(complete_values.size()) < options_.startup_trials)
      return initial(number);

    // A pruned trial's value is its best before it stopped, better than it
    // would have ended: it enters the fit as no better than the median of
    // the complete trials, so that the GP learns to avoid its region (left
    // out, the GP would propose it again and again).
    std::nth_element(complete_values.begin(),
                     complete_values.begin() + static_cast<long>(complete_values.size() / 2),
                     complete_values.end());
    const double median = complete_values[complete_values.size() / 2];
    std::vector<std::pair<const FinishedTrial*, double>> fitted;
    for (const auto& t : history) {
      if (!usable(t)) continue;
      if (t.state == TrialState::complete) fitted.emplace_back(&t, t.value);
      if (t.state == TrialState::pruned) fitted.emplace_back(&t, std::max(t.value, median));
    }
    // The most recent 300 trials at most: the fit is cubic in their number.
    if (fitted.size() > 300) fitted.erase(fitted.begin(), fitted.end() - 300);
    const long n = static_cast<long>(fitted.size());
    Eigen::MatrixXd x(n, static_cast<long>(encoding_.width()));
    Eigen::VectorXd y(n);
    for (long i = 0; i < n; ++i) {
      x.row(i) = encoding_.encode(fitted[static_cast<std::size_t>(i)].first->params).transpose();
      y(i) = fitted[static_cast<std::size_t>(i)].second;
    }
    if (options_.warp == Warp::log || (options_.warp == Warp::automatic && heavy_tailed(y))) {
      const double low = y.minCoeff(), margin = std::max((y.maxCoeff() - low) * 1e-3, 1e-12);
      y = (y.array() - low + margin).log();
    }
    SeedStream uniform(derive_seed(seed_, static_cast<std::uint64_t>(number)));
    const gp::GaussianProcess model(x, y,
                                    derive_seed(seed_, static_cast<std::uint64_t>(number) + 1));
    const double best = y.minCoeff();
    return encoding_.decode(maximise_ei(model, x, y, best, uniform));
  }

 private:
  std::optional<Params> initial(int number) const {
    return params_at(space_, design_.point(static_cast<std::uint64_t>(number)));
  }

  Eigen::VectorXd maximise_ei(const gp::GaussianProcess& model, const Eigen::MatrixXd& x,
                              const Eigen::VectorXd& y, double best, SeedStream& uniform) const {
    std::vector<Eigen::VectorXd> candidates;
    // Anywhere.
    for (int c = 0; c < options_.candidates; ++c) {
      Eigen::VectorXd point = Eigen::VectorXd::Zero(static_cast<long>(encoding_.width()));
      for (std::size_t i = 0; i < encoding_.dimensions(); ++i)
        encoding_.set(point, i, uniform.next());
      candidates.push_back(point);
    }
    // Near the five best trials: small steps in the numeric dimensions, now
    // and then another choice.
    std::vector<long> order(static_cast<std::size_t>(y.size()));
    for (long i = 0; i < y.size(); ++i) order[static_cast<std::size_t>(i)] = i;
    std::sort(order.begin(), order.end(), [&](long a, long b) { return y(a) < y(b); });
    for (std::size_t b = 0; b < std::min<std::size_t>(5, order.size()); ++b) {
      for (int c = 0; c < options_.candidates / 10; ++c) {
        Eigen::VectorXd point = x.row(order[b]).transpose();
        const double step = c % 2 ? 0.01 : 0.08;
        for (std::size_t i = 0; i < encoding_.dimensions(); ++i) {
          if (encoding_.categorical(i)) {
            if (uniform.next() < 0.2) encoding_.set(point, i, uniform.next());
          } else {
            const long column = static_cast<long>(encoding_.offset(i));
            point(column) = std::clamp(point(column) + step * uniform.normal(), 0.0, 1.0);
          }
        }
        candidates.push_back(point);
      }
    }
    std::vector<std::pair<double, std::size_t>> scored;
    for (std::size_t c = 0; c < candidates.size(); ++c)
      scored.emplace_back(model.expected_improvement(candidates[c], best), c);
    std::partial_sort(scored.begin(),
                      scored.begin() + std::min<long>(3, static_cast<long>(scored.size())),
                      scored.end(), std::greater<>());

    // Refine the best three in their numeric dimensions.
    const std::vector<long> columns = encoding_.numeric_columns();
    Eigen::VectorXd chosen = candidates[scored.front().second];
    double chosen_ei = scored.front().first;
    for (std::size_t r = 0; r < std::min<std::size_t>(3, scored.size()) && !columns.empty(); ++r) {
      Eigen::VectorXd point = candidates[scored[r].second];
      struct Context {
        const gp::GaussianProcess* model;
        Eigen::VectorXd* point;
        const std::vector<long>* columns;
        double best;
      } context{&model, &point, &columns, best};
      nlopt::opt optimizer(nlopt::LN_BOBYQA, static_cast<unsigned>(columns.size()));
      optimizer.set_lower_bounds(std::vector<double>(columns.size(), 0.0));
      optimizer.set_upper_bounds(std::vector<double>(columns.size(), 1.0));
      optimizer.set_maxeval(static_cast<int>(40 * columns.size()));
      optimizer.set_xtol_abs(1e-6);
      optimizer.set_max_objective(
          [](const std::vector<double>& u, std::vector<double>&, void* data) {
            auto* c = static_cast<Context*>(data);
            for (std::size_t k = 0; k < u.size(); ++k) (*c->point)((*c->columns)[k]) = u[k];
            return c->model->expected_improvement(*c->point, c->best);
          },
          &context);
      std::vector<double> u;
      for (long column : columns) u.push_back(point(column));
      double ei = scored[r].first;
      try {
        optimizer.optimize(u, ei);
      } catch (const std::exception&) {
        // BOBYQA gave up (a flat EI): keep the candidate as it was.
        continue;
      }
      for (std::size_t k = 0; k < u.size(); ++k) point(columns[k]) = u[k];
      if (ei > chosen_ei) chosen_ei = ei, chosen = point;
    }
    return chosen;
  }

  const SearchSpace& space_;
  std::uint64_t seed_;
  GpOptions options_;
  Encoding encoding_;
  ScrambledSobol design_;
};

}  // namespace

void register_gp_sampler(Registrar& registrar) {
  static const OptionSpecs options{
      {"startup_trials", OptionType::integer, GpOptions{}.startup_trials,
       "trials of the Sobol initial design", OptionCheck::at_least(2)},
      {"candidates", OptionType::integer, GpOptions{}.candidates,
       "random candidates the acquisition search starts from", OptionCheck::at_least(10)},
      {"warp", OptionType::text, "auto",
       "auto, log or none: how ranges are warped before the GP sees them"}};
  registrar.samplers.add(
      "gp",
      "Gaussian-process (Kriging) surrogate with expected improvement, after a Sobol initial "
      "design",
      options, [](const SamplerRequest& request) -> std::unique_ptr<Sampler> {
        const Args args = options.read(request.args);
        GpOptions o;
        o.startup_trials = static_cast<int>(args.integer("startup_trials"));
        o.candidates = static_cast<int>(args.integer("candidates"));
        const std::string warp = args.text("warp");
        if (warp != "auto" && warp != "log" && warp != "none")
          throw ConfigError("warp", fmt::format("expected auto, log or none, got '{}'", warp));
        o.warp = warp == "log" ? Warp::log : warp == "none" ? Warp::none : Warp::automatic;
        return std::make_unique<GpSampler>(*request.space, request.seed, o);
      });
}

}  // namespace tunelab
