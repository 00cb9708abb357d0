#pragma once
// The plugin libraries a stored study needs again (rerun, predict): the ones
// its last run recorded, after TUNELAB_PLUGIN_PATH's and --plugin's (which
// stand in for a recorded library of the same plugin name).

#include <string>
#include <vector>

#include "plugin/registrar.h"
#include "store/store.h"

namespace tunelab::cli {

// Loads them into `registrar`; returns a note for each library whose content
// differs from what the study recorded.
std::vector<std::string> load_study_plugins(const std::vector<ProvenanceInfo>& runs,
                                            const std::vector<std::string>& extra,
                                            Registrar& registrar);

}  // namespace tunelab::cli
