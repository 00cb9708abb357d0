#include "runner/stored/confusion.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include "common/errors.h"

#include "runner/prepare/prepared_data.h"
#include "runner/stored/stored_trial.h"

namespace tunelab {

ConfusionMatrix confusion_matrix(StudyQueries& store, const StudyInfo& study,
                                 const TrialInfo& trial, const Registrar& registrar) {
  ConfusionMatrix out;
  const StoredTrialModel stored =
      rebuild_stored_trial(store, study, trial, registrar, Rebuild::trained);
  if (stored.trained->classes.empty()) return out;
  const PreparedData data = prepare_data(
      stored.config, std::filesystem::path(study.experiment_file).parent_path(), registrar);
  // The rows the study held out, or none: a data file changed since would
  // give another split, and counts of rows the study never saw.
  const auto runs = store.provenance(study.id);
  if (!runs.empty() && !runs.back().dataset_digest.empty() &&
      runs.back().dataset_digest != data.digest)
    throw InputError(fmt::format(
        "the data set changed since the study ran (digest {} now, {} recorded), so its held-out "
        "rows are not the study's",
        data.digest, runs.back().dataset_digest));
  const bool test = data.raw.test.rows() > 0;
  const Dataset& rows = test ? data.raw.test : data.raw.val;
  out.rows = test ? "test" : "validation";
  out.classes = stored.trained->classes;
  const std::size_t k = out.classes.size();
  out.counts.assign(k, std::vector<int>(k, 0));
  if (rows.rows() == 0) return out;
  const at::Tensor chosen =
      predict_in_target_units(*stored.trained, rows.x, rows.feature_columns()).argmax(1);
  const auto c = chosen.accessor<std::int64_t, 1>();
  const auto y = rows.y.accessor<float, 2>();
  for (std::int64_t i = 0; i < rows.rows(); ++i) {
    const auto actual = static_cast<std::size_t>(y[i][0]);
    const auto predicted = static_cast<std::size_t>(c[i]);
    if (actual < k && predicted < k) ++out.counts[actual][predicted];
  }
  return out;
}

}  // namespace tunelab
