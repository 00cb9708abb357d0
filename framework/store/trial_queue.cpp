#include "store/trial_queue.h"

#include <fmt/format.h>

#include <cmath>

#include "common/errors.h"
#include "store/schema_migration.h"
#include "store/sql/connection.h"
#include "store/store_connection.h"
#include "store/values.h"

namespace tunelab {
using namespace store_values;
using sql::Null;
using sql::optional_number;
using sql::optional_text;

TrialQueue::TrialQueue(std::shared_ptr<StoreConnection> connection)
    : connection_(std::move(connection)), db_(connection_->db.get()), url_(connection_->url) {}

bool TrialQueue::is_postgresql() const { return connection_->is_postgresql(); }

int TrialQueue::fail_abandoned_trials(std::int64_t study_id, const std::string& reason) {
  return in_store(url_, [&] {
    return retrying([&] {
      return db_->execute(
          "UPDATE trials SET state = 'FAIL', interrupted = 1, error = ?, finished_at = ? "
          "WHERE study_id = ? AND state = 'RUNNING' AND worker IS NULL",
          {reason, utc_now(), study_id});
    });
  });
}

TrialQueue::Progress TrialQueue::progress(std::int64_t study_id) {
  return in_store(url_, [&] {
    sql::Rows q = db_->query(
        "SELECT count(*) FILTER (WHERE state IN ('COMPLETE', 'PRUNED') OR (state = 'FAIL' AND "
        "interrupted = 0)), "
        "count(*) FILTER (WHERE state IN ('RUNNING', 'WAITING')), "
        "coalesce(max(number) + 1, 0), "
        "min(number) FILTER (WHERE state IN ('RUNNING', 'WAITING')) "
        "FROM trials WHERE study_id = ?1",
        {study_id});
    q.next();
    Progress p;
    p.counted = q.integer(0);
    p.active = q.integer(1);
    p.next_number = q.integer(2);
    if (!q.is_null(3)) p.lowest_unfinished = q.integer(3);
    return p;
  });
}

std::optional<std::int64_t> TrialQueue::claim_trial(std::int64_t study_id, int number,
                                                    std::uint64_t seed, const Params& params,
                                                    const std::string& device,
                                                    const std::string& worker, int wanted,
                                                    const std::string& proposed_by,
                                                    std::optional<std::int64_t> enqueued) {
  return in_store(url_, [&] {
    return retrying([&]() -> std::optional<std::int64_t> {
      sql::Transaction tx(*db_);
      tx.lock_study(study_id);
      const Progress now = progress(study_id);
      if (now.next_number != number || now.counted + now.active >= wanted) return std::nullopt;
      if (enqueued && db_->execute("UPDATE enqueued SET trial_number = ? WHERE enqueued_id = ? "
                                   "AND trial_number IS NULL",
                                   {static_cast<std::int64_t>(number), *enqueued}) != 1)
        return std::nullopt;
      const std::int64_t trial_id =
          insert_trial(study_id, number, seed, params, device, worker, proposed_by);
      tx.commit();
      return trial_id;
    });
  });
}

void TrialQueue::enqueue(std::int64_t study_id, const Params& params) {
  in_store(url_, [&] {
    retrying([&] {
      return db_->execute(
          "INSERT INTO enqueued (study_id, params_json, enqueued_at) VALUES (?, ?, ?)",
          {study_id, nlohmann::json(params).dump(), utc_now()});
    });
  });
}

std::optional<TrialQueue::Enqueued> TrialQueue::next_enqueued(std::int64_t study_id) {
  return in_store(url_, [&]() -> std::optional<Enqueued> {
    sql::Rows q = db_->query(
        "SELECT enqueued_id, params_json FROM enqueued WHERE study_id = ? AND trial_number IS "
        "NULL ORDER BY enqueued_id LIMIT 1",
        {study_id});
    if (!q.next()) return std::nullopt;
    return Enqueued{q.int64(0), params_from(q.text(1))};
  });
}

int TrialQueue::enqueued_waiting(std::int64_t study_id) {
  return in_store(url_, [&] {
    sql::Rows q = db_->query(
        "SELECT count(*) FROM enqueued WHERE study_id = ? AND trial_number IS NULL", {study_id});
    q.next();
    return q.integer(0);
  });
}

std::optional<TrialQueue::Claimed> TrialQueue::claim_waiting_trial(std::int64_t study_id,
                                                                   const std::string& device,
                                                                   const std::string& worker) {
  return in_store(url_, [&] {
    return retrying([&]() -> std::optional<Claimed> {
      sql::Transaction tx(*db_);
      // Two workers never take the same re-queued trial: on PostgreSQL the
      // second skips the row the first has locked.
      sql::Rows q = db_->query(
          std::string("SELECT trial_id, number, seed, params_json FROM trials "
                      "WHERE study_id = ? AND state = 'WAITING' ORDER BY number LIMIT 1") +
              (is_postgresql() ? " FOR UPDATE SKIP LOCKED" : ""),
          {study_id});
      if (!q.next()) return std::nullopt;
      Claimed c;
      c.trial_id = q.int64(0);
      c.number = q.integer(1);
      c.seed = static_cast<std::uint64_t>(q.int64(2));
      c.params = params_from(q.text(3));
      const std::string now = utc_now();
      db_->execute(
          "UPDATE trials SET state = 'RUNNING', worker = ?, device = ?, started_at = ?, "
          "heartbeat_at = " +
              database_clock(db_->dialect()) + ", error = NULL, interrupted = 0 WHERE trial_id = ?",
          {worker, device, now, c.trial_id});
      tx.commit();
      return c;
    });
  });
}

void TrialQueue::heartbeat(std::int64_t trial_id) {
  in_store(url_, [&] {
    retrying([&] {
      return db_->execute("UPDATE trials SET heartbeat_at = " + database_clock(db_->dialect()) +
                              " WHERE trial_id = ? AND state = 'RUNNING'",
                          {trial_id});
    });
  });
}

std::vector<TrialQueue::Running> TrialQueue::running_trials(std::int64_t study_id) {
  return in_store(url_, [&] {
    sql::Rows q = db_->query(
        "SELECT trial_id, number, coalesce(worker, ''), coalesce(heartbeat_at, started_at), "
        "attempts, " +
            database_clock(db_->dialect()) +
            " FROM trials WHERE study_id = ? AND state = 'RUNNING' ORDER BY number",
        {study_id});
    std::vector<Running> out;
    while (q.next())
      out.push_back(Running{q.int64(0), q.integer(1), q.text(2),
                            seconds_between(q.text(3), q.text(5)), q.integer(4)});
    return out;
  });
}

bool TrialQueue::release_lost_trial(const Running& trial, bool requeue, const std::string& reason) {
  return in_store(url_, [&] {
    const sql::Params params = {reason, trial.trial_id, trial.worker, utc_now()};
    return retrying([&] {
             return db_->execute(
                 requeue ? "UPDATE trials SET state = 'WAITING', attempts = attempts + 1, "
                           "worker = NULL, error = ?1 WHERE trial_id = ?2 AND state = 'RUNNING' "
                           "AND coalesce(worker, '') = ?3"
                         : "UPDATE trials SET state = 'FAIL', error = ?1, finished_at = ?4 "
                           "WHERE trial_id = ?2 AND state = 'RUNNING' "
                           "AND coalesce(worker, '') = ?3",
                 requeue ? sql::Params(params.begin(), params.begin() + 3) : params);
           }) == 1;
  });
}

void TrialQueue::requeue_interrupted_trial(std::int64_t trial_id, const std::string& reason) {
  in_store(url_, [&] {
    retrying([&] {
      return db_->execute(
          "UPDATE trials SET state = 'WAITING', interrupted = 1, worker = NULL, error = ? "
          "WHERE trial_id = ? AND state = 'RUNNING'",
          {reason, trial_id});
    });
  });
}

std::vector<FinishedTrial> TrialQueue::finished_trials(std::int64_t study_id) {
  return in_store(url_, [&] {
    std::vector<FinishedTrial> out;
    std::map<std::int64_t, std::size_t> index;
    sql::Rows q = db_->query(
        "SELECT trial_id, number, state, params_json, value FROM trials "
        "WHERE study_id = ? AND state IN ('COMPLETE', 'PRUNED', 'FAIL') ORDER BY number",
        {study_id});
    while (q.next()) {
      FinishedTrial t;
      t.number = q.integer(1);
      t.state = state_from(q.text(2));
      t.params = params_from(q.text(3));
      t.value = q.number(4);
      index[q.int64(0)] = out.size();
      out.push_back(std::move(t));
    }
    // Each trial's objective values and epochs, in order.
    sql::Rows values = db_->query(
        "SELECT v.trial_id, v.value FROM trial_values v JOIN trials t USING (trial_id) "
        "WHERE t.study_id = ? ORDER BY v.trial_id, v.objective",
        {study_id});
    while (values.next()) {
      const auto it = index.find(values.int64(0));
      if (it != index.end()) out[it->second].values.push_back(values.number(1));
    }
    sql::Rows constraints = db_->query(
        "SELECT c.trial_id, c.value FROM trial_constraints c JOIN trials t USING (trial_id) "
        "WHERE t.study_id = ? ORDER BY c.trial_id, c.constraint_index",
        {study_id});
    while (constraints.next()) {
      const auto it = index.find(constraints.int64(0));
      if (it != index.end()) out[it->second].constraints.push_back(constraints.number(1));
    }
    sql::Rows epochs = db_->query(
        "SELECT e.trial_id, e.train_loss, e.val_loss, e.seconds FROM epochs e "
        "JOIN trials t USING (trial_id) WHERE t.study_id = ? ORDER BY e.trial_id, e.epoch",
        {study_id});
    while (epochs.next()) {
      const auto it = index.find(epochs.int64(0));
      if (it != index.end())
        out[it->second].epochs.push_back({epochs.number(1), epochs.number(2), epochs.number(3)});
    }
    return out;
  });
}

int TrialQueue::counted_trials(std::int64_t study_id) { return progress(study_id).counted; }

int TrialQueue::next_trial_number(std::int64_t study_id) { return progress(study_id).next_number; }

std::int64_t TrialQueue::start_trial(std::int64_t study_id, int number, std::uint64_t seed,
                                     const Params& params, const std::string& device) {
  return in_store(url_, [&] {
    return retrying([&] {
      sql::Transaction tx(*db_);
      const std::int64_t trial_id = insert_trial(study_id, number, seed, params, device, "", "");
      tx.commit();
      return trial_id;
    });
  });
}

std::int64_t TrialQueue::insert_trial(std::int64_t study_id, int number, std::uint64_t seed,
                                      const Params& params, const std::string& device,
                                      const std::string& worker, const std::string& proposed_by) {
  const std::string now = utc_now();
  sql::Rows q = db_->query(
      "INSERT INTO trials (study_id, number, state, seed, params_json, device, started_at, "
      "heartbeat_at, worker, proposed_by) VALUES (?, ?, 'RUNNING', ?, ?, ?, ?, " +
          database_clock(db_->dialect()) + ", ?, ?) RETURNING trial_id",
      {study_id, static_cast<std::int64_t>(number), static_cast<std::int64_t>(seed),
       nlohmann::json(params).dump(), device, now, optional_text(worker),
       optional_text(proposed_by)});
  q.next();
  const auto trial_id = q.int64(0);
  for (const auto& [name, value] : params) {
    const bool number_like = value.is_number() || value.is_boolean();
    const double real = !number_like         ? 0.0
                        : value.is_boolean() ? (value.get<bool>() ? 1.0 : 0.0)
                                             : value.get<double>();
    db_->execute(
        "INSERT INTO trial_params (trial_id, name, value_json, value_real, value_text) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (trial_id, name) DO UPDATE SET "
        "value_json = excluded.value_json, value_real = excluded.value_real, "
        "value_text = excluded.value_text",
        {trial_id, name, value.dump(), optional_number(real, number_like),
         value.is_string() ? sql::Value(value.get<std::string>()) : sql::Value(Null{})});
  }
  return trial_id;
}

void TrialQueue::finish_trial(std::int64_t trial_id, const TrialOutcome& o,
                              const std::function<void(sql::Transaction&)>& also) {
  in_store(url_, [&] { retrying([&] { write_outcome(trial_id, o, also); }); });
}

void TrialQueue::write_outcome(std::int64_t trial_id, const TrialOutcome& o,
                               const std::function<void(sql::Transaction&)>& also) {
  sql::Transaction tx(*db_);
  // Rows are pushed value by value: GCC 12 warns, wrongly, of an
  // uninitialised string in a braced list of them here.
  for (const auto& e : o.epochs) {
    sql::Params epoch;
    epoch.emplace_back(trial_id);
    epoch.emplace_back(static_cast<std::int64_t>(e.epoch));
    epoch.emplace_back(e.train_loss);
    epoch.push_back(optional_number(e.val_loss, !std::isnan(e.val_loss)));  // none: NULL
    epoch.emplace_back(e.lr);
    epoch.emplace_back(e.seconds);
    db_->execute(
        "INSERT INTO epochs (trial_id, epoch, train_loss, val_loss, lr, seconds) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (trial_id, epoch) DO UPDATE SET "
        "train_loss = excluded.train_loss, val_loss = excluded.val_loss, lr = excluded.lr, "
        "seconds = excluded.seconds",
        epoch);
  }
  const bool ran = !o.epochs.empty();
  sql::Params row;
  row.emplace_back(to_string(o.state));
  // A NaN value of a trial that ran is kept (a loss that became NaN); a
  // failed trial, and a model too large to train (infeasible), have none.
  row.push_back(optional_number(
      o.value, !std::isnan(o.value) || (o.state != TrialState::fail && o.feasible())));
  row.push_back(optional_number(o.train_loss, ran));
  row.push_back(optional_number(o.val_loss, ran && !std::isnan(o.val_loss)));
  row.push_back(optional_number(o.test_loss, ran && !std::isnan(o.test_loss)));
  row.push_back(ran && o.best_epoch > 0 ? sql::Value(static_cast<std::int64_t>(o.best_epoch))
                                        : sql::Value(Null{}));
  row.emplace_back(static_cast<std::int64_t>(o.epochs.size()));
  row.emplace_back(utc_now());
  row.emplace_back(o.duration_s);
  row.push_back(optional_text(o.error));
  const bool bounded = o.state == TrialState::complete && !o.constraints.empty();
  row.push_back(bounded ? sql::Value(static_cast<std::int64_t>(o.feasible() ? 1 : 0))
                        : sql::Value(Null{}));
  row.emplace_back(trial_id);
  db_->execute(
      "UPDATE trials SET state = ?, value = ?, train_loss = ?, val_loss = ?, test_loss = ?, "
      "best_epoch = ?, epochs_run = ?, finished_at = ?, duration_s = ?, error = ?, feasible = ? "
      "WHERE trial_id = ?",
      row);
  for (std::size_t i = 0; bounded && i < o.constraints.size(); ++i) {
    sql::Params constraint;
    constraint.emplace_back(trial_id);
    constraint.emplace_back(static_cast<std::int64_t>(i));
    constraint.push_back(optional_number(o.constraints[i], !std::isnan(o.constraints[i])));
    db_->execute(
        "INSERT INTO trial_constraints (trial_id, constraint_index, value) VALUES (?, ?, ?) ON "
        "CONFLICT (trial_id, constraint_index) DO UPDATE SET value = excluded.value",
        constraint);
  }
  for (std::size_t i = 0; i < o.values.size(); ++i) {
    sql::Params value;
    value.emplace_back(trial_id);
    value.emplace_back(static_cast<std::int64_t>(i));
    value.push_back(optional_number(o.values[i], !std::isnan(o.values[i])));
    db_->execute(
        "INSERT INTO trial_values (trial_id, objective, value) VALUES (?, ?, ?) ON CONFLICT "
        "(trial_id, objective) DO UPDATE SET value = excluded.value",
        value);
  }
  for (const auto& [name, value] : o.metrics) {
    sql::Params metric;
    metric.emplace_back(trial_id);
    metric.emplace_back(name);
    metric.push_back(optional_number(value, !std::isnan(value)));
    db_->execute(
        "INSERT INTO trial_metrics (trial_id, name, value) VALUES (?, ?, ?) ON CONFLICT "
        "(trial_id, name) DO UPDATE SET value = excluded.value",
        metric);
  }
  if (also) also(tx);
  tx.commit();
}

}  // namespace tunelab
