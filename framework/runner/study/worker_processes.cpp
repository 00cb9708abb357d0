#include "runner/study/worker_processes.h"

#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <thread>

#include "common/cores.h"
#include "common/errors.h"
#include "runner/study/interrupt.h"

extern char** environ;

namespace tunelab {

std::vector<WorkerExit> run_worker_processes(
    const std::vector<std::vector<std::string>>& arguments) {
  // This very executable, whatever it was called as.
  const std::string self = "/proc/self/exe";
  // Each worker in a process group of its own: the terminal's Ctrl-C reaches
  // this process only, which passes it on once (a second signal would end a
  // worker at once instead of at the end of its epoch).
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attributes, 0);
  std::vector<pid_t> pids;
  std::vector<WorkerExit> exits(arguments.size());
  for (std::size_t i = 0; i < arguments.size(); ++i) {
    std::vector<std::string> words = {"tunelab"};
    words.insert(words.end(), arguments[i].begin(), arguments[i].end());
    std::vector<char*> argv;
    for (auto& w : words) argv.push_back(w.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    const int error = posix_spawn(&pid, self.c_str(), nullptr, &attributes, argv.data(), environ);
    if (error != 0) {
      posix_spawnattr_destroy(&attributes);
      for (const pid_t p : pids) kill(p, SIGTERM);
      for (const pid_t p : pids) waitpid(p, nullptr, 0);
      throw Error(fmt::format("cannot start worker process {}: {}", i + 1, std::strerror(error)));
    }
    pids.push_back(pid);
    exits[i].index = static_cast<int>(i);
  }
  posix_spawnattr_destroy(&attributes);
  std::size_t running = pids.size();
  bool passed_on = false;
  while (running > 0) {
    int status = 0;
    const pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid > 0) {
      for (std::size_t i = 0; i < pids.size(); ++i) {
        if (pids[i] != pid) continue;
        exits[i].exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        exits[i].signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
        pids[i] = -1;
        --running;
      }
      continue;
    }
    if (pid < 0 && errno != EINTR) break;
    if (interrupt_signal() != 0 && !passed_on) {
      passed_on = true;
      for (const pid_t p : pids)
        if (p > 0) kill(p, interrupt_signal());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return exits;
}

StudyInProcesses run_study_in_processes(
    const Experiment& experiment, const Registrar& registrar, Store& store,
    const StudyOptions& options, int workers,
    const std::function<std::vector<std::string>(const StudyInfo& study, unsigned cores_each)>&
        worker_arguments,
    const std::function<void(const StudyInfo& study)>& on_start) {
  const StudyInfo study = prepare_study(experiment, registrar, store, options);
  if (on_start) on_start(study);
  const unsigned cores_each = std::max(1U, usable_cores() / static_cast<unsigned>(workers));
  const auto exits = run_worker_processes(std::vector<std::vector<std::string>>(
      static_cast<std::size_t>(workers), worker_arguments(study, cores_each)));
  StudyInProcesses result;
  result.summary = study_summary(store, study);
  if (interrupt_signal() != 0) {
    result.summary.stopped_because = StopReason::interrupted;
    return result;
  }
  for (const auto& e : exits)
    if (e.exit_status != 0) result.failures.push_back(e);
  return result;
}

}  // namespace tunelab
