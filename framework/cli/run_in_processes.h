#pragma once
// `tunelab run --workers N`: the study is created here, then N `tunelab
// worker` processes of this executable run its trials (runner/
// worker_processes.h); a worker that fails is reported on stderr.

#include <string>
#include <vector>

#include "cli/worker_options.h"
#include "runner/study/study.h"
#include "runner/study/worker_processes.h"
#include "store/store.h"

namespace tunelab::cli {

// `storage` as given to `run`, and the libraries `registrar` loaded, handed
// on to the workers. Each worker that failed is said on standard error, and
// is among the result's failures.
StudyInProcesses run_in_processes(const Experiment& experiment, const Registrar& registrar,
                                  Store& store, const std::string& storage,
                                  const WorkerOptions& worker, int workers);

}  // namespace tunelab::cli
