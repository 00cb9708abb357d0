#include "cli/run_printer.h"

#include <fmt/format.h>
#include <unistd.h>

#include <iostream>

#include "cli/text.h"

namespace tunelab::cli {

RunPrinter::RunPrinter(const ExperimentConfig& config, bool quiet, bool single, bool progress)
    : config_(config),
      quiet_(quiet),
      single_(single),
      terminal_(progress && isatty(STDOUT_FILENO) == 1) {}

StudyObserver RunPrinter::observer() {
  StudyObserver o;
  o.on_start = [this](const std::string& study, int counted, int wanted, const PreparedData& data) {
    if (quiet_ || single_) return;
    const std::string what =
        config_.evaluates_objective() ? fmt::format("objective {}", config_.objective.name)
        : config_.data.folds > 1
            ? fmt::format("{}-fold cross-validation over {} train and val rows, {} test rows",
                          config_.data.folds, data.splits.train.rows() + data.splits.val.rows(),
                          data.splits.test.rows())
            : fmt::format("{} train / {} val / {} test rows", data.splits.train.rows(),
                          data.splits.val.rows(), data.splits.test.rows());
    std::cout << fmt::format("study '{}': {} of {} trials to run, {} search over {} params; {}\n",
                             study, wanted - counted, wanted, config_.search.sampler,
                             config_.search.space.dimensions.size(), what);
  };
  o.on_epoch = [this](int number, const EpochRecord& e) { epoch(number, e); };
  o.on_trial = [this](const TrialReport& r) { trial(r); };
  return o;
}

void RunPrinter::epoch(int number, const EpochRecord& e) {
  if (quiet_) return;
  if (single_) {
    if (e.epoch == 1)
      std::cout << fmt::format("{:>5}  {:>12}  {:>12}  {:>8}\n", "epoch", "train_loss", "val_loss",
                               "seconds");
    std::cout << fmt::format("{:>5}  {:>12}  {:>12}  {:>8.3f}\n", e.epoch, shown(e.train_loss),
                             shown(e.val_loss), e.seconds)
              << std::flush;
    return;
  }
  if (!terminal_) return;
  // At most five updates a second: a terminal, not a log, but still readable.
  const auto now = std::chrono::steady_clock::now();
  if (now - last_progress_ < std::chrono::milliseconds(200)) return;
  last_progress_ = now;
  const double eta = done_ > 0 ? seconds_ / done_ * (remaining_ > 0 ? remaining_ : 0) : 0;
  std::cout << fmt::format("\r\033[K  [{} done] trial {} epoch {}/{}  val_loss {}{}", done_, number,
                           e.epoch, config_.trainer.epochs, shown(e.val_loss),
                           done_ > 0 ? "  eta " + clock_text(eta) : "")
            << std::flush;
}

void RunPrinter::trial(const TrialReport& r) {
  ++done_;
  seconds_ += r.seconds;
  remaining_ = r.wanted - r.counted;
  if (!r.error.empty()) last_error_ = fmt::format("trial {}: {}", r.number, r.error);
  if (single_ && config_.evaluates_objective())
    std::cout << fmt::format("{}: objective {} = {}{}\n", config_.name, config_.objective.name,
                             shown(r.value), r.error.empty() ? "" : "  error: " + r.error);
  if (single_ && r.run) {
    const RunSummary& run = *r.run;
    const TrainResult& t = run.result;
    std::cout << fmt::format(
                     "{}: {} parameters on {}, {} train / {} val / {} test rows, {} features, "
                     "seed {}\n",
                     config_.name, run.parameters, run.device, run.train_rows, run.val_rows,
                     run.test_rows, run.features, run.trial_seed)
              << fmt::format(
                     "{} epochs{}; kept epoch {}: train_loss {}, val_loss {}, test_loss {}\n",
                     t.epochs.size(), t.stopped_early ? " (stopped early)" : "", t.best_epoch,
                     shown(t.epochs[static_cast<std::size_t>(t.best_epoch - 1)].train_loss),
                     shown(t.best_val_loss), shown(t.test_loss));
  }
  if (quiet_ || single_) return;
  if (terminal_) std::cout << "\r\033[K";
  const std::string best = r.best
                               ? fmt::format("best {} (#{})", shown(r.best->value), r.best->number)
                               : std::string("best -");
  std::cout << fmt::format("trial {:>3}  {:<8}  {} {:<10}  {:<18}  {:>6.1f}s  {}{}\n", r.number,
                           to_string(r.state), config_.search.metric, shown(r.value), best,
                           r.seconds, params_text(r.params),
                           r.error.empty() ? "" : "  error: " + r.error)
            << std::flush;
}

}  // namespace tunelab::cli
