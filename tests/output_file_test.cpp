// Where commands write: `-` is standard output; a device, a pipe or a link is
// written through and stays what it was; a folder, a path into a missing
// folder, or a file the results store keeps is refused (exit 2) before any
// work; output cut short (a full disk) is a failure, never exit 0.

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "support.h"
#include "test_paths.h"

namespace fs = std::filesystem;

namespace {

std::string file_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// What sits at `path`, without following a link.
std::string kind_of(const fs::path& path) {
  struct stat s {};
  if (::lstat(path.c_str(), &s) != 0) return "nothing";
  if (S_ISLNK(s.st_mode)) return "link";
  if (S_ISFIFO(s.st_mode)) return "fifo";
  if (S_ISCHR(s.st_mode)) return "char device";
  if (S_ISDIR(s.st_mode)) return "folder";
  return "file";
}

// The exported CSV of a study, as `export` prints it to standard output.
std::string exported(const tunelab::test::StoredStudies& s) {
  const auto r =
      tunelab::test::run_shell("\"$TUNELAB\" export quickstart" + s.storage + " 2>/dev/null");
  REQUIRE(r.exit_status == 0);
  REQUIRE(r.output.rfind("number,", 0) == 0);
  return r.output;
}

}  // namespace

TEST_SUITE("output files") {
  TEST_CASE("-o - is standard output, and no file named '-' appears") {
    const auto s = tunelab::test::quickstart_studies({""});
    const auto r = tunelab::test::run_shell("cd '" + s->dir.path().string() +
                                            "' && \"$TUNELAB\" export quickstart -o -" +
                                            s->storage + " 2>/dev/null");
    CHECK(r.exit_status == 0);
    CHECK(r.output == exported(*s));
    CHECK_FALSE(fs::exists(s->dir.path() / "-"));
  }

  TEST_CASE("a pipe, a link and a device are written through and stay what they were") {
    const auto s = tunelab::test::quickstart_studies({""});
    const fs::path dir = s->dir.path();
    const std::string csv = exported(*s);

    // A named pipe with a reader on the other end.
    const fs::path fifo = dir / "pipe";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    auto r = tunelab::test::run_shell(
        "{ timeout 60 cat '" + fifo.string() + "' > '" + (dir / "from-pipe.csv").string() +
        "' & } ; timeout 60 \"$TUNELAB\" export quickstart -o '" + fifo.string() + "'" +
        s->storage + " 2>&1; status=$?; wait; exit $status");
    CHECK_MESSAGE(r.exit_status == 0, r.output);
    CHECK(kind_of(fifo) == "fifo");
    CHECK(file_text(dir / "from-pipe.csv") == csv);

    // A symbolic link: its target gets the text, the link stays a link.
    std::ofstream(dir / "target.csv") << "old\n";
    fs::create_symlink(dir / "target.csv", dir / "link.csv");
    r = tunelab::test::run_tunelab("export quickstart -o " + (dir / "link.csv").string() +
                                   s->storage);
    CHECK_MESSAGE(r.exit_status == 0, r.output);
    CHECK(kind_of(dir / "link.csv") == "link");
    CHECK(file_text(dir / "target.csv") == csv);

    // A character device (the null device, made here): still a device after.
    const fs::path device = dir / "null-device";
    if (::mknod(device.c_str(), S_IFCHR | 0666, makedev(1, 3)) != 0) {
      MESSAGE("skipped the device node: mknod needs root here");
    } else {
      for (const std::string command :
           {"export quickstart -o ", "predict quickstart --input data/diabetes.csv -o ",
            "report quickstart --html "}) {
        r = tunelab::test::run_tunelab(command + device.string() + s->storage);
        CHECK_MESSAGE(r.exit_status == 0, command << r.output);
        CHECK(kind_of(device) == "char device");
      }
      r = tunelab::test::run_tunelab("model experiments/seed_chapter.yaml --graph " +
                                     device.string());
      CHECK(r.exit_status == 2);  // needs a .svg, .png or .dot name: refused, not replaced
      CHECK(kind_of(device) == "char device");
    }
  }

  TEST_CASE("a folder, a missing folder, or the store's own files are refused before any work") {
    const auto s = tunelab::test::quickstart_studies({""});
    const fs::path dir = s->dir.path();
    const std::string before = exported(*s);
    // Weights kept by the study, which no output may replace either.
    fs::path weights;
    for (const auto& entry : fs::recursive_directory_iterator(dir))
      if (entry.path().extension() == ".pt") weights = entry.path();
    REQUIRE_FALSE(weights.empty());
    const std::string weights_bytes = file_text(weights);

    struct Refusal {
      std::string command, expected;
    };
    const std::string db = s->db;
    const std::vector<Refusal> refusals = {
        {"export quickstart -o " + dir.string(), "is a directory"},
        {"export quickstart -o " + (dir / "no/such/folder/x.csv").string(), "does not exist"},
        {"export quickstart -o " + db, "which the results store keeps"},
        {"export quickstart -o " + db + "-wal", "which the results store keeps"},
        {"export quickstart -o " + (dir / "." / fs::path(db).filename()).string(),
         "which the results store keeps"},
        {"export quickstart -o " + weights.string(), "which the results store keeps"},
        {"export quickstart --optuna " + db, "which the results store keeps"},
        {"predict quickstart --input data/diabetes.csv -o " + db, "which the results store keeps"},
        {"predict quickstart --input data/diabetes.csv -o " + weights.string(),
         "which the results store keeps"},
        {"report quickstart --html " + db, "which the results store keeps"},
        {"report quickstart --html " + (dir / "missing/r.html").string(), "does not exist"},
    };
    for (const auto& refusal : refusals) {
      const auto r = tunelab::test::run_tunelab(refusal.command + s->storage);
      INFO("$ tunelab " << refusal.command << "\n" << r.output);
      CHECK(r.exit_status == 2);
      CHECK(r.output.find(refusal.expected) != std::string::npos);
    }
    // A link to the store is the store.
    fs::create_symlink(db, dir / "innocent.csv");
    auto r = tunelab::test::run_tunelab("export quickstart -o " + (dir / "innocent.csv").string() +
                                        s->storage);
    CHECK(r.exit_status == 2);
    CHECK(r.output.find("which the results store keeps") != std::string::npos);
    // The default store's weights, for model --graph, which reads no store.
    r = tunelab::test::run_shell("cd '" + dir.string() +
                                 "' && mkdir -p results/tunelab.weights && \"$TUNELAB\" model '" +
                                 tunelab::test::kSourceDir +
                                 "/experiments/seed_chapter.yaml' --graph "
                                 "results/tunelab.weights/graph.dot 2>&1");
    CHECK(r.exit_status == 2);
    CHECK(r.output.find("which the results store keeps") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "results/tunelab.weights/graph.dot"));
    CHECK_FALSE(fs::exists(dir / "no"));
    CHECK(exported(*s) == before);
    CHECK(file_text(weights) == weights_bytes);
    SQLite::Database d(db);
    CHECK(d.execAndGet("PRAGMA integrity_check").getString() == "ok");
  }

  TEST_CASE("output cut short by a full disk exits 1, whichever command wrote it") {
    if (!fs::exists("/dev/full")) {
      MESSAGE("skipped: this system has no /dev/full");
      return;
    }
    const auto s = tunelab::test::quickstart_studies({""});
    for (const std::string command :
         {"export quickstart --format json", "trials quickstart", "best quickstart", "studies",
          "predict quickstart --input data/diabetes.csv", "show quickstart 0"}) {
      const auto r =
          tunelab::test::run_shell("\"$TUNELAB\" " + command + s->storage + " > /dev/full 2>&1");
      INFO(command << "\n" << r.output);
      CHECK(r.exit_status == 1);
    }
    const auto r = tunelab::test::run_tunelab("export quickstart -o /dev/full" + s->storage);
    CHECK(r.exit_status == 1);
    CHECK(r.output.find("No space left on device") != std::string::npos);
    // Standard output full, standard error read: the cause, not a later one.
    const auto piped = tunelab::test::run_shell("\"$TUNELAB\" export quickstart -o -" + s->storage +
                                                " 2>&1 >/dev/full");
    CHECK(piped.exit_status == 1);
    CHECK(piped.output == "tunelab: cannot write to standard output: No space left on device\n");
  }

  TEST_CASE("export --optuna --force replaces a file that already holds the study") {
    const auto s = tunelab::test::quickstart_studies({""});
    const std::string optuna = (s->dir.path() / "optuna.db").string();
    REQUIRE(tunelab::test::run_tunelab("export quickstart --optuna " + optuna + s->storage)
                .exit_status == 0);
    auto r = tunelab::test::run_tunelab("export quickstart --optuna " + optuna + s->storage);
    CHECK(r.exit_status == 2);
    CHECK(r.output.find("--force replaces the file") != std::string::npos);
    r = tunelab::test::run_tunelab("export quickstart --optuna " + optuna + " --force" +
                                   s->storage);
    CHECK_MESSAGE(r.exit_status == 0, r.output);
    SQLite::Database d(optuna);
    CHECK(d.execAndGet("SELECT count(*) FROM studies").getInt() == 1);
    CHECK(d.execAndGet("SELECT count(*) FROM trials").getInt() == 6);
    r = tunelab::test::run_tunelab("export quickstart --force" + s->storage);
    CHECK(r.exit_status == 2);
  }
}
