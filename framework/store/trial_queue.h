#pragma once
// A study's trials as a queue that any number of workers, in any processes
// on any machines, work off together: numbering, claiming, heartbeats,
// handing back a lost worker's trial, and recording how each ended. Every
// write is one transaction, so a crash leaves every finished trial intact.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "search/trial_state.h"
#include "store/records.h"

namespace tunelab {

struct StoreConnection;
namespace sql {
class Connection;
class Transaction;
}  // namespace sql

class TrialQueue {
 public:
  explicit TrialQueue(std::shared_ptr<StoreConnection> connection);

  // Marks trials that a process which recorded no worker (an older tunelab)
  // left RUNNING as FAIL; returns how many.
  int fail_abandoned_trials(std::int64_t study_id, const std::string& reason);
  // Finished (COMPLETE, PRUNED, FAIL) trials in number order, with curves.
  std::vector<FinishedTrial> finished_trials(std::int64_t study_id);
  // Finished trials that count against the budget (not the interrupted ones).
  int counted_trials(std::int64_t study_id);
  int next_trial_number(std::int64_t study_id);

  // Inserts trial `number` as RUNNING with its params and returns its id.
  std::int64_t start_trial(std::int64_t study_id, int number, std::uint64_t seed,
                           const Params& params, const std::string& device);

  // Several workers on one study (runner/worker.cpp). Each claim is one
  // IMMEDIATE transaction, so two workers never get the same trial.
  struct Progress {
    int counted = 0;  // finished trials that count against the budget
    int active = 0;   // RUNNING and WAITING ones
    int next_number = 0;
    std::optional<int> lowest_unfinished;  // the lowest RUNNING or WAITING number
  };
  Progress progress(std::int64_t study_id);
  // Starts trial `number` for `worker` when it is still the next number and
  // the budget is not spoken for (finished + running + waiting < wanted);
  // nullopt when another worker was first.
  // `proposed_by` names the sampler that proposed `params`; `enqueued`, the
  // configuration added by `tunelab enqueue` that it runs, which it takes
  // in the same transaction (nullopt when another trial took it first).
  std::optional<std::int64_t> claim_trial(std::int64_t study_id, int number, std::uint64_t seed,
                                          const Params& params, const std::string& device,
                                          const std::string& worker, int wanted,
                                          const std::string& proposed_by = "",
                                          std::optional<std::int64_t> enqueued = std::nullopt);

  // Configurations to try first, added to a study (running or not) by
  // `tunelab enqueue`: each is taken by the study's next new trial, in the
  // order they were added.
  void enqueue(std::int64_t study_id, const Params& params);
  struct Enqueued {
    std::int64_t id = 0;
    Params params;
  };
  // The oldest configuration no trial has taken yet.
  std::optional<Enqueued> next_enqueued(std::int64_t study_id);
  // How many configurations wait to be taken.
  int enqueued_waiting(std::int64_t study_id);
  struct Claimed {
    std::int64_t trial_id = 0;
    int number = 0;
    std::uint64_t seed = 0;
    Params params;
  };
  // Takes the lowest WAITING (re-queued) trial, if there is one.
  std::optional<Claimed> claim_waiting_trial(std::int64_t study_id, const std::string& device,
                                             const std::string& worker);
  void heartbeat(std::int64_t trial_id);
  struct Running {
    std::int64_t trial_id = 0;
    int number = 0;
    std::string worker;
    double silent_seconds = 0;  // since its last heartbeat
    int attempts = 1;
  };
  std::vector<Running> running_trials(std::int64_t study_id);
  // A RUNNING trial whose worker is gone: back to WAITING with the same
  // number, seed and params (`requeue`), or FAIL with `reason`. False when
  // the trial was no longer RUNNING under that worker (someone else was first).
  bool release_lost_trial(const Running& trial, bool requeue, const std::string& reason);
  // Records how the trial ended; `also` writes more in the same transaction
  // (the trial's weights: a COMPLETE row is never there without them).
  void finish_trial(std::int64_t trial_id, const TrialOutcome& outcome,
                    const std::function<void(sql::Transaction&)>& also = {});
  // A RUNNING trial stopped by a signal: back to WAITING with the same
  // number, seed and params, `reason` as its error, so that the next run or
  // worker of the study trains it again from the start.
  void requeue_interrupted_trial(std::int64_t trial_id, const std::string& reason);

 private:
  // Inside the caller's transaction.
  std::int64_t insert_trial(std::int64_t study_id, int number, std::uint64_t seed,
                            const Params& params, const std::string& device,
                            const std::string& worker, const std::string& proposed_by);
  void write_outcome(std::int64_t trial_id, const TrialOutcome& outcome,
                     const std::function<void(sql::Transaction&)>& also);
  bool is_postgresql() const;

  std::shared_ptr<StoreConnection> connection_;
  sql::Connection* db_;
  std::string url_;
};

}  // namespace tunelab
