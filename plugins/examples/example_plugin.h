#pragma once
// The example plugin's parts, registered together by plugin.cpp.

#include "plugin/registrar.h"

namespace example_plugin {

void register_gated_residual_block(tunelab::Registrar& registrar);
void register_squared_relu(tunelab::Registrar& registrar);

}  // namespace example_plugin
