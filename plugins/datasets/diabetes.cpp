// The diabetes data set (Efron et al. 2004, as shipped with scikit-learn):
// 442 patients, 10 baseline variables, a measure of disease progression one
// year later. Unscaled values; standardise with data.standardize.

#include <cstdlib>

#include "common/args.h"
#include "common/version.h"
#include "data/table_dataset.h"
#include "plugins/builtins.h"

namespace tunelab {
namespace {

// TUNELAB_DATA_DIR, else the source tree's data/ (a build), else the
// installed share/tunelab/data next to the running executable's bin/.
std::filesystem::path data_dir() {
  if (const char* dir = std::getenv("TUNELAB_DATA_DIR")) return dir;
  std::error_code ec;
  if (std::filesystem::is_directory(kSourceDataDir, ec)) return kSourceDataDir;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return exe.parent_path().parent_path() / "share" / "tunelab" / "data";
}

}  // namespace

void register_diabetes_dataset(Registrar& registrar) {
  registrar.datasets.add("diabetes", "442 x 10 diabetes progression data (sklearn's, unscaled)",
                         [](const DatasetRequest& request) {
                           Args(request.args).allow_only({});
                           const CsvTable table = read_csv(data_dir() / "diabetes.csv");
                           TableColumns columns;
                           columns.target = "target";
                           return dataset_from_table(table, columns);
                         });
}

}  // namespace tunelab
