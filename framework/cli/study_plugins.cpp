#include "cli/study_plugins.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/errors.h"
#include "common/fingerprint.h"
#include "plugin/loader.h"

namespace tunelab::cli {
namespace {

std::string changed(const std::string& shown, const std::string& digest,
                    const PluginRecord& recorded) {
  return fmt::format(
      "{}: plugin '{}' is not the library the study ran with: its fingerprint is {}, the study "
      "recorded {} (version {}, {}); rebuild the library the study ran with, or run the study "
      "again",
      shown, recorded.name, digest, recorded.digest, recorded.version, recorded.path);
}

std::string listed(const std::vector<PluginRecord>& plugins) {
  std::string out;
  for (const auto& p : plugins)
    out += fmt::format("{}'{}' ({})", out.empty() ? "" : ", ", p.name, p.path);
  return out;
}

}  // namespace

std::vector<PluginRecord> load_study_plugins(const std::vector<ProvenanceInfo>& runs,
                                             const std::vector<std::string>& named,
                                             Registrar& registrar) {
  const std::vector<PluginRecord> recorded =
      runs.empty() ? std::vector<PluginRecord>{} : runs.back().plugins;
  std::vector<std::filesystem::path> files = plugins_on_path();
  files.insert(files.end(), named.begin(), named.end());
  // Before anything of a file runs: one at a recorded path must have the
  // recorded bytes.
  for (const auto& file : files) {
    std::error_code ec;
    const auto path = std::filesystem::canonical(file, ec);
    if (ec) continue;  // the loader names what is wrong with it
    for (const auto& r : recorded)
      if (path == std::filesystem::path(r.path)) {
        const std::string digest = file_fingerprint(path);
        if (digest != r.digest) throw PluginError(changed(file.string(), digest, r));
      }
  }
  for (const auto& file : files) load_plugin(file, registrar);

  std::vector<PluginRecord> missing;
  for (const auto& r : recorded) {
    const auto same_name = std::find_if(registrar.plugins.begin(), registrar.plugins.end(),
                                        [&](const LoadedPlugin& p) { return p.name == r.name; });
    if (same_name == registrar.plugins.end())
      missing.push_back(r);
    else if (same_name->digest != r.digest)
      throw PluginError(changed(same_name->file.string(), same_name->digest, r));
  }
  return missing;
}

void require_study_plugins(const std::string& study, const std::vector<PluginRecord>& missing) {
  if (missing.empty()) return;
  std::string flags;
  for (const auto& p : missing) flags += " --plugin " + p.path;
  throw PluginError(fmt::format(
      "study '{}' ran with plugin{} {}; tunelab loads no library that only a store names: name "
      "{} yourself ({}, or TUNELAB_PLUGIN_PATH)",
      study, missing.size() == 1 ? "" : "s", listed(missing), missing.size() == 1 ? "it" : "them",
      flags.substr(1)));
}

std::string missing_plugins_note(const std::vector<PluginRecord>& missing) {
  if (missing.empty()) return "";
  return fmt::format(
      "the study's plugin{} {} {} not loaded: tunelab loads no library that only a store names "
      "(--plugin names one)",
      missing.size() == 1 ? "" : "s", listed(missing), missing.size() == 1 ? "was" : "were");
}

}  // namespace tunelab::cli
