// The entry point tunelab looks for: the plugin's name, version, and what it
// registers.

#include "example_plugin.h"
#include "plugin/plugin_api.h"

namespace {

void register_example_plugin(tunelab::Registrar& registrar) {
  example_plugin::register_gated_residual_block(registrar);
  example_plugin::register_squared_relu(registrar);
}

}  // namespace

TUNELAB_PLUGIN("example_plugin", "1.0", register_example_plugin)
