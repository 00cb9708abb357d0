// tunelab: reproducible hyperparameter tuning of neural networks on tabular
// data. Exit status: 0 success, 2 bad usage or bad input, 1 a failure while
// running.

#include <c10/util/Exception.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <iostream>
#include <map>

#include "cli/commands.h"
#include "cli/output_file.h"
#include "cli/refusal_message.h"
#include "common/errors.h"
#include "common/version.h"
#include "plugins/builtins.h"

namespace {

using Command = std::function<int(const tunelab::cli::Arguments&, tunelab::Registrar&)>;

const std::map<std::string, std::pair<Command, const char*>>& commands() {
  static const std::map<std::string, std::pair<Command, const char*>> table = {
      {"init", {tunelab::cli::init_command, "write a commented experiment file for a CSV table"}},
      {"run", {tunelab::cli::run_command, "train an experiment and report its per-epoch losses"}},
      {"worker", {tunelab::cli::worker_command, "join a study in a store as one more worker"}},
      {"submit",
       {tunelab::cli::submit_command, "queue a study's workers as a Slurm job array (sbatch)"}},
      {"validate",
       {tunelab::cli::validate_command, "check an experiment file, print the resolved config"}},
      {"keys", {tunelab::cli::keys_command, "the experiment file's keys: type, default, meaning"}},
      {"model", {tunelab::cli::model_command, "print an experiment's network; --graph draws it"}},
      {"plugins", {tunelab::cli::plugins_command, "list every registered name by kind"}},
      {"studies", {tunelab::cli::studies_command, "list the studies in a results store"}},
      {"trials", {tunelab::cli::trials_command, "list a study's trials, sorted and filtered"}},
      {"best", {tunelab::cli::best_command, "a study's best trial: params, metrics, importance"}},
      {"show", {tunelab::cli::show_command, "one trial: params, per-epoch curve, provenance"}},
      {"compare", {tunelab::cli::compare_command, "studies side by side, with config differences"}},
      {"export",
       {tunelab::cli::export_command, "a study's trials as CSV, JSON or an Optuna storage"}},
      {"serve",
       {tunelab::cli::serve_command, "a live dashboard of a store's studies, in the browser"}},
      {"report", {tunelab::cli::report_command, "an HTML page with a study's figures and tables"}},
      {"importance", {tunelab::cli::importance_command, "how much each param mattered (fANOVA)"}},
      {"rerun", {tunelab::cli::rerun_command, "retrain a stored trial and compare its losses"}},
      {"ensemble",
       {tunelab::cli::ensemble_command,
        "combine a study's trials into an ensemble, kept in the store"}},
      {"predict", {tunelab::cli::predict_command, "apply a study's trained model to new rows"}},
      {"enqueue",
       {tunelab::cli::enqueue_command, "add a configuration for a study's next trial to run"}},
      {"delete", {tunelab::cli::delete_command, "remove a study, its trials and weights files"}},
  };
  return table;
}

void print_usage(std::ostream& out) {
  out << "usage: tunelab COMMAND [ARGS...]   (tunelab COMMAND --help for its options)\n\n";
  for (const auto& [name, entry] : commands())
    out << "  " << name << std::string(12 - name.size(), ' ') << entry.second << "\n";
}

// The first line of a LibTorch error; the rest is a C++ backtrace.
std::string first_line(const char* text) {
  const char* end = std::strchr(text, '\n');
  return end ? std::string(text, end) : std::string(text);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
    print_usage(argc < 2 ? std::cerr : std::cout);
    return argc < 2 ? 2 : 0;
  }
  if (std::strcmp(argv[1], "--version") == 0) {
    std::cout << "tunelab " << tunelab::kVersion << "\n";
    return 0;
  }
  const auto command = commands().find(argv[1]);
  if (command == commands().end()) {
    std::cerr << "tunelab: unknown command '" << argv[1] << "'\n";
    print_usage(std::cerr);
    return 2;
  }
  try {
    tunelab::Registrar registrar;
    tunelab::register_builtins(registrar);
    const int status =
        command->second.first(tunelab::cli::Arguments(argv + 2, argv + argc), registrar);
    // Output cut short (a full disk, /dev/full, a closed pipe) is a failure.
    if (const int error = tunelab::cli::standard_output_error()) {
      std::cerr << "tunelab: cannot write to standard output: " << std::strerror(error) << "\n";
      return 1;
    }
    return status;
  } catch (const tunelab::RefusedError& e) {
    std::cerr << "tunelab: " << tunelab::cli::refusal_message(e) << "\n";
    return 2;
  } catch (const tunelab::StoreLocationError& e) {
    std::cerr << "tunelab: " << tunelab::cli::refusal_message(e) << "\n";
    return 2;
  } catch (const tunelab::OptunaFileError& e) {
    std::cerr << "tunelab: " << tunelab::cli::refusal_message(e) << "\n";
    return 2;
  } catch (const tunelab::InputError& e) {
    std::cerr << "tunelab: " << e.what() << "\n";
    return 2;
  } catch (const tunelab::InterruptedError& e) {
    std::cerr << "tunelab: " << e.what() << "\n";
    return tunelab::kInterruptedExitStatus;
  } catch (const tunelab::Error& e) {
    std::cerr << "tunelab: " << e.what() << "\n";
    return 1;
  } catch (const c10::Error& e) {
    std::cerr << "tunelab: LibTorch: " << first_line(e.what_without_backtrace()) << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "tunelab: internal error: " << e.what() << "\n";
    return 1;
  }
}
