#include <fmt/format.h>

#include <iostream>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/output_file.h"
#include "common/errors.h"
#include "config/experiment_draft.h"
#include "data/csv_table.h"
#include "store/locations.h"

namespace tunelab::cli {

int init_command(const Arguments& args, Registrar&) {
  std::string csv, target, output;
  bool force = false;
  po::options_description options("tunelab init");
  options.add_options()("csv", po::value(&csv), "the table (a CSV file with a header)")(
      "target", po::value(&target), "the column to predict (default: the last)")(
      "output,o", po::value(&output),
      "the experiment file to write (default: the table's name with .yaml, here; - prints it)")(
      "force", po::bool_switch(&force), "replace an existing file");
  po::positional_options_description positional;
  positional.add("csv", 1);
  po::variables_map values;
  if (!parse_arguments("tunelab init DATA.csv [--target COLUMN] [-o EXPERIMENT.yaml] [--force]",
                       args, options, positional, values))
    return 0;
  if (csv.empty()) throw InputError("name the table: tunelab init DATA.csv --target COLUMN");
  const std::filesystem::path table_path = csv;
  if (output.empty()) output = table_path.stem().string() + ".yaml";

  // The output is checked before the table is read: a mistake costs nothing.
  // Never over the table, nor over the store a run writes by default.
  std::vector<std::filesystem::path> protected_paths =
      sqlite_store_files(sqlite_path_from_url(kDefaultStorage));
  protected_paths.push_back(table_path);
  const OutputFile target_file("--output", output, protected_paths);
  if (target_file.kind() == OutputFile::Kind::regular_file && !force)
    throw InputError(fmt::format(
        "--output {}: the file exists; --force replaces it, or name another with -o", output));

  const CsvTable table = read_csv(table_path);
  DraftRequest request;
  request.target = target;
  request.name = table_path.stem().string();
  // The table as the file will name it: relative to the file's folder.
  const std::filesystem::path folder =
      target_file.is_standard_output()
          ? std::filesystem::current_path()
          : std::filesystem::absolute(target_file.path()).parent_path();
  request.path_in_file =
      std::filesystem::absolute(table_path).lexically_relative(folder).lexically_normal();
  request.command =
      fmt::format("tunelab init {}{}", csv, target.empty() ? "" : " --target " + target);
  std::string text;
  try {
    text = draft_experiment(table, request);
  } catch (const ConfigError& e) {
    throw InputError(fmt::format("{}: {}", e.key(), e.what()));
  }
  target_file.write(text);
  if (target_file.is_standard_output()) return 0;
  std::cout << fmt::format(
      "wrote {}\nnext:  tunelab validate --columns {}   (how each column is read)\n"
      "       tunelab run {}\n",
      output, output, output);
  return 0;
}

}  // namespace tunelab::cli
