// The sobol sampler: trial k takes point k of a scrambled Sobol sequence
// (scrambled_sobol.h), so that the first n trials cover the space more evenly
// than random ones.

#include <fmt/format.h>

#include "common/args.h"
#include "plugins/builtins.h"
#include "plugins/samplers/scrambled_sobol.h"
#include "plugins/samplers/unit_cube.h"

namespace tunelab {
namespace {

class SobolSampler : public Sampler {
 public:
  SobolSampler(const SearchSpace& space, std::uint64_t seed)
      : space_(space), sequence_(space.dimensions.size(), seed) {}

  bool reads_history() const override { return false; }

  std::optional<Params> propose(int number, const std::vector<FinishedTrial>&) override {
    return params_at(space_, sequence_.point(static_cast<std::uint64_t>(number)));
  }

 private:
  const SearchSpace& space_;
  ScrambledSobol sequence_;
};

}  // namespace

void register_sobol_sampler(Registrar& registrar) {
  registrar.samplers.add(
      "sobol", "scrambled Sobol sequence: low-discrepancy points, evenly covering the space",
      [](const SamplerRequest& request) -> std::unique_ptr<Sampler> {
        Args(request.args).allow_only({});
        if (request.space->dimensions.size() > ScrambledSobol::kMaxDimensions)
          throw ConfigError("", fmt::format("sobol covers at most {} dimensions",
                                            ScrambledSobol::kMaxDimensions));
        return std::make_unique<SobolSampler>(*request.space, request.seed);
      });
}

}  // namespace tunelab
