#pragma once
// `tunelab run --workers N`: N `tunelab worker` processes of this executable
// on one study, started together and waited for. A signal that stops the
// run (Ctrl-C reaches them all; SIGTERM is passed on) stops them too.

#include <functional>
#include <string>
#include <vector>

#include "runner/study/study.h"

namespace tunelab {

struct WorkerExit {
  int index = 0;
  int exit_status = 0;  // -1 when ended by a signal
  int signal = 0;
};

// Starts one process per entry of `arguments` (each the arguments after
// `tunelab`) and returns how each ended, in order.
std::vector<WorkerExit> run_worker_processes(
    const std::vector<std::vector<std::string>>& arguments);

struct StudyInProcesses {
  StudySummary summary;              // read back from the store
  std::vector<WorkerExit> failures;  // the processes that did not exit 0, unless interrupted
};

// The study prepared here (created, or checked for --resume), then trained
// by `workers` processes, each started with `worker_arguments(study,
// cores_each)` (the command line of the front end's worker command), this
// machine's cores shared among them. `on_start` hears of the study before
// they start.
StudyInProcesses run_study_in_processes(
    const Experiment& experiment, const Registrar& registrar, Store& store,
    const StudyOptions& options, int workers,
    const std::function<std::vector<std::string>(const StudyInfo& study, unsigned cores_each)>&
        worker_arguments,
    const std::function<void(const StudyInfo& study)>& on_start);

}  // namespace tunelab
