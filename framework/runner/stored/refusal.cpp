#include "runner/stored/refusal.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace tunelab {
namespace {

std::string plain_wording(Refusal reason, const RefusalFacts& f) {
  switch (reason) {
    case Refusal::too_few_trials:
      return fmt::format("a study needs at least 1 trial, got {}", f.number);
    case Refusal::threads_out_of_range:
      return fmt::format("threads: expected 1 to {}, got {}", f.most, f.number);
    case Refusal::lost_after_not_positive:
      return fmt::format(
          "the time after which a silent worker counts as lost must be positive, "
          "got {}",
          f.number);
    case Refusal::study_exists:
      return fmt::format("study '{}' already exists in {}", f.study, f.store);
    case Refusal::other_workers:
      return fmt::format("study '{}' in {} runs {} trials at once (search.workers)", f.study,
                         f.store, f.recorded);
    case Refusal::other_configuration:
      return fmt::format("study '{}' in {} was started from a different configuration{}{}", f.study,
                         f.store, f.recorded.empty() ? "" : ": ", f.recorded);
    case Refusal::other_data:
      return fmt::format("study '{}' in {} ran on another data set (digest {} recorded, {} now)",
                         f.study, f.store, f.recorded, f.now);
    case Refusal::other_plugin:
      return fmt::format(
          "study '{}' in {} ran with another build of plugin '{}' (digest {} recorded, {} now, {})",
          f.study, f.store, f.plugin, f.recorded, f.now, f.file);
    case Refusal::no_kept_weights:
      return fmt::format("study '{}' trial {}: no weights were kept (trials with weights: {})",
                         f.study, f.trial,
                         f.kept.empty() ? "none" : fmt::format("{}", fmt::join(f.kept, ", ")));
  }
  return "refused";
}

}  // namespace

RefusedError::RefusedError(Refusal reason, RefusalFacts facts)
    : InputError(plain_wording(reason, facts)), reason_(reason), facts_(std::move(facts)) {}

}  // namespace tunelab
