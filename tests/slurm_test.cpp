// tunelab submit --slurm on a real Slurm cluster: a throwaway one on this
// machine (tests/slurm_cluster.sh: munge, slurmctld and two slurmd nodes),
// started for each test and stopped after it. A study submitted as a job
// array runs each trial once and gives the trials of `tunelab run`; tasks
// cancelled, preempted or told their time is up hand their trials back, and
// the study completes with nothing failed.

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <thread>

#include "backends.h"
#include "support.h"
#include "test_paths.h"

namespace {

using tunelab::test::run_shell;
using tunelab::test::ScratchDir;

class SlurmCluster {
 public:
  SlurmCluster() {
    const auto r = run_shell("tests/slurm_cluster.sh start 2>&1");
    std::string out = r.output;
    while (!out.empty() && out.back() == '\n') out.pop_back();
    if (r.exit_status == 0)
      folder_ = out;
    else
      why_ = out;
  }
  ~SlurmCluster() {
    if (!folder_.empty()) run_shell("tests/slurm_cluster.sh stop " + folder_);
  }
  SlurmCluster(const SlurmCluster&) = delete;
  SlurmCluster& operator=(const SlurmCluster&) = delete;

  // False (with the reason as the test's message) where the daemons cannot
  // start: Slurm or munge missing.
  bool up() const {
    if (folder_.empty()) MESSAGE("skipped: no Slurm: " << why_);
    return !folder_.empty();
  }
  // `command` with this cluster's SLURM_CONF, in the source folder.
  tunelab::test::CommandResult shell(const std::string& command) const {
    return run_shell("export SLURM_CONF='" + folder_ + "/slurm.conf' && " + command);
  }
  // Waits until job `id` has no task left in the queue; false after `seconds`.
  bool wait_for_job(const std::string& id, int seconds) const {
    for (int tenths = 0; tenths < seconds * 10; ++tenths) {
      if (shell("squeue -h -j " + id + " 2>/dev/null").output.empty()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

 private:
  std::string folder_, why_;
};

// A study of 40 short trials with TPE: after its first ten, each trial's
// params depend on the trials before it.
const std::string kStudy =
    "experiments/quickstart.yaml --set search.trials=40 --set trainer.epochs=25 "
    "--set search.sampler=tpe";
// 16 trials of about half a second each, long enough to be stopped in the
// middle.
const std::string kLongTrials =
    "experiments/quickstart.yaml --set search.trials=16 --set trainer.epochs=400 "
    "--set trainer.early_stopping.patience=0 --set search.sampler=tpe";

// The job id `submit` printed ("... as Slurm job 12 (array 0-3)").
std::string job_of(const std::string& output) {
  const std::string mark = "as Slurm job ";
  const auto at = output.find(mark);
  if (at == std::string::npos) return "";
  const auto start = at + mark.size();
  return output.substr(start, output.find(' ', start) - start);
}

// Every trial's number, state, params and value, one line each.
std::string trial_lines(tunelab::sql::Connection& db) {
  std::string out;
  tunelab::sql::Rows rows =
      db.query("SELECT number, state, params_json, value FROM trials ORDER BY number");
  while (rows.next())
    out += fmt::format("{} {} {} {:.17g}\n", rows.integer(0), rows.text(1), rows.text(2),
                       rows.number(3));
  return out;
}

// The study's trials as `tunelab run` gives them, one process that lets
// each trial see what 4 workers would.
std::string reference_trials(const ScratchDir& dir) {
  const std::string db = (dir.path() / "reference.db").string();
  const auto r = tunelab::test::run_tunelab("run " + kStudy +
                                            " --set search.workers=4 --quiet --storage " + db);
  REQUIRE_MESSAGE(r.exit_status == 0, r.output);
  auto connection = tunelab::sql::open_sqlite(db, false);
  return trial_lines(*connection);
}

int scalar_int(tunelab::sql::Connection& db, const std::string& sql) {
  return std::stoi(tunelab::test::scalar(db, sql));
}

// Each complete trial's value, by number.
std::map<int, double> complete_values(tunelab::sql::Connection& db) {
  std::map<int, double> values;
  tunelab::sql::Rows rows = db.query("SELECT number, value FROM trials WHERE state = 'COMPLETE'");
  while (rows.next()) values[rows.integer(0)] = rows.number(1);
  return values;
}

void check_all_complete_once(tunelab::sql::Connection& db, int trials) {
  CHECK(scalar_int(db, "SELECT count(*) FROM trials") == trials);
  CHECK(scalar_int(db, "SELECT count(DISTINCT number) FROM trials") == trials);
  CHECK(scalar_int(db, "SELECT max(number) FROM trials") == trials - 1);
  CHECK(scalar_int(db, "SELECT count(*) FROM trials WHERE state = 'COMPLETE'") == trials);
}

}  // namespace

TEST_SUITE("Slurm") {
  TEST_CASE(
      "submit --array 4 runs a 40-trial study once, the trials of run, SQLite and "
      "PostgreSQL: a long Slurm run") {
    SlurmCluster cluster;
    if (!cluster.up()) return;
    ScratchDir dir;
    const std::string reference = reference_trials(dir);
    for (tunelab::test::Backend* backend : tunelab::test::backends()) {
      INFO(backend->name());
      const std::string storage = backend->fresh_storage();
      const auto r =
          cluster.shell("\"$TUNELAB\" submit " + kStudy +
                        " --slurm --array 4 --single-node --storage '" + storage + "' --script '" +
                        (dir.path() / (backend->name() + ".sbatch")).string() + "' 2>&1");
      REQUIRE_MESSAGE(r.exit_status == 0, r.output);
      // submit returned at once, the study created and queued.
      CHECK(r.output.find("study 'quickstart': 40 trials, 4 workers as Slurm job ") !=
            std::string::npos);
      CHECK(r.output.find("squeue -j ") != std::string::npos);
      const std::string job = job_of(r.output);
      REQUIRE(!job.empty());
      REQUIRE_MESSAGE(cluster.wait_for_job(job, 240), cluster.shell("squeue").output);
      auto db = backend->connect(storage);
      check_all_complete_once(*db, 40);
      CHECK(trial_lines(*db) == reference);
      // The work was shared between the tasks' workers.
      CHECK(scalar_int(*db, "SELECT count(DISTINCT worker) FROM trials") >= 2);
    }
  }

  TEST_CASE(
      "scancel of two tasks and a resubmission: the study completes, nothing fails: a long "
      "Slurm run") {
    SlurmCluster cluster;
    if (!cluster.up()) return;
    ScratchDir dir;
    const std::string db = (dir.path() / "s.db").string();
    const std::string submit =
        "\"$TUNELAB\" submit " + kLongTrials + " --slurm --single-node --storage " + db;
    auto r = cluster.shell(submit + " --array 4 2>&1");
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    const std::string job = job_of(r.output);
    // Two tasks cancelled while trials run; the other two go on.
    r = cluster.shell(tunelab::test::until_a_trial_runs(db) + "; sleep 1; scancel " + job + "_0 " +
                      job + "_1; echo done");
    REQUIRE(r.output == "done\n");
    std::this_thread::sleep_for(std::chrono::seconds(2));
    auto store = tunelab::sql::open_sqlite(db, false);
    const std::map<int, double> finished_before = complete_values(*store);
    // Two workers more, on the study as it stands.
    r = cluster.shell(submit + " --array 2 --resume 2>&1");
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    const std::string again = job_of(r.output);
    REQUIRE_MESSAGE(cluster.wait_for_job(job, 240), cluster.shell("squeue").output);
    REQUIRE_MESSAGE(cluster.wait_for_job(again, 240), cluster.shell("squeue").output);
    check_all_complete_once(*store, 16);
    CHECK(scalar_int(*store, "SELECT count(*) FROM trials WHERE state = 'FAIL'") == 0);
    // The trials that had finished are as they were.
    const std::map<int, double> finished_after = complete_values(*store);
    CHECK(!finished_before.empty());
    for (const auto& [number, value] : finished_before) {
      INFO("trial " << number);
      CHECK(finished_after.at(number) == value);
    }
  }

  TEST_CASE(
      "a preempted task and one told its time is up are requeued, the study completes: a "
      "long Slurm run") {
    SlurmCluster cluster;
    if (!cluster.up()) return;
    ScratchDir dir;
    const std::string db = (dir.path() / "s.db").string();
    auto r = cluster.shell("\"$TUNELAB\" submit " + kLongTrials +
                           " --slurm --array 4 --single-node --time 30 "
                           "--storage " +
                           db + " 2>&1");
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    const std::string job = job_of(r.output);
    // The time limit's warning (USR1, as --signal sends it) to task 3, and
    // a job of the higher-priority partition that needs every CPU of task
    // 0's node.
    r = cluster.shell(tunelab::test::until_a_trial_runs(db) +
                      "; sleep 1; scancel --batch --signal=USR1 " + job +
                      "_3; node=$(squeue -h -j " + job +
                      "_0 -o %N); sbatch --partition=urgent --exclusive -w \"$node\" -o /dev/null "
                      "--wrap='sleep 2' && echo queued");
    REQUIRE_MESSAGE(r.output.find("queued") != std::string::npos, r.output);
    REQUIRE_MESSAGE(cluster.wait_for_job(job, 300), cluster.shell("squeue").output);
    auto store = tunelab::sql::open_sqlite(db, false);
    check_all_complete_once(*store, 16);
    CHECK(scalar_int(*store, "SELECT count(*) FROM trials WHERE state = 'FAIL'") == 0);
    // Both tasks ran twice: each one's output (appended to on a requeue)
    // shows its worker stopped, then a worker that ran to the budget.
    const std::string logs = (dir.path() / "quickstart.slurm").string();
    for (const std::string task : {"_0.out", "_3.out"}) {
      std::ifstream in(logs + "/" + job + task);
      const std::string text((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
      INFO(task << ":\n" << text);
      const auto stopped = text.find("tunelab: interrupted: worker ");
      CHECK(stopped != std::string::npos);
      CHECK(text.find("(stopped: budget)", stopped) != std::string::npos);
    }
  }

  TEST_CASE("submit --dry-run prints a script that sbatch --test-only accepts") {
    SlurmCluster cluster;
    if (!cluster.up()) return;
    ScratchDir dir;
    const auto r = cluster.shell(
        "\"$TUNELAB\" submit experiments/quickstart.yaml --slurm --array 3 --single-node --time "
        "1:30:00 --partition debug --cpus-per-task 2 --sbatch-arg=--mem=500M --dry-run "
        "--storage " +
        (dir.path() / "s.db").string() + " > " + (dir.path() / "job.sh").string() +
        " && sbatch --test-only " + (dir.path() / "job.sh").string() + " 2>&1");
    INFO(r.output);
    CHECK(r.exit_status == 0);
    CHECK(r.output.find("to start at") != std::string::npos);
    // Nothing was created.
    CHECK(!std::filesystem::exists(dir.path() / "s.db"));
    CHECK(!std::filesystem::exists(dir.path() / "quickstart.sbatch"));
    std::ifstream in(dir.path() / "job.sh");
    const std::string script((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
    CHECK(script.find("#SBATCH --array=0-2\n") != std::string::npos);
    CHECK(script.find("#SBATCH --partition=debug\n") != std::string::npos);
    CHECK(script.find("#SBATCH --time=1:30:00\n") != std::string::npos);
    CHECK(script.find("#SBATCH --signal=B:USR1@300\n") != std::string::npos);
    CHECK(script.find("#SBATCH --cpus-per-task=2\n") != std::string::npos);
    CHECK(script.find("#SBATCH --mem=500M\n") != std::string::npos);
    CHECK(script.find("#SBATCH --requeue\n") != std::string::npos);
    CHECK(script.find("storage=sqlite:///" + (dir.path() / "s.db").string() + "\n") !=
          std::string::npos);
  }

  TEST_CASE("submit refuses bad input with exit 2, and nothing is submitted or created") {
    SlurmCluster cluster;
    if (!cluster.up()) return;
    ScratchDir dir;
    const std::string db = (dir.path() / "s.db").string();
    const std::string submit = "\"$TUNELAB\" submit experiments/quickstart.yaml --storage " + db;
    struct Case {
      std::string arguments, message;
    };
    const std::vector<Case> cases = {
        {" --array 2 --single-node", "name the scheduler: --slurm"},
        {" --slurm --array 0", "--array: expected 1 to 1024 tasks, got 0"},
        {" --slurm --array four", "--array"},
        {" --slurm --time soon", "--time: 'soon' is not a Slurm time limit"},
        {" --slurm --sbatch-arg mem=1G", "is not one sbatch option"},
        {" --slurm --array 4",
         "an SQLite store serves the processes of one machine, and the 4 tasks of this array may "
         "run on several nodes. Use a PostgreSQL database that every node reaches (--storage "
         "postgresql://USER@HOST:5432/DATABASE"},
        {" --slurm --array 2 --single-node --partition nosuch",
         "sbatch refused the job, and study 'quickstart' was not created: sbatch failed (exit "
         "status 1): sbatch: error: invalid partition specified: nosuch"},
        {" --slurm --set model.act_fn=rellu", "unknown activation 'rellu'"},
    };
    for (const auto& c : cases) {
      const auto r = cluster.shell(submit + c.arguments + " 2>&1");
      INFO(c.arguments << "\n" << r.output);
      CHECK(r.exit_status == 2);
      CHECK(r.output.find(c.message) != std::string::npos);
      CHECK(!std::filesystem::exists(db));
      CHECK(!std::filesystem::exists(dir.path() / "quickstart.sbatch"));
      CHECK(!std::filesystem::exists(dir.path() / "quickstart.slurm"));
    }
    // sbatch missing from the PATH.
    auto r = run_shell(
        "PATH=/nonexistent \"$TUNELAB\" submit experiments/quickstart.yaml --slurm "
        "--storage " +
        db + " 2>&1");
    CHECK(r.exit_status == 2);
    CHECK(r.output.find("sbatch is not on the PATH") != std::string::npos);
    CHECK(!std::filesystem::exists(db));
    // A PostgreSQL server that does not answer.
    r = cluster.shell(submit.substr(0, submit.find(" --storage")) +
                      " --slurm --array 2 --storage postgresql://tunelab@127.0.0.1:1/none 2>&1");
    CHECK(r.exit_status == 2);
    CHECK(r.output.find("127.0.0.1") != std::string::npos);
    // A study that exists: refused as run refuses it; nothing queued.
    r = cluster.shell(submit + " --slurm --trials 2 2>&1 && squeue -h | wc -l");
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    r = cluster.shell(submit + " --slurm 2>&1");
    CHECK(r.exit_status == 2);
    CHECK(r.output.find("--resume") != std::string::npos);
  }
}

TEST_SUITE("Slurm") {
  TEST_CASE("docs/scaling.md shows the script submit writes") {
    const auto r = run_shell(
        "\"$TUNELAB\" submit experiments/diabetes_resnet.yaml --slurm --array 8 --time 2:00:00 "
        "--cpus-per-task 2 --storage postgresql://tuner@db.example.org:5432/tunelab --dry-run");
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    // The docs show a checkout in /home/me/tunelab.
    std::string script = r.output;
    const auto replace = [&](const std::string& from, const std::string& to) {
      for (auto at = script.find(from); at != std::string::npos; at = script.find(from, at))
        script.replace(at, from.size(), to), at += to.size();
    };
    replace(tunelab::test::kTunelabBinary, "/home/me/tunelab/build/tunelab");
    replace(tunelab::test::kSourceDir, "/home/me/tunelab");
    std::ifstream in(std::string(tunelab::test::kSourceDir) + "/docs/scaling.md");
    const std::string docs((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK_MESSAGE(docs.find("```text\n" + script + "```\n") != std::string::npos, script);
  }
}
