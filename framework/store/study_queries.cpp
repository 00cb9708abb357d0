#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "common/errors.h"
#include "common/near_matches.h"
#include "store/ensemble_records.h"
#include "store/locations.h"
#include "store/schema.h"
#include "store/sql/connection.h"
#include "store/store_connection.h"
#include "store/study_queries.h"
#include "store/values.h"

namespace tunelab {
using namespace store_values;
namespace {

// `direction` is the studies' column, or what stores from before
// directions (version 4 and older, read as they are) had: 'minimize'.
std::string study_columns(const std::string& direction) {
  return "SELECT s.study_id, s.name, s.seed, s.metric, s.trials_wanted, s.config_json, "
         "s.document_json, s.experiment_file, s.created_at, "
         "(SELECT count(*) FROM trials t WHERE t.study_id = s.study_id AND t.state = 'COMPLETE'), "
         "(SELECT count(*) FROM trials t WHERE t.study_id = s.study_id AND t.state = 'PRUNED'), "
         "(SELECT count(*) FROM trials t WHERE t.study_id = s.study_id AND t.state = 'FAIL'), "
         // Re-queued (WAITING) trials are running too, as far as a listing goes.
         "(SELECT count(*) FROM trials t WHERE t.study_id = s.study_id "
         "AND t.state IN ('RUNNING', 'WAITING')), "
         "(SELECT min(started_at) FROM trials t WHERE t.study_id = s.study_id), "
         "(SELECT max(finished_at) FROM trials t WHERE t.study_id = s.study_id), " +
         direction + " FROM studies s ";
}

// The time some trial of the study was running, over all its runs: the
// union of its trials' start-to-finish spans, so that the hours between a
// study's run and its --resume are not counted as work.
double working_seconds(sql::Connection& db, std::int64_t study_id) {
  sql::Rows q = db.query(
      "SELECT started_at, finished_at FROM trials WHERE study_id = ? AND started_at IS NOT NULL "
      "AND finished_at IS NOT NULL",
      {study_id});
  std::vector<std::pair<double, double>> spans;
  while (q.next()) {
    const double start = seconds_since_epoch(q.text(0)), end = seconds_since_epoch(q.text(1));
    if (start >= 0 && end >= start) spans.emplace_back(start, end);
  }
  std::sort(spans.begin(), spans.end());
  double total = 0, span_start = -1, span_end = -1;
  for (const auto& [start, end] : spans) {
    if (start > span_end) {  // a gap: the span so far is done
      if (span_end > span_start) total += span_end - span_start;
      span_start = start;
      span_end = end;
    } else {
      span_end = std::max(span_end, end);
    }
  }
  if (span_end > span_start) total += span_end - span_start;
  return total;
}

// Writes the bytes of trial `trial_id`'s weights in `db` to `file`, whole or
// not at all (a temporary file, renamed).
void fetch_weights(sql::Connection& db, std::int64_t trial_id, const std::filesystem::path& file) {
  sql::Rows q = db.query("SELECT encode(data, 'hex') FROM weights WHERE trial_id = ?", {trial_id});
  if (!q.next() || q.is_null(0)) return;  // saved by a tunelab that kept only the file
  std::filesystem::create_directories(file.parent_path());
  const auto partial = file.string() + ".partial";
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    const std::string bytes = bytes_of(q.text(0));
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out.flush()) throw StoreError("cannot write " + partial);
  }
  std::filesystem::rename(partial, file);
}

// Trials by state, in one row: `studies` and `epochs` are the SQL that
// counts them, `where` picks the trials.
StudyProgress progress_row(sql::Connection& db, const std::string& studies,
                           const std::string& epochs, const std::string& where,
                           const sql::Params& params) {
  sql::Rows q = db.query(
      "SELECT " + studies + ", count(*), " +
          "coalesce(sum(CASE WHEN t.state IN ('RUNNING', 'WAITING') THEN 1 ELSE 0 END), 0), "
          "coalesce(sum(CASE WHEN t.state IN ('COMPLETE', 'PRUNED', 'FAIL') THEN 1 ELSE 0 END), "
          "0), " +
          epochs + " FROM trials t " + where,
      params);
  StudyProgress p;
  if (q.next()) {
    p.studies = q.integer(0);
    p.trials = q.integer(1);
    p.running = q.integer(2);
    p.finished = q.integer(3);
    p.epochs = q.int64(4);
  }
  return p;
}

}  // namespace

