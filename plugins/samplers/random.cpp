// Independent uniform sampling (log-uniform where asked) of every dimension.

#include "common/args.h"
#include "common/derived_seeds.h"
#include "plugins/builtins.h"

namespace tunelab {
namespace {

class RandomSampler : public Sampler {
 public:
  RandomSampler(const SearchSpace& space, std::uint64_t seed) : space_(space), seed_(seed) {}

  bool reads_history() const override { return false; }

  std::optional<Params> propose(int number, const std::vector<FinishedTrial>&) override {
    // Each trial has its own stream: trial k's params do not depend on how
    // many trials ran before it.
    std::uint64_t state = derive_seed(seed_, static_cast<std::uint64_t>(number));
    Params params;
    for (const auto& d : space_.dimensions) {
      state = derive_seed(state, d.path);
      params[d.path] = d.value_at(unit_interval(state));
    }
    return params;
  }

 private:
  const SearchSpace& space_;
  std::uint64_t seed_;
};

}  // namespace

void register_random_sampler(Registrar& registrar) {
  registrar.samplers.add("random", "independent uniform (or log-uniform) samples",
                         [](const SamplerRequest& request) -> std::unique_ptr<Sampler> {
                           Args(request.args).allow_only({});
                           return std::make_unique<RandomSampler>(*request.space, request.seed);
                         });
}

}  // namespace tunelab
