// A plugin built for another plugin ABI version.
#include "plugin/plugin_api.h"

namespace {
void never_called(tunelab::Registrar*) {}
}  // namespace

extern "C" __attribute__((visibility("default"))) const TunelabPluginInfo* tunelab_plugin_info() {
  static const TunelabPluginInfo info{tunelab::kPluginAbiVersion + 1, "from_the_future", "9.0",
                                      never_called};
  return &info;
}
