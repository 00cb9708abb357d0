// Any CSV file with a header row: numbers, words and missing cells.

#include <fmt/format.h>

#include "common/errors.h"
#include "common/option_specs.h"
#include "data/table_dataset.h"
#include "plugins/builtins.h"

namespace tunelab {

namespace {

const OptionSpecs kCsvOptions{
    {"path", OptionType::text, nullptr, "the file, relative to the experiment file (required)"},
    {"target", OptionType::text, nullptr,
     "the column to predict (default: the last); words in it make a classification task"},
    {"features", OptionType::texts, nullptr,
     "the input columns (default: all but the target and ignore)"},
    {"ignore", OptionType::texts, nullptr, "columns never read (ids, free text, leaks)"},
    {"categorical", OptionType::any, nullptr,
     "columns of integer codes to read as categories (words always are); all: every feature"},
    {"na_values", OptionType::texts, nullptr,
     "cells that mean missing, besides '', NA, N/A, NaN, null, None and #N/A"}};

}  // namespace

void register_csv_dataset(Registrar& registrar) {
  registrar.datasets.add(
      "csv", "a CSV file with a header (numbers, words, missing cells)", kCsvOptions,
      [](const DatasetRequest& request) {
        const Args args = kCsvOptions.read(request.args);
        std::filesystem::path path = args.text("path");
        if (path.is_relative()) path = request.base_dir / path;
        const CsvTable table = read_csv(path);
        TableColumns columns;
        columns.target = args.text("target", table.header.back());
        columns.features = args.texts("features", {});
        columns.ignore = args.texts("ignore", {});
        if (args.section("categorical").is_string()) {
          if (args.text("categorical") != "all")
            throw ConfigError("categorical",
                              fmt::format("expected a list of columns, or all, got '{}'",
                                          args.text("categorical")));
          columns.all_categorical = true;
        } else {
          columns.categorical = args.texts("categorical", {});
        }
        columns.drop_missing_target = request.drop_missing_target;
        columns.na_values = args.texts("na_values", {});
        return dataset_from_table(table, columns);
      });
}

}  // namespace tunelab
