#include "runner/stored/stored_trial.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "common/errors.h"
#include "config/experiment_loader.h"
#include "data/task.h"
#include "plugin/assembly.h"
#include "runner/prepare/prepared_data.h"
#include "runner/stored/refusal.h"
#include "runner/trial/trial_model.h"
#include "runner/trial/weights.h"

namespace tunelab {
namespace {

std::vector<int> trials_with_weights(StudyQueries& store, const StudyInfo& study) {
  std::vector<int> numbers;
  for (const auto& t : store.trials(study.id))
    if (store.weights(t.id)) numbers.push_back(t.number);
  return numbers;
}

}  // namespace

StoredTrialModel rebuild_stored_trial(StudyQueries& store, const StudyInfo& study,
                                      const TrialInfo& trial, const Registrar& registrar,
                                      Rebuild what) {
  StoredTrialModel rebuilt;
  rebuilt.config = config_with_params(study.document, trial.params);
  const std::optional<WeightsInfo> weights = store.weights(trial.id);
  if (!weights && what == Rebuild::trained) {
    RefusalFacts facts;
    facts.study = study.name;
    facts.trial = trial.number;
    facts.kept = trials_with_weights(store, study);
    throw RefusedError(Refusal::no_kept_weights, facts);
  }
  const ModelBuilder build = [&](const std::optional<FeatureEncoding>& encoding,
                                 std::int64_t inputs, std::int64_t outputs) {
    return build_trial_model(registrar, rebuilt.config, encoding, inputs, outputs);
  };
  if (weights) {
    rebuilt.features = weights->features;
    rebuilt.targets = weights->targets;
    // The kept models say their own size (their encodings' widths, their
    // classes); files from before encodings read one input per column.
    rebuilt.trained =
        load_weights(weights->file, build, static_cast<std::int64_t>(rebuilt.features.size()),
                     static_cast<std::int64_t>(rebuilt.targets.size()), trial.seed);
    const TrainedModel& first = rebuilt.trained->members.front();
    rebuilt.inputs = first.scaling.encoding ? first.scaling.encoding->width()
                                            : static_cast<std::int64_t>(rebuilt.features.size());
    rebuilt.outputs = model_outputs(rebuilt.trained->classes.size(),
                                    static_cast<std::int64_t>(rebuilt.targets.size()));
    if (what == Rebuild::architecture) {
      rebuilt.model = build(first.scaling.encoding, rebuilt.inputs, rebuilt.outputs);
      rebuilt.trained.reset();
    }
    return rebuilt;
  }
  // The data set says the size: its columns as the trial's split encodes them.
  const PreparedData data = prepare_data(
      rebuilt.config, std::filesystem::path(study.experiment_file).parent_path(), registrar);
  rebuilt.features = data.feature_names;
  rebuilt.targets = data.target_names;
  rebuilt.inputs = data.features;
  rebuilt.outputs = data.targets;
  rebuilt.model = build(data.scaling.encoding, rebuilt.inputs, rebuilt.outputs);
  return rebuilt;
}

}  // namespace tunelab
