#pragma once
// The CPU cores this process may keep busy: the machine's, or its share when
// several worker processes of one study run on the machine (`tunelab run
// --workers N` gives each 1/N), so that they do not oversubscribe it.

namespace tunelab {

unsigned usable_cores();
// At least 1.
void limit_usable_cores(unsigned cores);

}  // namespace tunelab
