// tunelab submit --slurm: a study's workers as a Slurm job array. The study
// is created here (as `run` creates it), the batch script is written beside
// the store for the user to read, edit and resubmit, and sbatch queues it;
// the command returns at once, so nothing runs on the login node.

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "cli/experiment_options.h"
#include "cli/output_file.h"
#include "cli/run_store.h"
#include "cli/slurm_script.h"
#include "cli/worker_options.h"
#include "common/external_tool.h"
#include "config/experiment_loader.h"
#include "runner/study/study.h"

namespace tunelab::cli {
namespace {

namespace fs = std::filesystem;

struct SubmitOptions {
  bool slurm = false, single_node = false, no_requeue = false, dry_run = false;
  int array = 1;
  std::string partition, time, script;
  int cpus_per_task = 1;
  std::vector<std::string> sbatch_args;
};

bool on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::string folders = path ? path : "";
  for (std::size_t start = 0; start <= folders.size();) {
    const std::size_t end = std::min(folders.find(':', start), folders.size());
    const fs::path candidate = fs::path(folders.substr(start, end - start)) / program;
    if (end > start && access(candidate.c_str(), X_OK) == 0) return true;
    start = end + 1;
  }
  return false;
}

void check_options(const SubmitOptions& o, const std::string& storage) {
  if (!o.slurm)
    throw InputError("submit: name the scheduler: --slurm (the one tunelab submits to)");
  if (o.array < 1 || o.array > 1024)
    throw InputError(fmt::format("--array: expected 1 to 1024 tasks, got {}", o.array));
  if (o.cpus_per_task < 1)
    throw InputError(fmt::format("--cpus-per-task: expected at least 1, got {}", o.cpus_per_task));
  if (!o.time.empty() && !slurm_time_seconds(o.time))
    throw InputError(fmt::format(
        "--time: '{}' is not a Slurm time limit (minutes, HH:MM:SS or D-HH:MM:SS)", o.time));
  for (const auto& a : o.sbatch_args)
    if (a.rfind("--", 0) != 0 || a.find('\n') != std::string::npos)
      throw InputError(fmt::format(
          "--sbatch-arg: '{}' is not one sbatch option (--name=value, on one line)", a));
  if (!is_postgresql_url(storage) && o.array > 1 && !o.single_node)
    throw InputError(fmt::format(
        "--storage {}: an SQLite store serves the processes of one machine, and the {} tasks "
        "of this array may run on several nodes. Use a PostgreSQL database that every node "
        "reaches (--storage postgresql://USER@HOST:5432/DATABASE; see docs/scaling.md), or "
        "say --single-node where the tasks run on one machine",
        storage, o.array));
  if (!o.dry_run && !on_path("sbatch"))
    throw InputError(
        "--slurm: sbatch is not on the PATH: run submit where Slurm's commands are (a login "
        "node of the cluster), or install them (Debian: slurm-client)");
}

// The store's URL as a task on another node must read it: an SQLite path
// made absolute.
std::string absolute_storage(const std::string& storage) {
  if (is_postgresql_url(storage)) return storage;
  return "sqlite:///" + fs::absolute(sqlite_path_from_url(storage)).lexically_normal().string();
}

// A study name as part of a file name.
std::string file_stem(const std::string& study) {
  std::string stem;
  for (const char c : study)
    stem +=
        std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ? c : '_';
  return stem;
}

// Beside an SQLite store; in results/ for a PostgreSQL one.
fs::path script_folder(const std::string& storage) {
  if (is_postgresql_url(storage)) return fs::absolute("results");
  return fs::absolute(sqlite_path_from_url(storage)).lexically_normal().parent_path();
}

std::string self_executable() {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("tunelab") : self.string();
}

// `experiment` with the study's parallelism: the array's size for a new
// study; a resumed one keeps what it was created with (its trials depend on
// it), whatever the size of this array.
Experiment for_study(const ExperimentOptions& options, Experiment experiment, Store& store,
                     const std::string& name, bool resume, int array) {
  int workers = array;
  if (resume)
    if (const auto stored = store.find_study(name))
      workers = interpret_experiment(stored->document).search.workers;
  return options.with_workers(std::move(experiment), workers);
}

void print_follow_up(const StudyInfo& study, const std::string& job, const SlurmJob& slurm,
                     const fs::path& script, const std::string& storage) {
  std::cout << fmt::format("study '{}': {} trials, {} workers as Slurm job {} (array 0-{})\n",
                           study.name, study.trials_wanted, slurm.array, job, slurm.array - 1);
  std::cout << fmt::format("script: {}\nlogs:   {}/\n", script.string(), slurm.log_folder);
  std::cout << "follow it with:\n";
  std::cout << fmt::format("  squeue -j {}\n", job);
  std::cout << fmt::format("  tunelab studies --storage {}\n", shown_url(storage));
  std::cout << fmt::format("  tunelab report {} --storage {}\n", study.name, shown_url(storage));
}

}  // namespace

