// The public tables that come with tunelab (data/), registered by name:
//   diabetes       442 x 10, regression (Efron et al. 2004, as shipped with
//                  scikit-learn; unscaled: standardise with data.standardize)
//   breast_cancer  569 x 30, two classes (Wisconsin diagnostic, scikit-learn)
//   wine           178 x 13, three classes (UCI wine, scikit-learn)
//   diamonds       53,940 x 9, regression of price with three categorical
//                  columns (ggplot2)
// data/make_real_tables.sh writes the last three from the Debian packages.

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

struct BundledTable {
  const char* name;
  const char* file;
  const char* target;
  const char* description;
};

constexpr BundledTable kTables[] = {
    {"diabetes", "diabetes.csv", "target",
     "442 x 10 diabetes progression data (sklearn's, unscaled)"},
    {"breast_cancer", "breast_cancer.csv", "diagnosis",
     "569 x 30 breast cancer diagnosis, malignant or benign (sklearn's)"},
    {"wine", "wine.csv", "cultivar", "178 x 13 wines by cultivar, three classes (sklearn's)"},
    {"diamonds", "diamonds.csv", "price",
     "53,940 x 9 diamond prices with cut, color and clarity as categories (ggplot2's)"},
};

}  // namespace

void register_bundled_datasets(Registrar& registrar) {
  for (const BundledTable& t : kTables)
    registrar.datasets.add(t.name, t.description, [t](const DatasetRequest& request) {
      Args(request.args).allow_only({});
      const CsvTable table = read_csv(data_dir() / t.file);
      TableColumns columns;
      columns.target = t.target;
      columns.drop_missing_target = request.drop_missing_target;
      return dataset_from_table(table, columns);
    });
}

}  // namespace tunelab
