#pragma once
// What the runner refuses to do, as facts rather than sentences: the runner
// does not know the front end's words (the CLI's option names), so it
// throws a RefusedError and the front end words it (cli/refusal_message.h).
// what() is a plain wording for any other caller.

#include <string>
#include <vector>

#include "common/errors.h"

namespace tunelab {

enum class Refusal {
  too_few_trials,           // number: the budget asked for
  threads_out_of_range,     // number: the threads asked for; most
  lost_after_not_positive,  // number: the seconds asked for
  study_exists,             // study, store: exists and was not to be resumed
  other_workers,            // study, store, recorded: the trials at once it ran with
  other_configuration,      // study, store, recorded: resumed from another experiment, what differs
  other_data,               // study, store, recorded, now: data set digests
  other_plugin,             // study, store, plugin, recorded, now, file: library digests
  no_kept_weights,          // study, trial, kept: a trained model asked for
};

struct RefusalFacts {
  std::string study, store;
  double number = 0;
  int most = 0;
  std::string recorded, now;
  std::string plugin, file;
  int trial = 0;
  std::vector<int> kept;  // the study's trials with kept weights
};

class RefusedError : public InputError {
 public:
  RefusedError(Refusal reason, RefusalFacts facts);

  Refusal reason() const { return reason_; }
  const RefusalFacts& facts() const { return facts_; }

 private:
  Refusal reason_;
  RefusalFacts facts_;
};

}  // namespace tunelab
