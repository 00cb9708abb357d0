#pragma once
// The HTML report on stored studies: for each, the winner, how the search
// converged, the learning curves and table of the best trials, which params
// mattered, the best trial's model, its configuration and provenance; for
// several, their comparison first. One self-contained page.

#include <string>
#include <vector>

#include "store/store.h"

namespace tunelab {

struct Registrar;

// `top`: the trials in each table of best trials. A model that cannot be
// rebuilt (a plugin gone missing) leaves a note in its place, not a failure.
std::string study_report(StudyQueries& store, const Registrar& registrar,
                         const std::vector<StudyInfo>& studies, int top);

}  // namespace tunelab
