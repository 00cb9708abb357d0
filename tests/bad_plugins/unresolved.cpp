// A plugin that needs a symbol nothing provides (RTLD_NOW refuses it at load).
#include "plugin/plugin_api.h"

extern "C" int tunelab_symbol_nobody_defines();

namespace {
void register_unresolved(tunelab::Registrar&) { tunelab_symbol_nobody_defines(); }
}  // namespace

TUNELAB_PLUGIN("unresolved", "0.1", register_unresolved)
