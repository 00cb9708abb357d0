#include "config/experiment_draft.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "common/errors.h"
#include "data/column_cells.h"
#include "data/task.h"

namespace tunelab {
namespace {

// Skewness of a stream of numbers, by the one-pass updates of the central
// moments (Pébay 2008), which stay exact where the mean is far from 0.
class Skewness {
 public:
  void add(double x) {
    const double before = n_++, delta = x - mean_, share = delta / n_;
    const double term = delta * share * before;
    mean_ += share;
    m3_ += term * share * (n_ - 2) - 3 * share * m2_;
    m2_ += term;
  }
  // 0 for fewer than 3 numbers or a constant.
  double value() const { return n_ < 3 || m2_ <= 0 ? 0 : std::sqrt(n_) * m3_ / std::pow(m2_, 1.5); }

 private:
  double n_ = 0, mean_ = 0, m2_ = 0, m3_ = 0;
};

// How one column reads: what a run would make of it.
struct ColumnSurvey {
  std::string name;
  std::size_t missing = 0;
  bool numeric = true;  // every present cell a finite number
  bool whole = true;    // ... and a whole one
  double low = std::numeric_limits<double>::infinity(), high = -low;  // of the numbers
  Skewness skew, log_skew;       // of the numbers, and of the logs of those above 0
  std::set<std::string> values;  // distinct present cells, up to kManyValues + 1
  bool all_distinct = true;      // no present cell twice
  bool counts_up = true;         // 1, 2, 3, ... down the file, every cell present
  double last = 0;               // the last number, for counts_up
  // Every present cell a number, some written with ',' between thousands
  // ("9,358"), which a run reads as a word.
  bool thousands = true, has_thousands = false;
  std::size_t count = 0;  // cells, present or missing
  std::size_t present() const { return count - missing; }
  bool identifier() const { return !numeric && all_distinct && values.size() >= 10; }
};

// "9,358", "-1,204,000.5": digits in groups of three after the first.
bool thousands_separated(std::string_view cell) {
  if (!cell.empty() && cell.front() == '-') cell.remove_prefix(1);
  const std::size_t point = cell.find('.');
  const std::string_view whole = cell.substr(0, point);
  if (point != std::string_view::npos) {
    const std::string_view fraction = cell.substr(point + 1);
    if (fraction.empty() ||
        !std::all_of(fraction.begin(), fraction.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return false;
  }
  const std::size_t first = whole.find(',');
  if (first == std::string_view::npos || first == 0 || first > 3) return false;
  for (std::size_t i = 0; i < whole.size(); ++i) {
    const bool comma_place = i >= first && (i - first) % 4 == 0;
    if (comma_place ? whole[i] != ',' : (whole[i] < '0' || whole[i] > '9')) return false;
  }
  return (whole.size() - first) % 4 == 0;
}

// Past this many distinct values a column's count is "many": the survey
// keeps no more of them.
constexpr std::size_t kManyValues = 1000;

// The column as a run reads it (data/column_cells.h): the same trimming,
// missing markers and numbers.
ColumnSurvey survey(const CsvTable& table, std::size_t column) {
  const ColumnCells cells(table, column, na_set({}));
  ColumnSurvey s;
  s.name = cells.name();
  // Views into the table's own cells: whether any repeats, at no copy.
  std::unordered_set<std::string_view> seen;
  s.count = cells.rows();
  for (std::size_t i = 0; i < cells.rows(); ++i) {
    if (cells.missing(i)) {
      ++s.missing;
      s.counts_up = false;
      continue;
    }
    if (const auto v = cells.number(i)) {
      s.counts_up = s.counts_up && *v == (i == 0 ? 1 : s.last + 1);
      s.last = *v;
      s.whole = s.whole && *v == std::floor(*v);
      s.low = std::min(s.low, *v);
      s.high = std::max(s.high, *v);
      s.skew.add(*v);
      if (*v > 0) s.log_skew.add(std::log(*v));
    } else {
      s.numeric = s.counts_up = false;
      const bool separated = thousands_separated(cells.text(i));
      s.thousands = s.thousands && separated;
      s.has_thousands = s.has_thousands || separated;
    }
    const std::string_view cell = cells.text(i);
    if (s.all_distinct) s.all_distinct = seen.insert(cell).second;
    if (s.values.size() <= kManyValues) s.values.emplace(cell);
  }
  return s;
}

// A YAML scalar for any column name: JSON's quoting is YAML's.
std::string quoted(const std::string& text) { return nlohmann::json(text).dump(); }

std::string levels_text(const ColumnSurvey& s) {
  return s.values.size() > kManyValues ? fmt::format("more than {} levels", kManyValues)
                                       : fmt::format("{} levels", s.values.size());
}

// What a user may want to change about a column that init reads as the
// file says: nothing for most.
std::string column_hint(const ColumnSurvey& c) {
  if (c.numeric && c.counts_up && c.count >= 10)
    return " (1, 2, 3, ... down the file: a row number? if so, list it in args.ignore)";
  if (c.identifier() || c.numeric) return "";
  if (c.thousands && c.has_thousands)
    return " (numbers with ',' between thousands: saved without the commas they read as numbers)";
  if (c.values.size() >= 10 && 2 * c.values.size() > c.present())
    return " (a level for every two rows or fewer: one-hot, each says little; args.ignore may be "
           "better)";
  return "";
}

// The search space and budget for a table of `rows` rows: Gorishniy et al.
// 2021's ResNet space (learning rate, weight decay, width, depth, dropout),
// narrowed to what a table of that size supports.
struct Sizing {
  const char* size;
  int width_low, width_high;  // powers of 2
  int depth_high;
  int batch_low, batch_high;  // powers of 2
  int folds, trials;
};

Sizing sizing_for(std::size_t rows) {
  if (rows < 2000) return {"small", 4, 7, 4, 4, 6, 5, 40};
  if (rows < 20000) return {"medium", 5, 8, 6, 6, 8, 1, 30};
  return {"large", 6, 9, 8, 8, 10, 1, 20};
}

}  // namespace

std::string draft_experiment(const CsvTable& table, const DraftRequest& request) {
  if (table.header.empty() || table.rows() == 0)
    throw DataError(
        fmt::format("{}: no rows under the header: nothing to learn from", table.path.string()));
  const std::string target_name = request.target.empty() ? table.header.back() : request.target;
  const std::size_t target_column = table.column(target_name, "--target");
  const ColumnSurvey target = survey(table, target_column);
  const std::size_t rows = table.rows() - target.missing;
  if (rows == 0)
    throw DataError(
        fmt::format("{}: every row's target ('{}') is missing", table.path.string(), target_name));

  std::vector<ColumnSurvey> columns;
  for (std::size_t j = 0; j < table.header.size(); ++j)
    if (j != target_column) columns.push_back(survey(table, j));

  // The task, from the target's cells.
  std::string task, task_comment;
  if (!target.numeric) {
    task = "classification";
    task_comment = target.values.size() > kManyValues
                       ? fmt::format("the target '{}' holds words: more than {} classes",
                                     target_name, kManyValues)
                       : fmt::format("the target '{}' holds words: {} classes", target_name,
                                     target.values.size());
  } else if (target.values.size() == 2) {
    task = "classification";
    task_comment = fmt::format(
        "the target '{}' holds two values ({}): classes (task: "
        "regression to predict it as a number)",
        target_name, fmt::join(target.values, ", "));
  } else {
    task = "regression";
    task_comment = target.whole && target.values.size() <= kFewWholeValues
                       ? fmt::format(
                             "the target '{}' holds {} whole numbers: a regression "
                             "(task: classification to make them classes)",
                             target_name, target.values.size())
                       : fmt::format("the target '{}' holds numbers", target_name);
  }
  const bool regression = task == "regression";
  const Sizing size = sizing_for(rows);

  std::string out;
  const auto line = [&out](const std::string& text) { out += text + "\n"; };
  line(fmt::format("# Written by `{}`: a starting point, to edit.", request.command));
  line(fmt::format("# {}: {} rows, {} columns. Task: {}.", table.path.filename().string(),
                   table.rows(), table.header.size(), task_comment));
  line(fmt::format("name: {}", quoted(request.name)));
  line("seed: 1");
  line(fmt::format("task: {}", task));
  line("data:");
  line("  dataset: csv");
  line("  args:");
  line(
      fmt::format("    path: {}   # relative to this file", quoted(request.path_in_file.string())));
  line(fmt::format("    target: {}", quoted(target_name)));
  std::vector<std::string> ignored;
  for (const auto& c : columns)
    if (c.identifier()) ignored.push_back(quoted(c.name));
  if (!ignored.empty())
    line(fmt::format("    ignore: [{}]   # every value distinct text: an identifier",
                     fmt::join(ignored, ", ")));
  line("  # How each column will be read (tunelab validate --columns shows the encoding):");
  for (const auto& c : columns) {
    std::string how = c.identifier() ? "ignored: an identifier"
                      : c.numeric    ? "number"
                                     : "category, " + levels_text(c);
    if (c.missing) how += fmt::format(", {} missing", c.missing);
    how += column_hint(c);
    line(fmt::format("  #   {:<24} {}", c.name, how));
  }
  if (target.missing)
    line(fmt::format("  missing_target: drop   # {} rows have no target", target.missing));
  if (size.folds > 1) {
    line("  split: {train: 0.6, val: 0.2, test: 0.2}");
    line(
        fmt::format("  folds: {}   # under 2,000 rows one validation split is easy to "
                    "overfit: each trial trains {} times",
                    size.folds, size.folds));
  } else {
    line("  split: {train: 0.6, val: 0.2, test: 0.2}");
  }
  line(fmt::format("  standardize: {{x: true, y: {}}}", regression ? "true" : "false"));
  // Prices, counts: a positive target spanning a decade or more and skewed
  // to the right (skewness 1 or more) trains better on its log, where the
  // log is the more symmetric (bench/tabular.py: diamonds' test RMSE 656 ->
  // 631; diabetes, skewness 0.44, loses 4% on its log).
  const double skew = target.skew.value(), log_skew = target.log_skew.value();
  if (regression && target.low > 0 && target.high >= 10 * target.low && skew >= 1 &&
      std::abs(log_skew) < skew)
    line(
        fmt::format("  target_transform: log   # '{}' runs from {:g} to {:g}, skewed (skewness "
                    "{:.2g}, of its log {:.2g}): trained on its log, reported in its units",
                    target_name, target.low, target.high, skew, log_skew));
  line("model:");
  line("  name: resnet");
  line("  block: ResNetBlock");
  line("  act_fn: relu");
  line("  groups: 1");
  line("  num_blocks: 2");
  line(fmt::format("  c_hidden: {}", 1 << (size.width_low + 2)));
  // bench/tabular.py --init, ten splits (docs/performance.md): on the small
  // tables, whose targets a linear model already fits well, it brought
  // diabetes and wine level with the linear model; on diamonds (4,000
  // learning rows, a log target) the studies with it were worse.
  if (size.folds > 1)
    line(
        "  linear_skip: true   # a linear path beside the network: it learns what a linear "
        "model misses");
  line("trainer:");
  line("  optimizer: adamw");
  line("  lr: 1.0e-3");
  line("  weight_decay: 1.0e-5");
  line(fmt::format("  batch_size: {}", 1 << size.batch_low));
  line("  epochs: 200");
  line("  early_stopping: {patience: 16}");
  line("search:");
  line("  metric: val_loss");
  line(fmt::format("  trials: {}", size.trials));
  line("  sampler: {name: tpe}");
  line("  # After the trials, an ensemble of them: tunelab predict --ensemble uses it.");
  // bench/tabular.py --init, ten splits (docs/performance.md): on the small
  // tables the ten best trials, equally weighted, were as good as the greedy
  // selection or better (diabetes 54.09 -> 53.96, wine 8 mistakes in 360 ->
  // 7, breast_cancer 31 in 1,140 for both): the greedy one fits its weights
  // to a few hundred validation rows.
  if (size.folds > 1)
    line(
        "  ensemble: {size: 10, method: top}   # the 10 best trials, equally weighted: on few rows "
        "the greedy selection fits their noise");
  else
    line(
        "  ensemble: {size: 10}   # Caruana et al. 2004's greedy selection on the validation "
        "rows");
  line(
      fmt::format("  # Gorishniy et al. 2021's ResNet space (\"Revisiting Deep Learning Models "
                  "for Tabular Data\"),"));
  line(fmt::format("  # narrowed for a {} table ({} rows).", size.size, rows));
  line("  space:");
  line("    trainer.lr:           {type: float, low: 1.0e-4, high: 1.0e-2, log: true}");
  line("    trainer.weight_decay: {type: float, low: 1.0e-6, high: 1.0e-3, log: true}");
  line(fmt::format("    model.c_hidden:       {{type: int, low: {}, high: {}, transform: pow2}}",
                   size.width_low, size.width_high));
  line(fmt::format("    model.num_blocks:     {{type: int, low: 1, high: {}}}", size.depth_high));
  line("    model.dropout:        {type: float, low: 0.0, high: 0.5}");
  line(fmt::format("    trainer.batch_size:   {{type: int, low: {}, high: {}, transform: pow2}}",
                   size.batch_low, size.batch_high));
  return out;
}

}  // namespace tunelab
