#pragma once
// The best trial's weights, when its study keeps them and they are gone: a
// store written by an older tunelab (which recorded a trial COMPLETE before
// writing its weights) after a kill in between, or a weights file deleted
// since. The trial is trained again from its seed and its weights are kept
// only when its losses are the stored ones.

#include <string>
#include <vector>

#include "runner/study/study.h"
#include "store/store.h"

namespace tunelab {

struct Registrar;

// Returns one sentence for what it did: the weights restored, or why not
// (the retrained losses differ, the trial cannot be trained here). Nothing
// when the weights are there or the study keeps none.
std::vector<std::string> restore_lost_weights(Store& store, const StudyInfo& study,
                                              const Registrar& registrar,
                                              StudyOptions::KeepWeights keep);

}  // namespace tunelab
