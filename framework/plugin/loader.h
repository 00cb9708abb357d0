#pragma once
// Loading plugin libraries into a registrar. A library is opened with
// RTLD_NOW | RTLD_LOCAL (every symbol resolved up front, none leaking into
// the next library), registers into a fresh registrar whose entries then move
// into the real one with the library's path as their origin (all or nothing),
// and stays loaded for the life of the process: objects it made may live that
// long.

#include <filesystem>
#include <string>
#include <vector>

namespace tunelab {

struct Registrar;
struct LoadedPlugin;

// Loads `file` into `registrar` and returns what it was. Loading a file that
// is already loaded (by its real path) does nothing and returns it again.
// Throws PluginError naming the file: missing, not a shared library, no entry
// point, another ABI version, a name already registered, or an exception from
// its registration.
LoadedPlugin load_plugin(const std::filesystem::path& file, Registrar& registrar);

// Loads the libraries TUNELAB_PLUGIN_PATH names, then `files`.
void load_plugins(const std::vector<std::filesystem::path>& files, Registrar& registrar);

// The libraries TUNELAB_PLUGIN_PATH names: a colon-separated list of files
// and folders (every *.so in a folder, in name order).
std::vector<std::filesystem::path> plugins_on_path();

}  // namespace tunelab
