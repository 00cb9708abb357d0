#pragma once
// `tunelab run --workers N`: N `tunelab worker` processes of this executable
// on one study, started together and waited for. A signal that stops the
// run (Ctrl-C reaches them all; SIGTERM is passed on) stops them too.

#include <string>
#include <vector>

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

}  // namespace tunelab
