#pragma once
// Signs of life of the processes working on a study. Each running trial's
// row is touched every few seconds by its worker; a trial whose worker
// stopped (killed, machine lost) is found by any other worker and handed
// back: re-queued once with the same number, seed and params, so the study
// comes out as if nothing had happened, or failed the second time.

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "store/store.h"

namespace tunelab {

// This machine's name, as provenance and workers record it.
std::string host_name();

// "host:pid", naming this process in the trials it runs.
std::string worker_identity();

// Whether `trial`'s worker is gone: a process of this machine that no longer
// exists, or a worker elsewhere silent for more than `lost_after_seconds`.
bool worker_lost(const TrialQueue::Running& trial, double lost_after_seconds);

// Hands back every trial of the study whose worker is gone; returns how
// many. A first loss re-queues (when `requeue`), a second one fails.
int recover_lost_trials(Store& store, std::int64_t study_id, double lost_after_seconds,
                        bool requeue);

// Touches one trial's heartbeat from a thread of its own, on a connection
// of its own, until destroyed.
class Heartbeat {
 public:
  Heartbeat(const std::string& storage, std::int64_t trial_id, double interval_seconds);
  ~Heartbeat();
  Heartbeat(const Heartbeat&) = delete;
  Heartbeat& operator=(const Heartbeat&) = delete;

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace tunelab
