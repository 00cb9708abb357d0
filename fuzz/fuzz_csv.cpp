// libFuzzer target: a CSV file's bytes through the numeric CSV reader.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "common/errors.h"
#include "data/csv_table.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  try {
    tunelab::parse_numeric_csv(in, "fuzz.csv");
  } catch (const tunelab::Error&) {
  }
  return 0;
}
