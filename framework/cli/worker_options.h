#pragma once
// The options of a process that runs trials, which `tunelab run` and
// `tunelab worker` share: [--threads N] [--keep-weights best|all|none]
// [--lost-after SECONDS] [--quiet].

#include <string>
#include <vector>

#include "cli/options.h"
#include "runner/study/study.h"

namespace tunelab::cli {

struct WorkerOptions {
  StudyOptions study;
  std::string keep_weights = "best";
  bool quiet = false;

  void add_to(po::options_description& options);
  // Reads --keep-weights into `study` (InputError when bad).
  void finish();
  // The same options as arguments, for a worker process started from here.
  std::vector<std::string> as_arguments() const;
};

}  // namespace tunelab::cli
