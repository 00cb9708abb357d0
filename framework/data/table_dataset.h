#pragma once
// A Dataset from columns of a numeric CSV table.

#include <string>
#include <vector>

#include "data/csv_table.h"
#include "data/dataset.h"

namespace tunelab {

// `target` names the target column; `features` the feature columns (all other
// columns when empty). Unknown names are ConfigErrors keyed "target" or
// "features[i]".
Dataset dataset_from_table(const CsvTable& table, const std::string& target,
                           const std::vector<std::string>& features);

}  // namespace tunelab
