#include "runner/study/interrupt.h"

#include <csignal>

namespace tunelab {
namespace {

volatile std::sig_atomic_t received = 0;

// The first signal is the one that stopped the study.
void on_signal(int signal) {
  if (received == 0) received = signal;
}

}  // namespace

void install_interrupt_handlers() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  // A second Ctrl-C ends the process at once: the handler goes after the
  // first. SIGTERM keeps it: schedulers send it more than once (Slurm at
  // preemption and again at the end of the grace time) and follow it with
  // SIGKILL, so a repeat must not cut short the epoch being finished.
  action.sa_flags = SA_RESETHAND;
  sigaction(SIGINT, &action, nullptr);
  action.sa_flags = 0;
  sigaction(SIGTERM, &action, nullptr);
}

int interrupt_signal() { return received; }

}  // namespace tunelab
