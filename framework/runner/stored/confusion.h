#pragma once
// How a stored classifier's predictions on its study's held-out rows fall:
// a confusion matrix, for the report.

#include <string>
#include <vector>

#include "store/study_queries.h"

namespace tunelab {

struct Registrar;

struct ConfusionMatrix {
  std::vector<std::string> classes;      // empty: the trial is no classifier
  std::vector<std::vector<int>> counts;  // [actual class][predicted class]
  std::string rows;                      // "test" or "validation": which rows were counted
};

// The trial's kept model (the folds' ensemble under data.folds) on the
// study's test rows, or its validation rows where the split has no test
// rows. Needs the kept weights and the data set (InputError, ConfigError,
// DataError otherwise).
ConfusionMatrix confusion_matrix(StudyQueries& store, const StudyInfo& study,
                                 const TrialInfo& trial, const Registrar& registrar);

}  // namespace tunelab
