#pragma once
// `tunelab run --workers N`: the study is created here, then N `tunelab
// worker` processes of this executable run its trials (runner/
// worker_processes.h); a worker that fails is reported on stderr.

#include <string>
#include <vector>

#include "cli/worker_options.h"
#include "runner/study.h"
#include "store/store.h"

namespace tunelab::cli {

// `storage` and `plugins` as given to `run`, handed on to the workers.
StudySummary run_in_processes(const Experiment& experiment, const Registrar& registrar,
                              Store& store, const std::string& storage, const WorkerOptions& worker,
                              const std::vector<std::string>& plugins, int workers);

}  // namespace tunelab::cli
