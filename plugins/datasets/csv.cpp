// Any numeric CSV file with a header row.

#include "common/option_specs.h"
#include "data/table_dataset.h"
#include "plugins/builtins.h"

namespace tunelab {

namespace {

const OptionSpecs kCsvOptions{
    {"path", OptionType::text, nullptr, "the file, relative to the experiment file (required)"},
    {"target", OptionType::text, nullptr, "the column to predict (default: the last)"},
    {"features", OptionType::texts, nullptr, "the input columns (default: all but the target)"}};

}  // namespace

void register_csv_dataset(Registrar& registrar) {
  registrar.datasets.add(
      "csv", "a numeric CSV file with a header", kCsvOptions, [](const DatasetRequest& request) {
        const Args args = kCsvOptions.read(request.args);
        std::filesystem::path path = args.text("path");
        if (path.is_relative()) path = request.base_dir / path;
        const CsvTable table = read_numeric_csv(path);
        return dataset_from_table(table, args.text("target", table.header.back()),
                                  args.texts("features", {}));
      });
}

}  // namespace tunelab
