#include "plugin/loader.h"

#include <dlfcn.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <sstream>

#include "common/errors.h"
#include "common/fingerprint.h"
#include "plugin/plugin_api.h"
#include "plugin/registrar.h"

namespace tunelab {
namespace {

// "0.1" of "0.1.0": versions that differ only after it keep the same types.
std::string major_minor(const std::string& version) {
  const auto first = version.find('.');
  return version.substr(0, first == std::string::npos ? first : version.find('.', first + 1));
}

}  // namespace

LoadedPlugin load_plugin(const std::filesystem::path& file, Registrar& registrar) {
  const std::string name = file.string();
  std::error_code ec;
  if (!std::filesystem::exists(file, ec))
    throw PluginError(fmt::format("{}: no such plugin library", name));
  if (!std::filesystem::is_regular_file(file, ec))
    throw PluginError(fmt::format("{}: not a file (a plugin is a shared library, .so)", name));
  const auto path = std::filesystem::canonical(file, ec);
  for (const auto& loaded : registrar.plugins)
    if (loaded.file == path) return loaded;

  // dlopen searches the library path for a bare name; a path with a slash is
  // opened as it is.
  void* library = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!library)
    throw PluginError(fmt::format("{}: not a loadable shared library: {}", name, dlerror()));
  const auto entry =
      reinterpret_cast<TunelabPluginEntry>(dlsym(library, TUNELAB_PLUGIN_ENTRY_NAME));
  if (!entry) {
    dlclose(library);  // nothing of it ran
    throw PluginError(
        fmt::format("{}: not a tunelab plugin: it exports no {}() (define one with TUNELAB_PLUGIN)",
                    name, TUNELAB_PLUGIN_ENTRY_NAME));
  }
  const TunelabPluginInfo* info = entry();
  if (!info || info->abi_version != kPluginAbiVersion)
    throw PluginError(
        fmt::format("{}: built for plugin ABI {}, this tunelab speaks {}; rebuild it "
                    "against this tunelab",
                    name, info ? info->abi_version : -1, kPluginAbiVersion));
  const std::string built_for = info->tunelab_version ? info->tunelab_version : "unknown";
  const std::string built_with = info->libtorch_version ? info->libtorch_version : "unknown";
  if (major_minor(built_for) != major_minor(kVersion) || built_with != TORCH_VERSION)
    throw PluginError(
        fmt::format("{}: built against tunelab {} and LibTorch {}, this tunelab is {} and runs "
                    "LibTorch {}; rebuild it against this tunelab",
                    name, built_for, built_with, kVersion, TORCH_VERSION));
  LoadedPlugin loaded{path, info->name ? info->name : "", info->version ? info->version : "",
                      file_fingerprint(path)};
  if (loaded.name.empty()) throw PluginError(fmt::format("{}: the plugin has no name", name));

  // Registered apart first, so that a failure leaves the registrar as it was.
  Registrar own;
  try {
    info->register_into(&own);
  } catch (const std::exception& e) {
    throw PluginError(
        fmt::format("{}: plugin '{}' failed to register: {}", name, loaded.name, e.what()));
  } catch (...) {
    throw PluginError(fmt::format("{}: plugin '{}' failed to register", name, loaded.name));
  }
  try {
    adopt(registrar, std::move(own), path.string());
  } catch (const RegistryError& e) {
    throw PluginError(fmt::format("{}: plugin '{}': {}", name, loaded.name, e.what()));
  }
  registrar.plugins.push_back(loaded);
  return loaded;
}

void load_plugins(const std::vector<std::filesystem::path>& files, Registrar& registrar) {
  for (const auto& file : plugins_on_path()) load_plugin(file, registrar);
  for (const auto& file : files) load_plugin(file, registrar);
}

std::vector<std::filesystem::path> plugins_on_path() {
  std::vector<std::filesystem::path> out;
  const char* value = std::getenv("TUNELAB_PLUGIN_PATH");
  if (!value) return out;
  std::istringstream parts(value);
  for (std::string part; std::getline(parts, part, ':');) {
    if (part.empty()) continue;
    std::error_code ec;
    if (!std::filesystem::is_directory(part, ec)) {
      out.emplace_back(part);  // a missing file is reported when it is loaded
      continue;
    }
    std::vector<std::filesystem::path> libraries;
    for (const auto& item : std::filesystem::directory_iterator(part, ec))
      if (item.path().extension() == ".so") libraries.push_back(item.path());
    std::sort(libraries.begin(), libraries.end());
    out.insert(out.end(), libraries.begin(), libraries.end());
  }
  return out;
}

}  // namespace tunelab
