#include "cli/worker_options.h"

#include <fmt/format.h>

#include <map>

#include "common/errors.h"

namespace tunelab::cli {

void WorkerOptions::add_to(po::options_description& options) {
  auto add = options.add_options();
  add("threads", po::value(&study.threads),
      "LibTorch threads (default 1: fastest for small models)");
  add("keep-weights", po::value(&keep_weights),
      "keep trained weights for `tunelab predict`: best (default), all or none");
  add("lost-after", po::value(&study.lost_after_seconds),
      "seconds of silence after which a worker's running trial is taken over (default 60)");
  add("quiet,q", po::bool_switch(&quiet), "print only the summary");
}

void WorkerOptions::finish() {
  using Keep = StudyOptions::KeepWeights;
  const std::map<std::string, Keep> keeps = {
      {"best", Keep::best}, {"all", Keep::all}, {"none", Keep::none}};
  if (!keeps.count(keep_weights))
    throw InputError("--keep-weights: expected best, all or none, got '" + keep_weights + "'");
  study.keep_weights = keeps.at(keep_weights);
  // --threads and --lost-after are checked by the runner, for every caller.
}

std::vector<std::string> WorkerOptions::as_arguments() const {
  std::vector<std::string> out = {"--threads",      std::to_string(study.threads),
                                  "--keep-weights", keep_weights,
                                  "--lost-after",   fmt::format("{}", study.lost_after_seconds)};
  if (quiet) out.push_back("--quiet");
  return out;
}

}  // namespace tunelab::cli
