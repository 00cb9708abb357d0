// Any numeric CSV file with a header row.

#include "common/args.h"
#include "data/table_dataset.h"
#include "plugins/builtins.h"

namespace tunelab {

void register_csv_dataset(Registrar& registrar) {
  registrar.datasets.add(
      "csv", "a numeric CSV file with a header (path, target, optional features)",
      [](const DatasetRequest& request) {
        const Args args(request.args);
        args.allow_only({"path", "target", "features"});
        std::filesystem::path path = args.text("path");
        if (path.is_relative()) path = request.base_dir / path;
        const CsvTable table = read_numeric_csv(path);
        return dataset_from_table(table, args.text("target", table.header.back()),
                                  args.texts("features", {}));
      });
}

}  // namespace tunelab
