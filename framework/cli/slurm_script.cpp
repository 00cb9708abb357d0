#include "cli/slurm_script.h"

#include <fmt/format.h>

#include <algorithm>
#include <regex>

namespace tunelab::cli {
namespace {

// `text` as one word for bash: bare where it is plainly safe, else in single
// quotes.
std::string shell_word(const std::string& text) {
  static const std::regex plain("[A-Za-z0-9_./:=@%+,-]+");
  if (std::regex_match(text, plain)) return text;
  std::string quoted = "'";
  for (const char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

std::string sbatch_lines(const SlurmJob& job) {
  std::string lines;
  const auto line = [&](const std::string& option) { lines += "#SBATCH " + option + "\n"; };
  line("--job-name=" + shell_word("tunelab-" + job.study));
  line(fmt::format("--array=0-{}", job.array - 1));
  line(fmt::format("--cpus-per-task={}", job.cpus_per_task));
  if (!job.partition.empty()) line("--partition=" + shell_word(job.partition));
  if (!job.time.empty()) line("--time=" + job.time);
  if (job.requeue) {
    line("--requeue");
    if (const auto seconds = slurm_time_seconds(job.time))
      line(fmt::format("--signal=B:USR1@{}", stop_warning_seconds(*seconds)));
  } else {
    line("--no-requeue");
  }
  // A requeued task appends to its file rather than replacing its first run.
  line("--open-mode=append");
  line("--output=" + shell_word(job.log_folder + "/%A_%a.out"));
  line("--chdir=" + shell_word(job.workdir));
  for (const auto& a : job.sbatch_args) line(a);
  return lines;
}

std::string worker_command(const SlurmJob& job) {
  std::string command = "\"$tunelab\" worker --storage \"$storage\" --study \"$study\" \\\n";
  command += "  --cores \"${SLURM_CPUS_PER_TASK:-1}\"";
  for (const auto& p : job.plugins) command += " --plugin " + shell_word(p);
  for (const auto& f : job.worker_flags) command += " " + shell_word(f);
  return command + " &\n";
}

}  // namespace

std::optional<long> slurm_time_seconds(const std::string& text) {
  static const std::regex days_form(R"((\d+)-(\d+)(?::(\d+)(?::(\d+))?)?)");
  static const std::regex clock_form(R"((\d+)(?::(\d+)(?::(\d+))?)?)");
  std::smatch m;
  const auto number = [&](int i) { return m[i].matched ? std::stol(m[i].str()) : 0L; };
  if (text.size() > 20) return std::nullopt;
  if (std::regex_match(text, m, days_form))
    return ((number(1) * 24 + number(2)) * 60 + number(3)) * 60 + number(4);
  if (!std::regex_match(text, m, clock_form)) return std::nullopt;
  if (m[3].matched) return (number(1) * 60 + number(2)) * 60 + number(3);  // h:m:s
  return number(1) * 60 + number(2);                                       // m or m:s
}

long stop_warning_seconds(long time_limit_seconds) {
  return std::clamp(time_limit_seconds / 10, 10L, 300L);
}

std::string slurm_script(const SlurmJob& job) {
  std::string script = "#!/bin/bash\n";
  script += fmt::format(
      "# Study '{}' as a Slurm job array of {} workers, written by tunelab submit.\n"
      "# Edit it and run `sbatch` on it again to add workers: each task claims\n"
      "# trials from the store until the study's budget is spoken for.\n",
      job.study, job.array);
  script += sbatch_lines(job);
  script += "\n";
  script += "tunelab=" + shell_word(job.tunelab) + "\n";
  script += "storage=" + shell_word(job.storage) + "\n";
  script += "study=" + shell_word(job.study) + "\n\n";
  script +=
      "# Slurm sends SIGTERM to every process of the task (scancel, preemption,\n"
      "# the time limit): the worker stops at the end of its epoch and hands its\n"
      "# trial back. This script waits for it rather than ending first, which\n"
      "# would kill it.\n"
      "trap 'true' TERM\n";
  if (job.requeue)
    script +=
        "# USR1 comes (--signal) before the time limit: stop the worker now and\n"
        "# put the task back in the queue, to go on with the study.\n"
        "requeue=0\n"
        "trap 'requeue=1; kill -TERM \"$worker\"' USR1\n";
  script += "\n" + worker_command(job);
  script += "worker=$!\n";
  script +=
      "while :; do\n"
      "  wait \"$worker\"\n"
      "  status=$?\n"
      "  kill -0 \"$worker\" 2>/dev/null || break\n"
      "done\n";
  if (job.requeue)
    script +=
        "# 75: the worker stopped on the signal, its trial handed back.\n"
        "if [ \"$status\" -eq 75 ] && [ \"$requeue\" -eq 1 ]; then\n"
        "  scontrol requeue \"${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}\"\n"
        "fi\n";
  script += "exit \"$status\"\n";
  return script;
}

}  // namespace tunelab::cli
