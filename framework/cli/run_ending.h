#pragma once
// How `tunelab run` ends: a study that was interrupted or whose every trial
// failed is an error (exit 1, --resume continues it); otherwise one line of
// counts, then the best trial with its params, where the results are and
// what to run next.

#include <string>
#include <vector>

#include "cli/run_printer.h"
#include "runner/study/study.h"
#include "store/store.h"

namespace tunelab::cli {

// `storage` as the user gave it; `single`: a run without a search;
// `ensemble`: what building the study's ensemble said (run_ensemble).
void print_run_ending(StudyQueries& store, const StudySummary& summary,
                      const ExperimentConfig& config, const std::string& storage, bool single,
                      const RunPrinter& printer, const std::vector<std::string>& ensemble = {});

// Builds the ensemble search.ensemble asks for once the study's trials are
// done (none when it asks for none, or the run was interrupted): its lines
// (report/ensemble_text.h), or one saying why there is none (too few
// complete trials).
std::vector<std::string> run_ensemble(Store& store, const StudySummary& summary,
                                      const ExperimentConfig& config, const Registrar& registrar);

}  // namespace tunelab::cli
