// A plugin whose registration throws.
#include <stdexcept>

#include "plugin/plugin_api.h"

namespace {
void register_throwing(tunelab::Registrar&) {
  throw std::runtime_error("cannot find its settings file");
}
}  // namespace

TUNELAB_PLUGIN("throwing", "0.1", register_throwing)
