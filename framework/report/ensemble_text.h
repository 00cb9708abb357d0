#pragma once
// A study's ensemble in the command line's words: how it was chosen, its
// members with their weights, and its metric beside the best single trial's
// (best, ensemble, run and the report say it alike).

#include <string>
#include <vector>

#include "report/table.h"
#include "store/records.h"

namespace tunelab {

// "ensemble (greedy, 10 picks): trials 12 x0.4, 3 x0.3, 7 x0.3"
// "  val_rmse 0.512 (best trial 12: 0.530)  test_rmse 0.551 (0.571)"
std::vector<std::string> ensemble_lines(const EnsembleInfo& ensemble);

// The members as "12 x0.4, 3 x0.3, 7 x0.3", heaviest first.
std::string ensemble_members_text(const EnsembleInfo& ensemble);

// The study's ensemble as a record (`tunelab best`'s "ensemble"): how it was
// chosen, its members, its metrics with the best single trial's on the same
// rows, and the command that predicts with it.
Cell ensemble_record(const EnsembleInfo& ensemble, const StudyInfo& study);

}  // namespace tunelab
