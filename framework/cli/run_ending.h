#pragma once
// How `tunelab run` ends: a study that was interrupted or whose every trial
// failed is an error (exit 1, --resume continues it); otherwise one line of
// counts, then the best trial with its params, where the results are and
// what to run next.

#include <string>

#include "cli/run_printer.h"
#include "runner/study.h"
#include "store/store.h"

namespace tunelab::cli {

// `storage` as the user gave it; `single`: a run without a search.
void print_run_ending(StudyQueries& store, const StudySummary& summary,
                      const ExperimentConfig& config, const std::string& storage, bool single,
                      const RunPrinter& printer);

}  // namespace tunelab::cli
