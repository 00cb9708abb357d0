#include "cli/study_plugins.h"

#include <fmt/format.h>

#include <algorithm>

#include "plugin/loader.h"

namespace tunelab::cli {

std::vector<std::string> load_study_plugins(const std::vector<ProvenanceInfo>& runs,
                                            const std::vector<std::string>& extra,
                                            Registrar& registrar) {
  load_plugins({extra.begin(), extra.end()}, registrar);
  std::vector<std::string> notes;
  if (runs.empty()) return notes;
  for (const PluginRecord& recorded : runs.back().plugins) {
    const auto same_name =
        std::find_if(registrar.plugins.begin(), registrar.plugins.end(),
                     [&](const LoadedPlugin& p) { return p.name == recorded.name; });
    const LoadedPlugin loaded =
        same_name != registrar.plugins.end() ? *same_name : load_plugin(recorded.path, registrar);
    if (loaded.digest != recorded.digest)
      notes.push_back(fmt::format(
          "plugin '{}' changed since the study ran: {} is {} (version {}), {} was {} (version {})",
          recorded.name, loaded.file.string(), loaded.digest, loaded.version, recorded.path,
          recorded.digest, recorded.version));
  }
  return notes;
}

}  // namespace tunelab::cli
