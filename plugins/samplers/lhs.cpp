// Latin hypercube sampling (McKay, Beckman and Conover 1979), the initial
// design spotpython uses: for a budget of n trials, every dimension's range is
// cut into n equal strata and each stratum is used by exactly one trial, so
// even a few trials cover every dimension evenly. Trials beyond the budget (a
// resumed study given more) use further, independent hypercubes.

#include <numeric>

#include "common/args.h"
#include "common/derived_seeds.h"
#include "plugins/builtins.h"

namespace tunelab {
namespace {

class LatinHypercubeSampler : public Sampler {
 public:
  LatinHypercubeSampler(const SearchSpace& space, std::uint64_t seed, int trials)
      : space_(space), seed_(seed), n_(static_cast<std::size_t>(std::max(trials, 1))) {}

  bool reads_history() const override { return false; }

  std::optional<Params> propose(int number, const std::vector<FinishedTrial>&) override {
    const auto k = static_cast<std::size_t>(number);
    const std::uint64_t design = derive_seed(seed_, static_cast<std::uint64_t>(k / n_));
    Params params;
    for (const auto& d : space_.dimensions) {
      const std::uint64_t stream = derive_seed(design, d.path);
      // The same permutation of strata for every trial of this design:
      // Fisher-Yates driven by the dimension's own stream.
      std::vector<std::size_t> strata(n_);
      std::iota(strata.begin(), strata.end(), 0);
      std::uint64_t state = stream;
      for (std::size_t i = n_; i > 1; --i) {
        state = derive_seed(state, std::uint64_t{i});
        std::swap(strata[i - 1], strata[state % i]);
      }
      const double jitter = unit_interval(derive_seed(stream, static_cast<std::uint64_t>(k)));
      params[d.path] =
          d.value_at((static_cast<double>(strata[k % n_]) + jitter) / static_cast<double>(n_));
    }
    return params;
  }

 private:
  const SearchSpace& space_;
  std::uint64_t seed_;
  std::size_t n_;
};

}  // namespace

void register_lhs_sampler(Registrar& registrar) {
  registrar.samplers.add(
      "lhs", "Latin hypercube over the trial budget: every stratum of every dimension once",
      [](const SamplerRequest& request) -> std::unique_ptr<Sampler> {
        Args(request.args).allow_only({});
        return std::make_unique<LatinHypercubeSampler>(*request.space, request.seed,
                                                       request.trials);
      });
}

}  // namespace tunelab
