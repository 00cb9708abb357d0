// Warm starts (search.warm_start): a study's sampler sees an earlier study's
// finished trials as history, without counting or copying them as its own;
// which ones it saw is kept with the study, so that it reproduces bit for
// bit, resumed, joined by workers, or after its source is gone.

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <filesystem>

#include "support.h"

namespace {

std::string experiment(const std::string& name, int seed, int trials, const std::string& extra) {
  return "name: " + name + "\nseed: " + std::to_string(seed) +
         "\nobjective: {name: branin}\nsearch:\n  trials: " + std::to_string(trials) +
         "\n  sampler: gp\n" + extra +
         "  space:\n"
         "    objective.x0: {type: float, low: -5, high: 10}\n"
         "    objective.x1: {type: float, low: 0, high: 15}\n";
}

const std::string kWarm = "  warm_start: {study: source}\n";

// Every trial of `study` as "number state value params", in order.
std::vector<std::string> trial_rows(const std::filesystem::path& db, const std::string& study) {
  SQLite::Database d(db.string());
  SQLite::Statement q(d,
                      "SELECT number, state, quote(value), params_json FROM trials JOIN studies s "
                      "USING (study_id) WHERE s.name = ? ORDER BY number");
  q.bind(1, study);
  std::vector<std::string> rows;
  while (q.executeStep())
    rows.push_back(q.getColumn(0).getString() + " " + q.getColumn(1).getString() + " " +
                   q.getColumn(2).getString() + " " + q.getColumn(3).getString());
  return rows;
}

// `expression` (an SQL expression over the trials, "min(value)") over the
// trials of `study` for which `condition` holds.
double study_value(const std::filesystem::path& db, const std::string& study,
                   const std::string& expression, const std::string& condition = "1") {
  SQLite::Database d(db.string());
  SQLite::Statement q(d, "SELECT " + expression +
                             " FROM trials JOIN studies s USING (study_id) WHERE s.name = ? AND " +
                             condition);
  q.bind(1, study);
  REQUIRE(q.executeStep());
  return q.getColumn(0).getDouble();
}

// A store holding the study 'source' (30 gp trials on branin).
struct SourceStore {
  tunelab::test::ScratchDir dir;
  std::filesystem::path db = dir.path() / "s.db";
  std::string storage = " --storage " + db.string();

  SourceStore() {
    const auto file = dir.write("source.yaml", experiment("source", 1, 30, ""));
    const auto r = tunelab::test::run_tunelab("run " + file.string() + " --quiet" + storage);
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
  }
  tunelab::test::CommandResult run(const std::string& name, const std::string& text,
                                   const std::string& extra = "") const {
    return tunelab::test::run_tunelab("run " + dir.write(name + ".yaml", text).string() +
                                      " --quiet" + storage + extra);
  }
};

}  // namespace

