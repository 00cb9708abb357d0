#pragma once
// The batch script `tunelab submit --slurm` writes: a Slurm job array whose
// tasks are each one `tunelab worker` on a study that exists in a store.
// Every choice is a visible #SBATCH line, so that a user can edit the script
// and submit it again by hand.

#include <optional>
#include <string>
#include <vector>

namespace tunelab::cli {

struct SlurmJob {
  std::string study;
  std::string storage;  // the store's URL, an SQLite path made absolute
  int array = 1;        // tasks, one worker each
  std::string partition;
  std::string time;  // Slurm's time-limit form, empty for the partition's
  int cpus_per_task = 1;
  std::vector<std::string> sbatch_args;  // more #SBATCH lines, as given
  bool requeue = true;
  std::string tunelab;                    // the executable, absolute
  std::string workdir;                    // where the tasks run (the experiment's paths)
  std::string log_folder;                 // one output file per task
  std::vector<std::string> plugins;       // libraries the workers load
  std::vector<std::string> worker_flags;  // --threads, --keep-weights, --lost-after, ...
};

// Seconds in a Slurm time limit: "minutes", "minutes:seconds",
// "hours:minutes:seconds", "days-hours", "days-hours:minutes" or
// "days-hours:minutes:seconds". nullopt for anything else.
std::optional<long> slurm_time_seconds(const std::string& text);

// How long before the time limit a task is told to stop and requeue (USR1):
// a tenth of the limit, from 10 seconds to 5 minutes.
long stop_warning_seconds(long time_limit_seconds);

std::string slurm_script(const SlurmJob& job);

}  // namespace tunelab::cli
