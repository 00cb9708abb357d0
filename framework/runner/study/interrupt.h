#pragma once
// Ctrl-C and kill: a study stops at the end of the running epoch, puts the
// running trial back as WAITING ("interrupted by SIGINT", trained again by
// --resume) and returns. A second Ctrl-C ends the process at once (the
// handler is reset after the first); a repeated SIGTERM does not, since
// schedulers repeat it before their SIGKILL.

namespace tunelab {

// Installed by a study once its data is loaded (and by `run --workers`,
// which passes a signal on to its workers); installing twice is harmless.
void install_interrupt_handlers();

// The signal that asked the study to stop, or 0.
int interrupt_signal();

}  // namespace tunelab
