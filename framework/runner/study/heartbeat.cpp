#include "runner/study/heartbeat.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>

namespace tunelab {

std::string host_name() {
  char name[256] = {};
  return gethostname(name, sizeof name - 1) == 0 ? name : "unknown";
}

std::string worker_identity() { return fmt::format("{}:{}", host_name(), getpid()); }

bool worker_lost(const TrialQueue::Running& trial, double lost_after_seconds) {
  // A process of this machine: whether it still exists is known at once,
  // and a busy one is not mistaken for a lost one.
  const auto colon = trial.worker.rfind(':');
  const std::string pid_text = colon == std::string::npos ? "" : trial.worker.substr(colon + 1);
  if (colon != std::string::npos && trial.worker.substr(0, colon) == host_name() &&
      !pid_text.empty() && pid_text.find_first_not_of("0123456789") == std::string::npos) {
    const auto pid = static_cast<pid_t>(std::stol(pid_text));
    return pid != getpid() && kill(pid, 0) != 0 && errno == ESRCH;
  }
  return trial.silent_seconds > lost_after_seconds;
}

int recover_lost_trials(Store& store, std::int64_t study_id, double lost_after_seconds,
                        bool requeue) {
  int recovered = 0;
  for (const auto& trial : store.queue().running_trials(study_id)) {
    // Rows written before workers were recorded belong to a process that
    // stopped (`--resume` hands them back).
    if (trial.worker.empty() || !worker_lost(trial, lost_after_seconds)) continue;
    const bool again = requeue && trial.attempts < 2;
    const std::string reason = fmt::format("worker {} lost (silent for {:.0f} s){}", trial.worker,
                                           trial.silent_seconds, again ? "; re-queued" : "");
    recovered += store.queue().release_lost_trial(trial, again, reason) ? 1 : 0;
  }
  return recovered;
}

Heartbeat::Heartbeat(const std::string& storage, std::int64_t trial_id, double interval_seconds) {
  auto store = Store::open(storage);
  const auto interval = std::chrono::duration<double>(interval_seconds);
  thread_ = std::thread([this, store = std::move(store), trial_id, interval] {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!wake_.wait_for(lock, interval, [this] { return stop_; })) {
      try {
        store->queue().heartbeat(trial_id);
      } catch (const std::exception&) {
        // A missed beat is not fatal: the next one comes soon, and a worker
        // is only given up after many.
      }
    }
  });
}

Heartbeat::~Heartbeat() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

}  // namespace tunelab
