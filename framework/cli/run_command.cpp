#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <map>

#include "cli/commands.h"
#include "cli/experiment_options.h"
#include "cli/text.h"
#include "runner/interrupt.h"
#include "runner/single_run.h"
#include "runner/study.h"

namespace tunelab::cli {
namespace {

// What `tunelab run` prints: the per-epoch table of a single run, or one line
// per trial of a study, and on a terminal a progress line with an ETA that is
// overwritten in place (never written to logs).
class RunPrinter {
 public:
  RunPrinter(const ExperimentConfig& config, bool quiet, bool single)
      : config_(config), quiet_(quiet), single_(single), terminal_(isatty(STDOUT_FILENO) == 1) {}

  StudyObserver observer() {
    StudyObserver o;
    o.on_start = [this](const std::string& study, int counted, int wanted,
                        const PreparedData& data) {
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

 private:
  void epoch(int number, const EpochRecord& e) {
    if (quiet_) return;
    if (single_) {
      if (e.epoch == 1)
        std::cout << fmt::format("{:>5}  {:>12}  {:>12}  {:>8}\n", "epoch", "train_loss",
                                 "val_loss", "seconds");
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
    std::cout << fmt::format("\r\033[K  [{} done] trial {} epoch {}/{}  val_loss {}{}", done_,
                             number, e.epoch, config_.trainer.epochs, shown(e.val_loss),
                             done_ > 0 ? "  eta " + clock_text(eta) : "")
              << std::flush;
  }

  void trial(const TrialReport& r) {
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
    const std::string best =
        r.best ? fmt::format("best {} (#{})", shown(r.best->value), r.best->number)
               : std::string("best -");
    std::cout << fmt::format("trial {:>3}  {:<8}  {} {:<10}  {:<18}  {:>6.1f}s  {}{}\n", r.number,
                             to_string(r.state), config_.search.metric, shown(r.value), best,
                             r.seconds, params_text(r.params),
                             r.error.empty() ? "" : "  error: " + r.error)
              << std::flush;
  }

  const ExperimentConfig& config_;
  bool quiet_, single_, terminal_;
  int done_ = 0, remaining_ = 0;
  std::chrono::steady_clock::time_point last_progress_;
  double seconds_ = 0;
  std::string last_error_;

 public:
  // "trial 3: training loss became NaN in epoch 2", for the summary.
  const std::string& last_error() const { return last_error_; }
};

// The end of a study: the best trial with its test loss and params, where
// the results are, and what to run next.
void print_best(Store& store, const StudySummary& summary, const std::string& metric,
                const std::string& storage) {
  const TrialInfo best = store.trial(store.study(summary.name), summary.best->number);
  std::cout << fmt::format("best: trial {}  {} {}", best.number, metric, shown(best.value))
            << (best.epochs_run > 0
                    ? fmt::format("  test_loss {}  (epoch {} of {})", shown(best.test_loss),
                                  best.best_epoch.value_or(0), best.epochs_run)
                    : "")
            << "\n";
  for (const auto& [path, value] : best.params)
    std::cout << fmt::format("  {:<24} {}\n", path,
                             value.is_string()         ? value.get<std::string>()
                             : value.is_number_float() ? shown(value.get<double>())
                                                       : value.dump());
  const std::string store_option =
      storage == kDefaultStorage ? "" : " --storage " + shell_word(storage);
  std::cout << fmt::format("store: {}\nnext:  tunelab report {} --html {}.html{}\n",
                           sqlite_path_from_url(store.url()).string(), shell_word(summary.name),
                           file_name_for(summary.name), store_option);
}

}  // namespace

int run_command(const Arguments& args, Registrar& registrar) {
  ExperimentOptions experiment_options;
  StudyOptions study_options;
  std::string storage = kDefaultStorage;
  int trials = 0;
  bool quiet = false;
  po::options_description options("tunelab run");
  po::positional_options_description positional;
  experiment_options.add_to(options, positional);
  auto add = options.add_options();
  add("storage", po::value(&storage), "results store (default sqlite:///results/tunelab.db)");
  add("study", po::value(&study_options.study_name), "study name (default: the experiment's name)");
  add("trials", po::value(&trials), "trial budget (default: search.trials)");
  add("resume", po::bool_switch(&study_options.resume), "continue the study of this name");
  add("threads", po::value(&study_options.threads),
      "LibTorch threads (default 1: fastest for small models)");
  std::string keep_weights = "best";
  add("keep-weights", po::value(&keep_weights),
      "keep trained weights for `tunelab predict`: best (default), all or none");
  add("quiet,q", po::bool_switch(&quiet), "print only the summary");
  po::variables_map values;
  if (!parse_arguments(
          "tunelab run EXPERIMENT.yaml [--set key=value ...] [--storage URL] [--study NAME] "
          "[--trials N] [--resume] [--threads N] [--device D] [--keep-weights best|all|none] "
          "[--quiet]",
          args, options, positional, values))
    return 0;
  if (values.count("trials")) study_options.trials = trials;
  using Keep = StudyOptions::KeepWeights;
  const std::map<std::string, Keep> keeps = {
      {"best", Keep::best}, {"all", Keep::all}, {"none", Keep::none}};
  if (!keeps.count(keep_weights))
    throw InputError("--keep-weights: expected best, all or none, got '" + keep_weights + "'");
  study_options.keep_weights = keeps.at(keep_weights);

  const Experiment experiment = experiment_options.load(registrar);
  const ExperimentConfig& config = experiment.config;
  const bool single =
      config.search.space.empty() && study_options.trials.value_or(config.search.trials) == 1;
  RunPrinter printer(config, quiet, single);
  const std::filesystem::path store_file = sqlite_path_from_url(storage);
  std::error_code ec;
  const bool store_is_new = !std::filesystem::exists(store_file, ec);
  auto store = Store::open(storage);
  // A store this run created goes again when the run stops on bad input
  // before it wrote a study: bad input leaves nothing behind.
  const auto drop_new_empty_store = [&] {
    if (!store_is_new || !store->studies().empty()) return;
    store.reset();
    std::filesystem::remove(store_file, ec);
  };

  install_interrupt_handlers();
  StudySummary summary;
  try {
    summary = run_study(experiment, registrar, *store, study_options, printer.observer());
  } catch (const ConfigError& e) {
    drop_new_empty_store();
    throw experiment.places.locate(e);
  } catch (const InputError&) {
    drop_new_empty_store();
    throw;
  }

  const std::string where = fmt::format("study '{}' in {}", summary.name, store->url());
  if (summary.stopped_because == "interrupted")
    throw Error(
        fmt::format("interrupted: {} has {} complete, {} pruned, {} failed trials; --resume "
                    "continues it",
                    where, summary.complete, summary.pruned, summary.failed));
  if (summary.complete == 0 && summary.pruned == 0 && summary.failed > 0)
    throw Error(fmt::format("every trial of {} failed; the last, {}", where, printer.last_error()));
  if (single) {
    std::cout << fmt::format("{}: recorded as {}\n", config.name, where);
  } else {
    std::cout << fmt::format("{}: {} complete, {} pruned, {} failed (stopped: {})\n", where,
                             summary.complete, summary.pruned, summary.failed,
                             summary.stopped_because);
    if (summary.best) print_best(*store, summary, config.search.metric, storage);
  }
  return 0;
}

}  // namespace tunelab::cli