TEST_SUITE("warm start") {
  TEST_CASE("a warm-started study starts from what the earlier study found, its budget its own") {
    SourceStore s;
    auto r = s.run("cold", experiment("cold", 2, 5, ""));
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    r = s.run("warm", experiment("warm", 2, 5, kWarm));
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    CHECK(r.output.find("warm start: the sampler also saw 30 trials of study 'source'") !=
          std::string::npos);
    // Five trials of its own; the source's thirty are neither copied nor counted.
    CHECK(trial_rows(s.db, "warm").size() == 5);
    CHECK(trial_rows(s.db, "source").size() == 30);
    SQLite::Database d(s.db.string());
    CHECK(d.execAndGet("SELECT count(*) FROM warm_start_trials w JOIN studies s USING (study_id) "
                       "WHERE s.name = 'warm' AND source_study = 'source'")
              .getInt() == 30);
    // Cold, the five trials are the GP's design points, far from branin's
    // minima (0.398; a random point's median is about 25); warm, the GP's
    // proposals from thirty trials: the first next to a minimum, and the
    // best of five at one.
    CHECK(study_value(s.db, "warm", "value", "number = 0") < 2.0);
    CHECK(study_value(s.db, "warm", "min(value)") < 0.45);
    CHECK(study_value(s.db, "cold", "min(value)") > 2.0);
  }

  TEST_CASE(
      "a warm-started study reproduces: again, resumed after its source is gone, and with "
      "two workers") {
    SourceStore s;
    REQUIRE(s.run("w1", experiment("w1", 5, 8, kWarm)).exit_status == 0);
    REQUIRE(s.run("w2", experiment("w2", 5, 8, kWarm)).exit_status == 0);
    const auto whole = trial_rows(s.db, "w1");
    REQUIRE(whole.size() == 8);
    CHECK(trial_rows(s.db, "w2") == whole);

    // Half, then the source deleted, then resumed: the same eight trials.
    const std::string half = experiment("w3", 5, 8, kWarm);
    REQUIRE(s.run("w3", half, " --trials 4").exit_status == 0);
    auto r = tunelab::test::run_tunelab("delete source --yes" + s.storage);
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    r = s.run("w3", half, " --resume --trials 8");
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    CHECK(trial_rows(s.db, "w3") == whole);
    // A new study from it now refuses, naming what is missing.
    r = s.run("w4", experiment("w4", 5, 8, kWarm));
    CHECK(r.exit_status == 2);
    CHECK_MESSAGE(r.output.find("search.warm_start.study: no study 'source'") != std::string::npos,
                  r.output);
  }

  TEST_CASE("warm starts with two workers are deterministic") {
    SourceStore s;
    const std::string text = experiment("p", 7, 8, "  workers: 2\n" + kWarm);
    REQUIRE(s.run("p", text).exit_status == 0);
    const auto first = trial_rows(s.db, "p");
    REQUIRE(tunelab::test::run_tunelab("delete p --yes" + s.storage).exit_status == 0);
    const auto r = s.run("p", text);
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    CHECK(trial_rows(s.db, "p") == first);
  }

  TEST_CASE(
      "only trials inside the new space are seen, a dimension the source fixed at its "
      "value") {
    tunelab::test::ScratchDir dir;
    const auto db = dir.path() / "s.db";
    const std::string storage = " --storage " + db.string();
    // The source searched x0 only (x1 fixed at 2.275 by --set) over -5..10.
    auto r = tunelab::test::run_tunelab(
        "run " + dir.write("source.yaml", experiment("source", 1, 12, "")).string() +
        " --quiet --set objective.x1=2.275" + storage);
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    // The new study searches both, x0 over 0..10 only.
    std::string text = experiment("narrow", 2, 3, kWarm);
    text.replace(text.find("low: -5"), 7, "low: 0");
    r = tunelab::test::run_tunelab("run " + dir.write("narrow.yaml", text).string() + " --quiet" +
                                   storage);
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    SQLite::Database d(db.string());
    const int inside =
        d.execAndGet(
             "SELECT count(*) FROM trials JOIN studies s USING (study_id) WHERE s.name = "
             "'source' AND json_extract(params_json, '$.\"objective.x0\"') >= 0")
            .getInt();
    CHECK(inside > 0);
    CHECK(inside < 12);
    SQLite::Statement q(d, "SELECT params_json FROM warm_start_trials");
    int seen = 0;
    while (q.executeStep()) {
      const auto params = nlohmann::json::parse(q.getColumn(0).getString());
      CHECK(params["objective.x1"] == 2.275);
      CHECK(params["objective.x0"].get<double>() >= 0);
      ++seen;
    }
    CHECK(seen == inside);
  }

  TEST_CASE("bad warm starts are refused with their place, no study created") {
    SourceStore s;
    const struct {
      std::string section;
      const char* message;
      std::string flags;
    } cases[] = {
        {"  warm_start: {study: sourse}\n", "search.warm_start.study: no study 'sourse'", ""},
        {"  warm_start: {study: bad}\n", "study 'bad' is the study being run", ""},
        {"  warm_start: {study: source, storage: elsewhere.db}\n",
         "search.warm_start.storage: elsewhere.db: no results store there", ""},
        {"  warm_start: {study: source, storag: x}\n", "did you mean 'storage'?", ""},
        {"  warm_start: [source, {study: zz}]\n", "search.warm_start[1].study: no study 'zz'", ""},
        {"  warm_start: 42\n", "expected a study's name or {study: NAME, storage: URL}", ""},
        {"  warm_start: [source, {study: source}]\n",
         "search.warm_start[1].study: names study 'source' a second time", ""},
        {"  warm_start: source\n", "the random sampler proposes without looking at earlier trials",
         " --set search.sampler=random"},
        {"  direction: maximize\n  warm_start: source\n",
         "study 'source' was judged by value (minimize), this one by value (maximize)", ""},
    };
    for (const auto& c : cases) {
      CAPTURE(c.section);
      const auto r = s.run("bad", experiment("bad", 2, 5, c.section), c.flags);
      CHECK(r.exit_status == 2);
      CHECK_MESSAGE(r.output.find(c.message) != std::string::npos, r.output);
      CHECK(r.output.find("bad.yaml:") != std::string::npos);
      CHECK(trial_rows(s.db, "bad").empty());
      CHECK_FALSE(std::filesystem::exists(s.dir.path() / "elsewhere.db"));
    }
  }

  TEST_CASE("--resume with a changed file names what changed and points at warm_start") {
    SourceStore s;
    std::string text = experiment("source", 1, 30, "");
    text.replace(text.find("high: 15"), 8, "high: 12");
    const auto r = s.run("source", text, " --resume");
    CHECK(r.exit_status == 2);
    CHECK_MESSAGE(
        r.output.find("search.space.objective.x1.high (15 before, 12 now)") != std::string::npos,
        r.output);
    CHECK(r.output.find("search.warm_start: {study: source}") != std::string::npos);
  }
}
