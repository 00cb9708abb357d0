#include "cli/refusal_message.h"

#include <fmt/format.h>

namespace tunelab::cli {

std::string refusal_message(const RefusedError& error) {
  const RefusalFacts& f = error.facts();
  switch (error.reason()) {
    case Refusal::too_few_trials:
      return fmt::format("--trials: must be at least 1, got {}", f.number);
    case Refusal::threads_out_of_range:
      return fmt::format("--threads: expected 1 to {} (8 per core here), got {}", f.most, f.number);
    case Refusal::lost_after_not_positive:
      return fmt::format("--lost-after: must be a positive number of seconds, got {}", f.number);
    case Refusal::study_exists:
      return fmt::format("{} (--resume continues it; --study NAME starts another)", error.what());
    case Refusal::other_workers:
      return fmt::format("{}; --resume it with --workers {}", error.what(), f.recorded);
    case Refusal::other_configuration:
      return fmt::format(
          "{}. --resume needs the same file and --set values; a changed study is a new one "
          "(--study NAME), and with search.warm_start: {{study: {}}} it learns from this one's "
          "trials",
          error.what(), error.facts().study);
    case Refusal::other_data:
      return fmt::format(
          "{}; --resume would mix the two (--allow-data-change if that is meant, "
          "or --study NAME for a new study)",
          error.what());
    case Refusal::other_plugin:
      return fmt::format(
          "{}; --allow-data-change if that is meant, or --study NAME for a new study",
          error.what());
    case Refusal::no_kept_weights: {
      std::string message = error.what();
      message.pop_back();  // the closing parenthesis
      return message + "; tunelab run --keep-weights all keeps every trial's)";
    }
  }
  return error.what();
}

std::string refusal_message(const StoreLocationError& error) {
  if (error.problem() == StoreLocationError::Problem::no_store)
    return fmt::format("{} (tunelab run creates one; --storage names another)", error.what());
  return fmt::format("--storage {}", error.what());
}

std::string refusal_message(const OptunaFileError& error) {
  if (error.replacing_helps())
    return fmt::format("--optuna: {} (choose a new file, or --force replaces the file)",
                       error.what());
  return fmt::format("--optuna: {}", error.what());
}

}  // namespace tunelab::cli