StudyQueries::StudyQueries(std::shared_ptr<StoreConnection> connection)
    : connection_(std::move(connection)), db_(connection_->db.get()), url_(connection_->url) {}

StudyQueries::~StudyQueries() = default;

const std::string& StudyQueries::connect_url() const { return connection_->connect_url; }

bool StudyQueries::is_postgresql() const { return connection_->is_postgresql(); }

std::vector<StudyInfo> StudyQueries::studies() {
  return in_store(url_, [&] {
    std::vector<StudyInfo> out;
    const bool has_direction = db_->has_column("studies", "direction");
    sql::Rows q = db_->query(study_columns(has_direction ? "s.direction" : "'minimize'") +
                             "ORDER BY s.created_at, s.study_id");
    while (q.next()) {
      StudyInfo s;
      s.id = q.int64(0);
      s.name = q.text(1);
      s.seed = static_cast<std::uint64_t>(q.int64(2));
      // The first objective, as the columns give it: a store before version
      // 7 has no other.
      Objective first{q.text(3), Direction::minimize};
      s.trials_wanted = q.integer(4);
      s.config = nlohmann::json::parse(q.text(5));
      s.document = nlohmann::json::parse(q.text(6));
      s.experiment_file = q.text(7);
      s.created_at = q.text(8);
      s.complete = q.integer(9);
      s.pruned = q.integer(10);
      s.failed = q.integer(11);
      s.running = q.integer(12);
      s.first_started = q.text(13);
      s.last_finished = q.text(14);
      first.direction = direction_named(q.text(15)).value_or(Direction::minimize);
      s.objectives = {first};
      out.push_back(std::move(s));
    }
    for (auto& s : out) s.wall_seconds = working_seconds(*db_, s.id);
    // Before version 7 every study had one objective, its metric.
    const bool has_objectives = db_->table_exists("study_objectives");
    for (auto& s : out) {
      if (!has_objectives) continue;
      std::vector<Objective> objectives;
      sql::Rows o = db_->query(
          "SELECT metric, direction FROM study_objectives WHERE study_id = ? ORDER BY objective",
          {s.id});
      while (o.next())
        objectives.push_back({o.text(0), direction_named(o.text(1)).value_or(Direction::minimize)});
      if (!objectives.empty()) s.objectives = std::move(objectives);
    }
    // The best trial, by the same rule as the best_trials view.
    const std::string best =
        std::string(
            "SELECT t.number, t.value FROM trials t JOIN studies s USING (study_id) WHERE "
            "t.study_id = ? AND t.state = 'COMPLETE' AND ") +
        (db_->has_column("trials", "feasible") ? "coalesce(t.feasible, 1) = 1 AND " : "") +
        value_is_number(db_->dialect(), "t.value") + " ORDER BY " +
        (has_direction ? value_as_loss("s", "t.value") : "t.value") + ", t.number LIMIT 1";
    for (auto& s : out) {
      sql::Rows b = db_->query(best, {s.id});
      if (b.next()) {
        s.best_number = b.integer(0);
        s.best_value = b.number(1);
      }
    }
    return out;
  });
}

StudyInfo StudyQueries::study(const std::string& name) {
  std::vector<StudyInfo> all = studies();
  for (auto& s : all)
    if (s.name == name) return std::move(s);
  std::vector<std::string> names;
  for (const auto& s : all) names.push_back(s.name);
  const auto near = near_matches(name, names);
  // The names there are, each cut to a line's share and a dozen at most:
  // a store of long or many names makes a message, not a page.
  std::string known;
  const auto shown_name = [](const std::string& n) {
    return n.size() <= 60 ? n : n.substr(0, 57) + "...";
  };
  for (std::size_t i = 0; i < names.size() && i < 12; ++i)
    known += (known.empty() ? "" : ", ") + shown_name(names[i]);
  if (names.size() > 12)
    known += fmt::format(" and {} more (tunelab studies lists them)", names.size() - 12);
  throw InputError(fmt::format("no study '{}' in {}{}; {}", name, url_,
                               near.empty() ? "" : " (did you mean '" + near.front() + "'?)",
                               names.empty() ? "it holds no studies" : "its studies: " + known));
}

