// The pruner that never prunes: every trial trains for all its epochs (or
// until early stopping).

#include "common/args.h"
#include "plugins/builtins.h"

namespace tunelab {
namespace {

class NoPruner : public Pruner {
 public:
  bool should_prune(int, int, const EpochValues&, const std::vector<TrialCurve>&) override {
    return false;
  }
  bool reads_history() const override { return false; }
};

}  // namespace

void register_no_pruner(Registrar& registrar) {
  registrar.pruners.add("none", "never prunes",
                        [](const nlohmann::json& args) -> std::unique_ptr<Pruner> {
                          Args(args).allow_only({});
                          return std::make_unique<NoPruner>();
                        });
}

}  // namespace tunelab
