// libFuzzer target: a CSV file's bytes through the CSV reader, then read as
// a data set (its last column the target), its task settled and its
// features encoded as a training split would be.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "common/errors.h"
#include "data/csv_table.h"
#include "data/feature_encoding.h"
#include "data/table_dataset.h"
#include "data/task.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  try {
    const tunelab::CsvTable table = tunelab::parse_csv(in, "fuzz.csv");
    tunelab::TableColumns columns;
    columns.target = table.header.back();
    tunelab::Dataset dataset = tunelab::dataset_from_table(table, columns);
    tunelab::settle_task(dataset, tunelab::Task::automatic);
    const auto encoding = tunelab::FeatureEncoding::fit(dataset);
    encoding.apply(dataset.x, dataset.feature_columns());
  } catch (const tunelab::Error&) {
  }
  return 0;
}
