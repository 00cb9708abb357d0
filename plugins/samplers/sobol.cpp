// A scrambled Sobol sequence (Boost.Random's sobol engine with Joe and Kuo's
// direction numbers): low-discrepancy points, so that the first n trials
// cover the space more evenly than random ones. Scrambled by a random
// digital shift from the sampler's seed (each dimension's bits XORed with its
// own random mask), which keeps the sequence's equidistribution while
// different seeds give different points.

#include <boost/random/sobol.hpp>

#include "common/args.h"
#include "plugins/builtins.h"
#include "train/seeding.h"

namespace tunelab {
namespace {

class SobolSampler : public Sampler {
 public:
  SobolSampler(const SearchSpace& space, std::uint64_t seed) : space_(space) {
    for (std::size_t d = 0; d < space.dimensions.size(); ++d)
      shifts_.push_back((derive_seed(seed, 2 * d) << 1) ^ (derive_seed(seed, 2 * d + 1) & 1));
  }

  std::optional<Params> propose(int number, const std::vector<FinishedTrial>&) override {
    const std::size_t dims = space_.dimensions.size();
    // Trial k is the sequence's point k, whatever ran before it. Boost's
    // engine starts at point 1; point 0 is the origin.
    boost::random::sobol engine(dims);
    if (number > 0) engine.discard(static_cast<boost::uintmax_t>(number - 1) * dims);
    Params params;
    for (std::size_t d = 0; d < dims; ++d) {
      const std::uint64_t point = number > 0 ? static_cast<std::uint64_t>(engine()) : 0;
      const std::uint64_t bits = point ^ shifts_[d];
      params[space_.dimensions[d].path] =
          space_.dimensions[d].value_at(static_cast<double>(bits >> 11) * 0x1.0p-53);
    }
    return params;
  }

 private:
  const SearchSpace& space_;
  std::vector<std::uint64_t> shifts_;
};

}  // namespace

void register_sobol_sampler(Registrar& registrar) {
  registrar.samplers.add(
      "sobol", "scrambled Sobol sequence: low-discrepancy points, evenly covering the space",
      [](const SamplerRequest& request) -> std::unique_ptr<Sampler> {
        Args(request.args).allow_only({});
        if (request.space->dimensions.size() > 3600)
          throw ConfigError("", "sobol covers at most 3600 dimensions");
        return std::make_unique<SobolSampler>(*request.space, request.seed);
      });
}

}  // namespace tunelab