std::vector<TrialInfo> StudyQueries::trials(std::int64_t study_id) {
  return in_store(url_, [&] {
    std::vector<TrialInfo> out;
    // Before version 3 there were no workers; before version 4 an
    // interrupted trial was told by its error's prefix.
    const bool has_workers = db_->has_column("trials", "worker");
    const bool has_interrupted = db_->has_column("trials", "interrupted");
    sql::Rows q = db_->query(
        fmt::format("SELECT trial_id, number, state, seed, params_json, value, train_loss, "
                    "val_loss, test_loss, best_epoch, epochs_run, device, started_at, "
                    "finished_at, duration_s, error, {}, {} FROM trials WHERE study_id = ? "
                    "ORDER BY number",
                    has_workers ? "worker, attempts" : "NULL, 1",
                    has_interrupted ? "interrupted"
                                    : "CASE WHEN error LIKE 'interrupted%' THEN 1 ELSE 0 END"),
        {study_id});
    while (q.next()) {
      TrialInfo t;
      t.id = q.int64(0);
      t.number = q.integer(1);
      t.state = state_from(q.text(2));
      t.seed = static_cast<std::uint64_t>(q.int64(3));
      t.params = params_from(q.text(4));
      t.value = q.number(5);
      t.train_loss = q.number(6);
      t.val_loss = q.number(7);
      t.test_loss = q.number(8);
      if (!q.is_null(9)) t.best_epoch = q.integer(9);
      t.epochs_run = q.integer(10);
      t.device = q.text(11);
      t.started_at = q.text(12);
      t.finished_at = q.text(13);
      t.duration_s = q.number(14);
      t.error = q.text(15);
      t.worker = q.text(16);
      t.attempts = q.integer(17);
      t.interrupted = q.integer(18) != 0;
      out.push_back(std::move(t));
    }
    // Rows whose first column is a trial number, in number order (as the
    // trials are), each handed to `add` with its trial.
    const auto attach = [&](sql::Rows rows, const auto& add) {
      std::size_t at = 0;
      while (rows.next()) {
        while (at < out.size() && out[at].number < rows.integer(0)) ++at;
        if (at < out.size() && out[at].number == rows.integer(0)) add(out[at], rows);
      }
    };
    if (db_->table_exists("trial_values"))
      attach(
          db_->query("SELECT t.number, v.value FROM trial_values v JOIN trials t USING (trial_id) "
                     "WHERE t.study_id = ? ORDER BY t.number, v.objective",
                     {study_id}),
          [](TrialInfo& t, const sql::Rows& v) { t.values.push_back(v.number(1)); });
    if (db_->table_exists("trial_constraints"))
      attach(db_->query("SELECT t.number, c.value FROM trial_constraints c JOIN trials t USING "
                        "(trial_id) WHERE t.study_id = ? ORDER BY t.number, c.constraint_index",
                        {study_id}),
             [](TrialInfo& t, const sql::Rows& c) { t.constraints.push_back(c.number(1)); });
    if (db_->table_exists("trial_metrics"))
      attach(db_->query("SELECT t.number, m.name, m.value FROM trial_metrics m JOIN trials t "
                        "USING (trial_id) WHERE t.study_id = ? ORDER BY t.number, m.name",
                        {study_id}),
             [](TrialInfo& t, const sql::Rows& m) {
               t.metrics[m.text(1)] = m.is_null(2) ? kMissing : m.number(2);
             });
    return out;
  });
}

