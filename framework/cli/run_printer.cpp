#include "cli/run_printer.h"

#include <fmt/format.h>
#include <unistd.h>

#include <torch/torch.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>

#include "report/text.h"

namespace tunelab::cli {

RunPrinter::RunPrinter(const ExperimentConfig& config, bool quiet, bool single, bool progress)
    : config_(config),
      quiet_(quiet),
      single_(single),
      terminal_(progress && isatty(STDOUT_FILENO) == 1) {
  const char* every = std::getenv("TUNELAB_PROGRESS_SECONDS");
  const double seconds = every ? std::atof(every) : 0;
  if (seconds > 0) log_interval_ = std::chrono::milliseconds(static_cast<long>(seconds * 1000));
}

StudyObserver RunPrinter::observer() {
  StudyObserver o;
  o.on_start = [this](const std::string& study, int counted, int wanted, const PreparedData& data) {
    start(study, counted, wanted, data);
  };
  o.on_trial_start = [this](int, const Params& params) { trial_start(params); };
  o.on_epoch = [this](int number, const EpochRecord& e) { epoch(number, e); };
  o.on_trial = [this](const TrialReport& r) { trial(r); };
  o.on_note = [](const std::string& note) { std::cerr << "note: " << note << "\n"; };
  return o;
}

void RunPrinter::start(const std::string& study, int counted, int wanted,
                       const PreparedData& data) {
  remaining_ = wanted - counted;
  if (quiet_) return;
  // How the data was read, where it may not be what the user meant.
  for (const auto& note : data.notes) std::cerr << "note: " << note << "\n";
  // A target in its raw units makes losses of its squared size (3e+08 for
  // house prices), which nothing says is good or bad.
  const torch::Tensor& y = data.splits.train.y;
  // (A classifier's target is class codes: nothing to standardise.)
  if (!config_.data.standardize_y && data.classes.empty() && y.defined() && y.size(0) > 1) {
    const double spread = y.std().item<double>();
    if (spread > 10 || spread < 0.1)
      std::cerr << fmt::format(
          "note: the target's standard deviation is {:.3g} and data.standardize.y is off: "
          "losses are in its squared units; standardize: {{x: true, y: true}} makes them "
          "comparable\n",
          spread);
  }
  if (single_) return;
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
}

void RunPrinter::trial_start(const Params& params) {
  trial_epochs_ = config_.trainer.epochs;
  const auto searched = params.find("trainer.epochs");
  if (searched != params.end() && searched->second.is_number_integer())
    trial_epochs_ = searched->second.get<int>();
  trial_epochs_seen_ = 0;
  last_progress_ = std::chrono::steady_clock::now();
}

double RunPrinter::eta(int epoch) const {
  if (epochs_seen_ == 0) return 0;
  const double per_epoch = epoch_seconds_ / static_cast<double>(epochs_seen_);
  const double per_trial =
      done_ > 0 ? static_cast<double>(epochs_done_) / done_ : static_cast<double>(trial_epochs_);
  const int after_this = std::max(0, remaining_ - 1);
  return per_epoch * (std::max(0, trial_epochs_ - epoch) + after_this * per_trial);
}

void RunPrinter::epoch(int number, const EpochRecord& e) {
  ++epochs_seen_;
  ++trial_epochs_seen_;
  epoch_seconds_ += e.seconds;
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
  // A terminal gets at most five updates a second, in place; a log a line
  // every TUNELAB_PROGRESS_SECONDS (10) seconds, and only while a trial runs long.
  const auto now = std::chrono::steady_clock::now();
  if (now - last_progress_ < (terminal_ ? std::chrono::milliseconds(200) : log_interval_)) return;
  last_progress_ = now;
  // The epoch's validation loss (what training measures each epoch), then
  // the study's best by its own metric, so that a val_rmse study shows one.
  const std::string line = fmt::format(
      "[{} done, {} to go] trial {} epoch {}/{}  val_loss {}  best {} {}  eta {}", done_,
      remaining_, number, e.epoch, std::max(trial_epochs_, e.epoch), shown(e.val_loss),
      config_.search.metric(), best_value_, clock_text(eta(e.epoch)));
  if (terminal_)
    std::cout << "\r\033[K  " << line << std::flush;
  else
    std::cout << "progress: " << line << "\n" << std::flush;
}

void RunPrinter::trial(const TrialReport& r) {
  if (r.state != TrialState::waiting) {
    ++done_;
    epochs_done_ += trial_epochs_seen_;
  }
  remaining_ = r.wanted - r.counted;
  if (r.best) best_value_ = shown(r.best->value);
  if (!r.error.empty()) last_error_ = fmt::format("trial {}: {}", r.number, r.error);
  if (r.run)
    for (const std::string& w : r.run->result.warnings)
      if (warned_.insert(w).second) std::cerr << "tunelab: warning: " << w << "\n";
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
  if (r.state == TrialState::waiting) {  // stopped by a signal, to be trained again
    std::cout << fmt::format("trial {:>3}  {}: trains again, from the start, on --resume\n",
                             r.number, r.error)
              << std::flush;
    return;
  }
  const std::string best = r.best
                               ? fmt::format("best {} (#{})", shown(r.best->value), r.best->number)
                               : std::string("best -");
  std::cout << fmt::format("trial {:>3}  {:<8}  {} {:<10}  {:<18}  {:>6.1f}s  {}{}{}\n", r.number,
                           to_string(r.state), config_.search.metric(), shown(r.value), best,
                           r.seconds, params_text(r.params),
                           r.error.empty() ? "" : "  error: " + r.error,
                           r.infeasible.empty() ? "" : "  infeasible: " + r.infeasible)
            << std::flush;
}

}  // namespace tunelab::cli
