// libFuzzer target: an experiment file's text through the whole loader (YAML,
// places, typed interpretation). Bad input must end in tunelab::Error, never
// in a crash, a hang or a sanitizer report.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/errors.h"
#include "config/experiment_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    tunelab::load_experiment_text(std::string(reinterpret_cast<const char*>(data), size),
                                  "fuzz.yaml");
  } catch (const tunelab::Error&) {
  }
  return 0;
}
