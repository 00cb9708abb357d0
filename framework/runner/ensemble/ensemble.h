#pragma once
// An ensemble of a study's trials, built from the predictions the store
// keeps of each complete trial (search.ensemble after a run; `tunelab
// ensemble` for any study), kept in the store with its members' weights
// files so that `predict --ensemble` needs nothing else.

#include <string>
#include <vector>

#include "store/store.h"

namespace tunelab {

struct Registrar;

struct EnsembleRequest {
  int size = 5;
  std::string method = "greedy";  // or "top"
  // The size was not asked for: a study with fewer candidates than `size`
  // gets an ensemble of as many as it has.
  bool default_size = false;
};

struct BuiltEnsemble {
  EnsembleInfo ensemble;  // as stored
  // One sentence for each member whose weights had to be trained again.
  std::vector<std::string> notes;
};

// The candidates are the complete trials with stored validation predictions,
// best first. InputError for a size below 1 or above their number (which it
// says), for a study without such trials, and for trials whose validation
// rows differ (a study that searches its data). Members whose weights the
// store does not keep are trained again from their seeds (a rerun
// reproduces them) and kept; Error when one trains to other losses than it
// stored.
BuiltEnsemble build_ensemble(Store& store, const StudyInfo& study, const Registrar& registrar,
                             EnsembleRequest request);

}  // namespace tunelab