TrialInfo StudyQueries::trial(const StudyInfo& study, int number) {
  std::vector<TrialInfo> all = trials(study.id);
  for (auto& t : all)
    if (t.number == number) return std::move(t);
  throw InputError(fmt::format("study '{}' has no trial {}; {}", study.name, number,
                               all.empty() ? std::string("it has no trials yet")
                                           : fmt::format("its trials are numbered {} to {}",
                                                         all.front().number, all.back().number)));
}

std::vector<EpochRow> StudyQueries::epochs(std::int64_t trial_id) {
  return in_store(url_, [&] {
    std::vector<EpochRow> out;
    sql::Rows q = db_->query(
        "SELECT epoch, train_loss, val_loss, lr, seconds FROM epochs WHERE trial_id = ? "
        "ORDER BY epoch",
        {trial_id});
    while (q.next())
      out.push_back(EpochRow{q.integer(0), q.number(1), q.number(2), q.number(3), q.number(4)});
    return out;
  });
}

StudyProgress StudyQueries::progress(const std::string& study) {
  // By name in the query itself: finding the study first would read every
  // study's listing at each poll.
  return in_store(url_, [&] {
    return progress_row(*db_, "(SELECT count(*) FROM studies WHERE name = ?)",
                        "(SELECT count(*) FROM epochs e JOIN trials u USING (trial_id) "
                        "JOIN studies v USING (study_id) WHERE v.name = ?)",
                        "JOIN studies s USING (study_id) WHERE s.name = ?", {study, study, study});
  });
}

StudyProgress StudyQueries::progress() {
  return in_store(
      url_, [&] { return progress_row(*db_, "(SELECT count(*) FROM studies)", "0", "", {}); });
}

std::vector<ProvenanceInfo> StudyQueries::provenance(std::int64_t study_id) {
  return in_store(url_, [&] {
    std::vector<ProvenanceInfo> out;
    // Before version 3 the BLAS was not recorded.
    const bool has_blas = db_->has_column("provenance", "blas");
    sql::Rows q = db_->query(
        fmt::format("SELECT tunelab_version, tunelab_commit, libtorch_version, device, host, "
                    "threads, dataset_digest, config_hash, recorded_at, provenance_id, {} "
                    "FROM provenance WHERE study_id = ? ORDER BY provenance_id",
                    has_blas ? "blas" : "''"),
        {study_id});
    while (q.next()) {
      ProvenanceInfo p;
      p.tunelab_version = q.text(0);
      p.tunelab_commit = q.text(1);
      p.libtorch_version = q.text(2);
      p.device = q.text(3);
      p.host = q.text(4);
      p.threads = q.integer(5);
      p.dataset_digest = q.text(6);
      p.config_hash = q.text(7);
      p.recorded_at = q.text(8);
      p.id = q.int64(9);
      p.blas = q.text(10);
      out.push_back(std::move(p));
    }
    if (!db_->table_exists("provenance_plugins")) return out;  // a version 1 store
    // In the order they were loaded: SQLite's rowid, PostgreSQL's row order.
    const std::string plugins = fmt::format(
        "SELECT path, name, version, digest FROM provenance_plugins WHERE provenance_id = ? "
        "ORDER BY {}",
        db_->dialect() == sql::Dialect::postgresql ? "ctid" : "rowid");
    for (auto& p : out) {
      sql::Rows r = db_->query(plugins, {p.id});
      while (r.next()) p.plugins.push_back({r.text(0), r.text(1), r.text(2), r.text(3)});
    }
    return out;
  });
}

std::optional<WeightsInfo> StudyQueries::weights(std::int64_t trial_id) {
  return in_store(url_, [&]() -> std::optional<WeightsInfo> {
    if (!db_->table_exists("weights")) return std::nullopt;  // a version 1 store
    sql::Rows q = db_->query(
        "SELECT path, reason, features_json, targets_json FROM weights WHERE trial_id = ?",
        {trial_id});
    if (!q.next()) return std::nullopt;
    WeightsInfo w;
    w.file = connection_->files_folder / q.text(0);
    // Trained on another machine: fetched from a PostgreSQL store once, and
    // kept where this machine would have written it.
    std::error_code ec;
    if (is_postgresql() && !std::filesystem::exists(w.file, ec))
      fetch_weights(*db_, trial_id, w.file);
    w.reason = q.text(1);
    w.features = nlohmann::json::parse(q.text(2)).get<std::vector<std::string>>();
    w.targets = nlohmann::json::parse(q.text(3)).get<std::vector<std::string>>();
    return w;
  });
}

