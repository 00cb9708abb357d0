#pragma once
// Warm starts (search.warm_start): the finished trials of earlier studies
// handed to a new study's sampler as history. They are gathered once, when
// the study is created, and kept with it (warm_start_trials), so that the
// study proposes the same whether it is resumed, joined by workers, or its
// sources change or go.

#include <vector>

#include "config/experiment.h"
#include "search/trial_state.h"
#include "store/store.h"

namespace tunelab {

// The trials of config.search.warm_start's studies that fit `config`'s
// space, in order (study by study, each by trial number): complete and
// pruned ones with a value, their params cut to the space's dimensions; a
// dimension the earlier study did not search takes the value it ran with
// (its configuration). A trial with a value outside this space is left
// out. ConfigError (keyed search.warm_start...) for a study that is not
// there, is the study itself, or was judged by another metric or direction.
std::vector<WarmStartTrial> gather_warm_start(const ExperimentConfig& config, Store& store,
                                              const std::string& study_name);

// The kept trials as the sampler's history: before the study's own, numbered
// from -count to -1 so that they precede trial 0.
std::vector<FinishedTrial> warm_start_history(const std::vector<WarmStartTrial>& trials);

}  // namespace tunelab
