#pragma once
// "Ask": the next trial a worker runs, claimed in the store, from wherever
// it comes: a trial handed back (a lost worker's, an interrupted one), the
// file's search.enqueue, a configuration `tunelab enqueue` added, or the
// sampler's proposal.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/experiment.h"
#include "runner/trial/trial.h"
#include "search/direction.h"
#include "search/sampler.h"
#include "store/store.h"

namespace tunelab {

// What a worker asks from, fixed for the study's run.
struct TrialSource {
  const SearchConfig& search;
  Store& store;
  std::int64_t study_id = 0;
  std::uint64_t root_seed = 0;
  int wanted = 0;  // the study's budget of counted trials
  // Trial k is proposed from the trials numbered up to k - workers (the
  // search.workers rule), so that it sees them whichever worker finished
  // first; a very large number where neither sampler nor pruner reads them.
  int workers = 1;
  std::string device, worker;  // where it runs, and who runs it (host:pid)
  Sampler& sampler;
  std::vector<Direction> directions;      // the objectives' (samplers minimise)
  std::vector<FinishedTrial> warm_start;  // earlier studies' trials the sampler also sees
};

struct Asked {
  std::optional<ClaimedTrial> trial;  // claimed by this worker
  bool exhausted = false;             // the sampler has nothing left to propose: the study stops
  bool taken = false;                 // another worker claimed the number first: ask again at once
};

// The next trial, given the queue's progress `now`. Without one (and not
// exhausted or taken), every trial left runs elsewhere or must wait for
// the trials it is to see: the worker waits and asks again.
Asked ask(const TrialSource& source, const TrialQueue::Progress& now);

}  // namespace tunelab
