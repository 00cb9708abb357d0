#include "runner/study/ask.h"

#include <algorithm>

#include "common/derived_seeds.h"

namespace tunelab {
namespace {

// The finished trials numbered up to `last`: what trial `last + workers`
// is proposed from.
std::vector<FinishedTrial> visible_up_to(std::vector<FinishedTrial> trials, int last) {
  trials.erase(std::remove_if(trials.begin(), trials.end(),
                              [&](const FinishedTrial& t) { return t.number > last; }),
               trials.end());
  return trials;
}

struct Proposal {
  std::optional<Params> params;  // none: the space is exhausted
  std::string proposer;
  std::optional<std::int64_t> enqueued_id;  // a configuration `tunelab enqueue` added
};

// Trial `number`'s params. Trial k < search.enqueue.size() runs the file's
// k-th configuration to try first; later trials take those added by
// `tunelab enqueue` while any wait. The sampler proposes only the params
// they leave out.
Proposal propose(const TrialSource& source, int number, const std::vector<FinishedTrial>& history) {
  const SearchConfig& search = source.search;
  Proposal out;
  if (number < static_cast<int>(search.enqueue.size())) {
    out.params = search.enqueue[static_cast<std::size_t>(number)];
  } else if (auto added = source.store.queue().next_enqueued(source.study_id)) {
    out.params = std::move(added->params);
    out.enqueued_id = added->id;
  }
  const bool enqueued = out.params.has_value();
  out.proposer = "enqueued";
  if (enqueued && search.space.missing(*out.params).empty()) return out;
  // The sampler sees the warm start's trials before the study's own, and
  // minimises: a maximised metric reaches it negated.
  std::vector<FinishedTrial> seen = source.warm_start;
  seen.insert(seen.end(), history.begin(), history.end());
  const std::optional<Params> sampled =
      source.sampler.propose(number, as_minimized(seen, source.directions));
  if (!enqueued) {
    out.params = sampled;
    out.proposer = source.sampler.last_proposer();
    if (out.proposer.empty()) out.proposer = search.sampler;
  } else if (sampled) {
    out.params->insert(sampled->begin(), sampled->end());  // keeps the given values
  } else {
    out.params.reset();  // the space is exhausted for what was left out
  }
  // Samplers propose the whole box; a dimension whose parents' values leave
  // it unsearched is not set (the file's value or the default applies).
  if (out.params) out.params = search.space.active_only(std::move(*out.params));
  return out;
}

}  // namespace

Asked ask(const TrialSource& source, const TrialQueue::Progress& now) {
  TrialQueue& queue = source.store.queue();
  Asked asked;
  if (auto waiting = queue.claim_waiting_trial(source.study_id, source.device, source.worker)) {
    asked.trial = ClaimedTrial{
        waiting->trial_id, waiting->number, waiting->seed, waiting->params,
        visible_up_to(queue.finished_trials(source.study_id), waiting->number - source.workers)};
    return asked;
  }
  const bool budget_left = now.counted + now.active < source.wanted;
  const bool seen_all_finished =
      !now.lowest_unfinished || *now.lowest_unfinished > now.next_number - source.workers;
  if (!budget_left || !seen_all_finished) return asked;
  const int number = now.next_number;
  std::vector<FinishedTrial> history =
      visible_up_to(queue.finished_trials(source.study_id), number - source.workers);
  Proposal proposal = propose(source, number, history);
  if (!proposal.params) {
    asked.exhausted = true;
    return asked;
  }
  const std::uint64_t seed = derive_seed(source.root_seed, static_cast<std::uint64_t>(number));
  const auto trial_id =
      queue.claim_trial(source.study_id, number, seed, *proposal.params, source.device,
                        source.worker, source.wanted, proposal.proposer, proposal.enqueued_id);
  if (!trial_id) {
    asked.taken = true;  // another worker took this number (or configuration) first
    return asked;
  }
  asked.trial = ClaimedTrial{*trial_id, number, seed, *proposal.params, std::move(history)};
  return asked;
}

}  // namespace tunelab
