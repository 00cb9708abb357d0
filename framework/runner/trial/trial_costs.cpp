#include "runner/trial/trial_costs.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <vector>

#include "model/parameter_count.h"

namespace tunelab {

std::map<std::string, double> trial_costs(const TrainedModels& models, const Dataset& rows,
                                          double train_seconds) {
  std::map<std::string, double> costs;
  costs["train_seconds"] = train_seconds;
  if (models.members.empty()) return costs;
  costs["n_params"] = static_cast<double>(parameter_count(*models.members.front().model));
  const auto count = rows.x.size(0);
  if (count == 0) return costs;
  // The median of three passes: the first also warms caches.
  std::vector<double> ms;
  const torch::NoGradGuard no_grad;
  for (int pass = 0; pass < 3; ++pass) {
    const auto start = std::chrono::steady_clock::now();
    predict_in_target_units(models, rows.x, rows.feature_columns());
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                     .count());
  }
  std::sort(ms.begin(), ms.end());
  costs["predict_ms_per_1k_rows"] = ms[1] * 1000.0 / static_cast<double>(count);
  return costs;
}

}  // namespace tunelab