std::vector<WarmStartTrial> StudyQueries::warm_start_trials(std::int64_t study_id) {
  return in_store(url_, [&] {
    std::vector<WarmStartTrial> out;
    if (!db_->table_exists("warm_start_trials")) return out;  // before version 7
    sql::Rows q = db_->query(
        "SELECT source_study, source_storage, source_number, state, value, params_json, "
        "values_json FROM warm_start_trials WHERE study_id = ? ORDER BY position",
        {study_id});
    while (q.next()) {
      WarmStartTrial t;
      t.source_study = q.text(0);
      t.source_storage = q.text(1);
      t.source_number = q.integer(2);
      t.state = state_from(q.text(3));
      t.value = q.number(4);
      t.params = params_from(q.text(5));
      // A value that was NaN is null in JSON.
      for (const auto& v : nlohmann::json::parse(q.text(6)))
        t.values.push_back(v.is_number() ? v.get<double>() : kMissing);
      out.push_back(std::move(t));
    }
    return out;
  });
}

std::vector<TrialPredictions> StudyQueries::predictions(std::int64_t study_id) {
  return in_store(url_, [&] {
    std::vector<TrialPredictions> out;
    if (!db_->table_exists("trial_predictions")) return out;  // before version 8
    sql::Rows q = db_->query(
        "SELECT t.number, p.split, p.n_rows, p.n_columns, p.values_hex, p.targets_hex "
        "FROM trial_predictions p JOIN trials t USING (trial_id) "
        "WHERE t.study_id = ? AND t.state = 'COMPLETE' ORDER BY t.number, p.split",
        {study_id});
    while (q.next()) {
      if (out.empty() || out.back().number != q.integer(0)) out.push_back({q.integer(0), {}, {}});
      PredictionMatrix& m = q.text(1) == "val" ? out.back().val : out.back().test;
      m.rows = q.int64(2);
      m.columns = q.int64(3);
      m.values = floats_from_hex(q.text(4));
      m.targets = floats_from_hex(q.text(5));
      m.target_columns = m.rows ? static_cast<std::int64_t>(m.targets.size()) / m.rows : 0;
    }
    return out;
  });
}

std::optional<EnsembleInfo> StudyQueries::ensemble(std::int64_t study_id) {
  return in_store(url_, [&]() -> std::optional<EnsembleInfo> {
    if (!db_->table_exists("ensembles")) return std::nullopt;  // before version 8
    sql::Rows q = db_->query(
        "SELECT method, size, selected_by, created_at, best_trial FROM ensembles "
        "WHERE study_id = ?",
        {study_id});
    if (!q.next()) return std::nullopt;
    EnsembleInfo e;
    e.method = q.text(0);
    e.size = q.integer(1);
    e.selected_by = q.text(2);
    e.created_at = q.text(3);
    e.best_trial = q.integer(4);
    sql::Rows m =
        db_->query("SELECT number, weight FROM ensemble_members WHERE study_id = ? ORDER BY number",
                   {study_id});
    while (m.next()) e.members.emplace_back(m.integer(0), m.number(1));
    sql::Rows v =
        db_->query("SELECT name, value FROM ensemble_metrics WHERE study_id = ?", {study_id});
    const std::string best = "best_trial_";
    while (v.next()) {
      const std::string name = v.text(0);
      if (name.rfind(best, 0) == 0)
        e.best_trial_metrics[name.substr(best.size())] = v.number(1);
      else
        e.metrics[name] = v.number(1);
    }
    return e;
  });
}

std::vector<std::filesystem::path> StudyQueries::files() const {
  if (is_postgresql()) return {connection_->files_folder / connection_->weights_name};
  return sqlite_store_files(sqlite_path_from_url(url_));
}

}  // namespace tunelab
