// A plugin of this ABI compiled against another LibTorch.
#include "plugin/plugin_api.h"

namespace {
void never_called(tunelab::Registrar*) {}
}  // namespace

extern "C" __attribute__((visibility("default"))) const TunelabPluginInfo* tunelab_plugin_info() {
  static const TunelabPluginInfo info{tunelab::kPluginAbiVersion, "elsewhere", "1.0", never_called,
                                      tunelab::kVersion,          "2.3.0"};
  return &info;
}
