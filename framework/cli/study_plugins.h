#pragma once
// The plugin libraries a stored study needs again (rerun, predict, report,
// worker). A store is data: it names the libraries a study's last run loaded,
// but only the user loads one, with --plugin or TUNELAB_PLUGIN_PATH. What the
// store records is checked against what the user named: a file at a recorded
// path is fingerprinted before it is opened, and a library whose bytes differ
// from the recorded ones is refused with both fingerprints.

#include <string>
#include <vector>

#include "plugin/registrar.h"
#include "store/store.h"

namespace tunelab::cli {

// Loads TUNELAB_PLUGIN_PATH's libraries and `named` into `registrar`, after
// checking each against `runs`' last record; returns the recorded plugins
// that no named library stands in for. Throws PluginError for a named
// library whose bytes differ from the recorded ones.
std::vector<PluginRecord> load_study_plugins(const std::vector<ProvenanceInfo>& runs,
                                             const std::vector<std::string>& named,
                                             Registrar& registrar);

// For a command that cannot work without them: throws InputError saying how
// to name each of `missing` when there are any.
void require_study_plugins(const std::string& study, const std::vector<PluginRecord>& missing);

// "plugin 'name' (PATH) was not loaded: ..." for a command that works without
// them (report), one sentence for all of `missing`; empty when none.
std::string missing_plugins_note(const std::vector<PluginRecord>& missing);

}  // namespace tunelab::cli
