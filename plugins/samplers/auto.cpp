// The `auto` sampler: picks, for each proposal, the built-in sampler that
// does best for what the study holds. A space of numbers only (floats and
// integers, stepped or not, up to 20 dimensions) gets `gp` for its first
// `gp_trials` (500) finished trials: it finds the best values in the fewest
// trials (docs/performance.md, "Samplers"), and its proposal cost has levelled off by
// then. A space with a categorical dimension, more than 20 dimensions, or a
// longer history gets `tpe`, whose proposals cost next to nothing and which
// models choices directly. Each trial records which one proposed it
// (trials.proposed_by). The same holds for several objectives, which both
// handle.

#include "common/derived_seeds.h"
#include "common/option_specs.h"
#include "plugins/builtins.h"

namespace tunelab {
namespace {

constexpr std::size_t kMostGpDimensions = 20;

class AutoSampler : public Sampler {
 public:
  AutoSampler(const SearchSpace& space, int gp_trials, std::unique_ptr<Sampler> gp,
              std::unique_ptr<Sampler> tpe)
      : gp_trials_(gp_trials), gp_(std::move(gp)), tpe_(std::move(tpe)) {
    for (const auto& d : space.dimensions)
      numeric_only_ = numeric_only_ && d.kind != Dimension::Kind::categorical;
    numeric_only_ = numeric_only_ && space.dimensions.size() <= kMostGpDimensions;
  }

  std::optional<Params> propose(int number, const std::vector<FinishedTrial>& history) override {
    const bool use_gp = numeric_only_ && static_cast<int>(history.size()) < gp_trials_;
    last_ = use_gp ? "gp" : "tpe";
    return (use_gp ? gp_ : tpe_)->propose(number, history);
  }

  std::string last_proposer() const override { return last_; }
  bool handles_several_objectives() const override {
    return gp_->handles_several_objectives() && tpe_->handles_several_objectives();
  }

 private:
  int gp_trials_;
  bool numeric_only_ = true;
  std::unique_ptr<Sampler> gp_, tpe_;
  std::string last_;
};

}  // namespace

void register_auto_sampler(Registrar& registrar) {
  static const OptionSpecs options{
      {"gp_trials", OptionType::integer, 500,
       "finished trials after which tpe takes over from gp (numeric spaces)",
       OptionCheck::at_least(0)}};
  // The two samplers it delegates to, as built in (a plugin of the same name
  // registered later does not change what auto does).
  const SamplerFactory gp = registrar.samplers.factory("gp"),
                       tpe = registrar.samplers.factory("tpe");
  registrar.samplers.add(
      "auto",
      "gp for numeric spaces up to 20 dimensions and gp_trials trials, tpe otherwise; each "
      "trial records which proposed it",
      options, [gp, tpe](const SamplerRequest& request) -> std::unique_ptr<Sampler> {
        const Args args = options.read(request.args);
        SamplerRequest own = request;
        own.args = nlohmann::json::object();
        own.seed = derive_seed(request.seed, "gp");
        auto gp_sampler = gp(own);
        own.seed = derive_seed(request.seed, "tpe");
        auto tpe_sampler = tpe(own);
        return std::make_unique<AutoSampler>(*request.space,
                                             static_cast<int>(args.integer("gp_trials")),
                                             std::move(gp_sampler), std::move(tpe_sampler));
      });
}

}  // namespace tunelab
