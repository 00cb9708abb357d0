// A library that does something the moment it is opened, before tunelab
// calls anything of it: its constructor writes the file TUNELAB_TEST_MARK
// names. Tests use it to tell whether a command opened a library.
#include <cstdio>
#include <cstdlib>

#include "plugin/plugin_api.h"

namespace {

__attribute__((constructor)) void mark_on_load() {
  const char* mark = std::getenv("TUNELAB_TEST_MARK");
  if (!mark) return;
  if (FILE* f = std::fopen(mark, "w")) {
    std::fputs("opened\n", f);
    std::fclose(f);
  }
}

void register_nothing(tunelab::Registrar&) {}

}  // namespace

TUNELAB_PLUGIN("marks_on_load", "0.1", register_nothing)
