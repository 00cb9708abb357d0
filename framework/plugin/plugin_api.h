#pragma once
// What a plugin library exports: one C entry point, tunelab_plugin_info(),
// returning the ABI version it was built for, its name and version, the
// tunelab and LibTorch versions it was compiled against, and the function
// that registers its blocks, activations, datasets, samplers,
// pruners, optimizers, losses and models into the registrar it is handed.
//
//   #include "plugin/plugin_api.h"
//   #include "plugin/registrar.h"
//
//   void register_my_plugin(tunelab::Registrar& registrar) {
//     registrar.blocks.add("MyBlock", "what it does", [](const tunelab::BlockSpec& spec) {...});
//   }
//   TUNELAB_PLUGIN("my_plugin", "1.0", register_my_plugin)
//
// The registrar is the plugin's only way in: no globals, no static
// registration. Names must not clash with registered ones.

#include <torch/version.h>

#include "common/version.h"

namespace tunelab {

struct Registrar;  // plugin/registrar.h; not included here, so this header is cheap

// Bumped whenever the registrar or an interface a plugin implements changes
// in a way that breaks plugins built before. A plugin must also have been
// compiled against this tunelab's major.minor version and exact LibTorch
// version: their C++ types cross the boundary.
inline constexpr int kPluginAbiVersion = 9;

}  // namespace tunelab

extern "C" {

// The layout is fixed, and abi_version is read first, so that a library
// built for any ABI version can be told apart.
struct TunelabPluginInfo {
  int abi_version;
  const char* name;
  const char* version;
  void (*register_into)(tunelab::Registrar* registrar);  // may throw
  const char* tunelab_version;   // tunelab::kVersion it was compiled against
  const char* libtorch_version;  // TORCH_VERSION it was compiled against
};

typedef const TunelabPluginInfo* (*TunelabPluginEntry)();
}

#define TUNELAB_PLUGIN_ENTRY_NAME "tunelab_plugin_info"

// Defines the entry point. REGISTER is a function void(tunelab::Registrar&).
#define TUNELAB_PLUGIN(NAME, VERSION, REGISTER)                              \
  extern "C" __attribute__((visibility("default"))) const TunelabPluginInfo* \
  tunelab_plugin_info() {                                                    \
    static const TunelabPluginInfo info{                                     \
        ::tunelab::kPluginAbiVersion,                                        \
        NAME,                                                                \
        VERSION,                                                             \
        [](::tunelab::Registrar* registrar) { REGISTER(*registrar); },       \
        ::tunelab::kVersion,                                                 \
        TORCH_VERSION};                                                      \
    return &info;                                                            \
  }