int submit_command(const Arguments& args, Registrar& registrar) {
  ExperimentOptions experiment_options;
  WorkerOptions worker;
  SubmitOptions submit;
  StudyOptions& study_options = worker.study;
  std::string storage = kDefaultStorage;
  int trials = 0;
  po::options_description options("tunelab submit");
  po::positional_options_description positional;
  experiment_options.add_to(options, positional);
  auto add = options.add_options();
  add("slurm", po::bool_switch(&submit.slurm), "submit to Slurm with sbatch");
  add("array", po::value(&submit.array), "workers, one per task of the job array (default 1)");
  add("partition", po::value(&submit.partition), "the partition (default: the cluster's)");
  add("time", po::value(&submit.time), "each task's time limit (minutes, HH:MM:SS, D-HH:MM:SS)");
  add("cpus-per-task", po::value(&submit.cpus_per_task), "CPU cores per worker (default 1)");
  add("sbatch-arg", po::value(&submit.sbatch_args)->composing(),
      "one more sbatch option, --name=value (repeatable)");
  add("single-node", po::bool_switch(&submit.single_node),
      "the tasks run on one machine: an SQLite store may serve them");
  add("no-requeue", po::bool_switch(&submit.no_requeue),
      "a preempted or timed-out task is not put back in the queue");
  add("script", po::value(&submit.script), "where to write the script (default: beside the store)");
  add("dry-run", po::bool_switch(&submit.dry_run), "print the script; create and submit nothing");
  add("storage", po::value(&storage), "results store (default sqlite:///results/tunelab.db)");
  add("study", po::value(&study_options.study_name), "study name (default: the experiment's name)");
  add("trials", po::value(&trials), "trial budget (default: search.trials)");
  add("resume", po::bool_switch(&study_options.resume), "add workers to the study of this name");
  worker.add_to(options);
  po::variables_map values;
  if (!parse_arguments(
          "tunelab submit EXPERIMENT.yaml --slurm [--array N] [--partition P] [--time T] "
          "[--cpus-per-task C] [--sbatch-arg=--OPTION=VALUE ...] [--storage URL] [--study NAME] "
          "[--trials N] [--resume] [--single-node] [--no-requeue] [--dry-run] [--set key=value "
          "...] [--threads N] [--keep-weights best|all|none] [--lost-after SECONDS]",
          args, options, positional, values))
    return 0;
  if (values.count("trials")) study_options.trials = trials;
  worker.finish();
  check_options(submit, storage);
  if (shown_url(storage) != storage)
    std::cerr << "warning: --storage holds a password, and the script will too (readable by "
                 "whoever can read it): keep it in ~/.pgpass or PGPASSWORD instead\n";

  // Checked before anything is created: the experiment file and its
  // plugins, the store (a PostgreSQL server must answer from here), the
  // script's place, then the data as the study is prepared.
  const Experiment loaded = experiment_options.load(registrar);
  const std::string name =
      study_options.study_name.empty() ? loaded.config.name : study_options.study_name;
  const fs::path folder = script_folder(storage);
  const fs::path script_path = submit.script.empty()
                                   ? folder / (file_stem(name) + ".sbatch")
                                   : fs::absolute(submit.script).lexically_normal();
  SlurmJob job;
  job.study = name;
  job.array = submit.array;
  job.partition = submit.partition;
  job.time = submit.time;
  job.cpus_per_task = submit.cpus_per_task;
  job.sbatch_args = submit.sbatch_args;
  job.requeue = !submit.no_requeue;
  job.tunelab = self_executable();
  job.workdir = fs::current_path().string();
  job.storage = absolute_storage(storage);
  // The tasks' output beside the script: NAME.sbatch, NAME.slurm/JOB_TASK.out.
  job.log_folder = fs::path(script_path).replace_extension(".slurm").string();
  job.worker_flags = worker.as_arguments();
  for (const auto& p : registrar.plugins) job.plugins.push_back(fs::absolute(p.file).string());

  if (submit.dry_run) {
    load_study_data(loaded, registrar);
    std::cout << slurm_script(job);
    return 0;
  }

  RunStore store(storage);
  // A PostgreSQL store's scripts go to results/, made here where missing
  // (and removed again, empty, when nothing is submitted).
  std::error_code ec;
  const bool new_folder =
      is_postgresql_url(storage) && submit.script.empty() && !fs::exists(folder, ec);
  if (new_folder) fs::create_directories(folder, ec);
  const auto forget_folder = [&] {
    if (new_folder) fs::remove(folder, ec);
  };
  const OutputFile script = [&] {
    try {
      return OutputFile("--script", script_path.string(),
                        is_postgresql_url(storage)
                            ? std::vector<fs::path>{}
                            : sqlite_store_files(sqlite_path_from_url(storage)));
    } catch (const InputError&) {
      store.drop_if_new_and_empty();
      forget_folder();
      throw;
    }
  }();
  StudyInfo study;
  try {
    const Experiment experiment =
        for_study(experiment_options, loaded, *store, name, study_options.resume, submit.array);
    study = prepare_study(experiment, registrar, *store, study_options);
  } catch (const ConfigError& e) {
    store.drop_if_new_and_empty();
    forget_folder();
    throw loaded.places.locate(e);
  } catch (const InputError&) {
    store.drop_if_new_and_empty();
    forget_folder();
    throw;
  }

  // What this call made goes again when the job cannot be queued: the study
  // (unless resumed), a new store, the script and the log folder.
  const bool new_script = !fs::exists(fs::symlink_status(script.path(), ec));
  const bool new_logs = !fs::exists(job.log_folder, ec);
  const auto undo = [&] {
    if (new_script) fs::remove(script.path(), ec);
    if (new_logs) fs::remove(job.log_folder, ec);
    if (!study_options.resume) {
      store->delete_study(study.id);
      store.drop_if_new_and_empty();
    }
    forget_folder();
  };
  std::string job_id;
  try {
    fs::create_directories(job.log_folder);
    script.write(slurm_script(job));
  } catch (const std::exception& e) {
    undo();
    throw Error(fmt::format("cannot write the job's script or log folder: {}", e.what()));
  }
  try {
    job_id =
        run_external_tool({"sbatch", "slurm-client"}, {"--parsable", script.path().string()}, "");
  } catch (const Error& e) {
    undo();
    throw InputError(fmt::format("sbatch refused the job, and study '{}' was {}: {}", study.name,
                                 study_options.resume ? "left as it was" : "not created",
                                 e.what()));
  }
  // --parsable: "JOBID" or "JOBID;CLUSTER".
  job_id = job_id.substr(0, job_id.find_first_of(";\n"));
  print_follow_up(study, job_id, job, script.path(), storage);
  return 0;
}

}  // namespace tunelab::cli
