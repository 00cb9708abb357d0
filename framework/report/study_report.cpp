#include "report/study_report.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "common/errors.h"
#include "common/metric_catalogue.h"
#include "common/version.h"
#include "config/experiment_loader.h"
#include "config/json_to_yaml.h"
#include "model/autograd_graph.h"
#include "model/parameter_count.h"
#include "plugin/registrar.h"
#include "report/ensemble_text.h"
#include "report/figures.h"
#include "report/html_page.h"
#include "report/study_comparison.h"
#include "report/study_front.h"
#include "report/text.h"
#include "report/trial_table.h"
#include "runner/stored/confusion.h"
#include "runner/stored/stored_trial.h"
#include "runner/stored/study_importance.h"

namespace tunelab {
namespace {

std::vector<std::vector<std::string>> text_rows(const Table& table) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& row : table.rows) {
    rows.emplace_back();
    for (const auto& cell : row) rows.back().push_back(cell_text(cell));
  }
  return rows;
}

std::string param_text(const nlohmann::json& value) {
  return value.is_string() ? value.get<std::string>() : cell_text(Cell(value));
}

std::vector<TrialInfo> best_first(const std::vector<TrialInfo>& trials, Direction direction) {
  std::vector<TrialInfo> complete;
  for (const auto& t : trials)
    if (t.state == TrialState::complete && std::isfinite(t.value) && t.feasible())
      complete.push_back(t);
  std::stable_sort(complete.begin(), complete.end(), [&](const TrialInfo& a, const TrialInfo& b) {
    return better(a.value, b.value, direction);
  });
  return complete;
}

// The held-out counterpart of a validation metric, in the same units:
// val_rmse -> test_rmse, val_loss -> test_loss. Empty name: there is none.
std::pair<std::string, double> held_out_value(const std::string& metric, const TrialInfo& t) {
  const std::string name = test_counterpart(metric);
  return {name, name.empty() ? kMissing : recorded_value(t, name)};
}

bool is_loss(const std::string& metric) {
  const MetricInfo* info = metric_info(metric);
  return info && info->measure == "loss";
}

StudyHistory history_of(const StudyInfo& study, const std::vector<TrialInfo>& trials) {
  StudyHistory history{study.name, {}, study.direction(), {}};
  for (const auto& t : trials) {
    history.values.emplace_back(t.number, t.state == TrialState::complete ? t.value : kMissing);
    if (!t.feasible()) history.infeasible.insert(t.number);
  }
  return history;
}

// Builds one report: the sections for each study, and their comparison
// when there are several.
class Report {
 public:
  Report(StudyQueries& store, const Registrar& registrar, int top)
      : store_(store), registrar_(registrar), top_(top), page_("tunelab report") {}

  std::string write(const std::vector<StudyInfo>& studies) {
    std::vector<std::vector<TrialInfo>> trials;
    for (const auto& s : studies) trials.push_back(store_.trials(s.id));
    std::string names;
    for (const auto& s : studies) names += (names.empty() ? "" : ", ") + s.name;
    page_ = HtmlPage(fmt::format("tunelab report: {}", names));
    page_.heading(1, studies.size() == 1 ? "Study " + names : "Studies " + names);
    page_.paragraph(
        fmt::format("From {}; written by tunelab {} ({}).", store_.url(), kVersion, kCommit));
    if (studies.size() > 1) {
      std::string nav = "<nav>";
      for (const auto& s : studies)
        nav +=
            fmt::format("<a href=\"#{0}\">{1}</a>", html_escaped(anchor(s)), html_escaped(s.name));
      page_.raw(nav + "</nav>");
      comparison(studies, trials);
    }
    for (std::size_t i = 0; i < studies.size(); ++i)
      study(studies[i], trials[i], studies.size() > 1);
    page_.raw(fmt::format("<footer>tunelab {} &middot; {}</footer>", kVersion,
                          html_escaped(store_.url())));
    return page_.html();
  }

 private:
  static std::string anchor(const StudyInfo& s) { return "study-" + std::to_string(s.id); }

  void comparison(const std::vector<StudyInfo>& studies,
                  const std::vector<std::vector<TrialInfo>>& trials) {
    page_.heading(2, "Comparison", "comparison");
    std::vector<std::optional<EnsembleInfo>> ensembles;
    for (const auto& s : studies) ensembles.push_back(store_.ensemble(s.id));
    const Table table = comparison_table(studies, trials, ensembles);
    page_.table(table.columns, text_rows(table));
    std::vector<StudyHistory> histories;
    for (std::size_t i = 0; i < studies.size(); ++i)
      histories.push_back(history_of(studies[i], trials[i]));
    page_.figure(history_figure(histories, studies.front().metric()),
                 "Each study's trials and best value so far, by trial number.",
                 "optimisation history of every study");
  }

  void study(const StudyInfo& s, const std::vector<TrialInfo>& trials, bool several) {
    const int level = several ? 3 : 2;
    if (several) page_.heading(2, "Study " + s.name, anchor(s));
    const std::vector<TrialInfo> ranked = best_first(trials, s.direction());
    const auto infeasible = std::count_if(trials.begin(), trials.end(),
                                          [](const TrialInfo& t) { return !t.feasible(); });
    summary(s, ranked, static_cast<int>(infeasible), several ? 3 : 2);
    ensemble_section(s, level);

    page_.heading(level, "How the search converged");
    if (ranked.empty()) {
      page_.missing("No trial completed, so there is nothing to plot.");
    } else {
      page_.figure(history_figure({history_of(s, trials)}, s.metric()),
                   fmt::format("{} of every completed trial (dots) and the best so far (line), by "
                               "trial number.",
                               s.metric()),
                   "optimisation history");
    }

    if (s.objectives.size() > 1) front_section(s, trials, level);

    page_.heading(level, "Which parameters mattered");
    const StudyImportance importance = study_importance(s, trials);
    if (importance.params.empty()) {
      page_.missing("No parameter importance: " + importance.note + ".");
    } else {
      std::vector<std::pair<std::string, double>> bars;
      for (const ParamImportance& p : importance.params) bars.emplace_back(p.path, p.importance);
      page_.figure(
          importance_figure(bars),
          fmt::format("fANOVA importance over {} complete trials: the share of the "
                      "variance of {} each parameter explains on its own.{}",
                      importance.trials, s.metric(),
                      importance.caveat.empty() ? "" : " Caveat: " + importance.caveat + "."),
          "parameter importance");
    }
    SearchSpace space;
    try {
      space = interpret_experiment(s.document).search.space;
    } catch (const Error&) {
    }
    if (!space.empty() && ranked.size() >= 2) {
      std::vector<TrialParams> lines;
      for (const auto& t : ranked) lines.push_back({t.number, t.params, t.value});
      page_.figure(
          parallel_figure(space, lines, s.metric(), s.direction()),
          fmt::format("Parallel coordinates: each complete trial is a line through its "
                      "parameter values, coloured by its rank by {} (green is best; the best are "
                      "drawn on top).",
                      s.metric()),
          "parallel coordinates of params and metric");
    }

    const bool trains = !s.config.contains("objective");
    if (trains) page_.heading(level, "Learning curves of the best trials");
    if (!trains) {
      // An objective experiment has no epochs to draw.
    } else if (ranked.empty()) {
      page_.missing("No trial completed.");
    } else {
      std::vector<LearningCurve> curves;
      for (std::size_t i = 0; i < ranked.size() && i < 5; ++i) {
        LearningCurve curve{fmt::format("trial {} ({:.4g})", ranked[i].number, ranked[i].value),
                            {},
                            {},
                            ranked[i].best_epoch.value_or(0)};
        for (const auto& e : store_.epochs(ranked[i].id)) {
          curve.train.push_back(e.train_loss);
          curve.val.push_back(e.val_loss);
        }
        curves.push_back(curve);
      }
      page_.figure(
          curves_figure(curves),
          "Per-epoch losses of the best trials; the dot marks the epoch whose weights were "
          "kept.",
          "learning curves of the best trials");
    }

    page_.heading(level,
                  fmt::format("The {} best trials", std::min<std::size_t>(top_, ranked.size())));
    top_trials(s, trials, ranked);

    if (!ranked.empty() && trains) model_section(s, ranked.front(), level);
    if (!ranked.empty() && trains) confusion_section(s, ranked.front(), level);

    page_.heading(level, "Configuration and provenance");
    page_.preformatted(json_to_yaml(s.config), "resolved configuration (defaults filled in)");
    provenance(s);
  }

  // `ranked`: the complete, feasible trials, best first; `infeasible`: the
  // complete trials that broke search.constraints.
  void summary(const StudyInfo& s, const std::vector<TrialInfo>& ranked, int infeasible,
               int level) {
    const std::string counts = fmt::format(
        "{} trials ({} complete{}, {} pruned, {} failed) in {} of wall time", s.trials(),
        s.complete, infeasible > 0 ? fmt::format(", {} of them infeasible", infeasible) : "",
        s.pruned, s.failed,
        (s.wall_seconds < 60 ? fmt::format("{:.1f} s", s.wall_seconds)
                             : clock_text(s.wall_seconds)));
    if (ranked.empty()) {
      page_.raw("<p class=\"lead\">" + html_escaped("No trial completed: " + counts + ".") +
                "</p>");
      return;
    }
    const TrialInfo& best = ranked.front();
    std::string headline;
    if (s.objectives.size() > 1) {
      // Several objectives: no trial won; the front is the result.
      std::string labels;
      for (std::size_t k = 0; k < s.objectives.size(); ++k)
        labels += (k == 0                         ? ""
                   : k + 1 == s.objectives.size() ? " and "
                                                  : ", ") +
                  objective_label(s.objectives[k]);
      headline = fmt::format("{} trials on the Pareto front of {}, after {}.",
                             pareto_trials(s, ranked).size(), labels, counts);
    } else {
      // The held-out figure in the metric's own units, never a loss beside a
      // metric in the target's units.
      const auto [test_name, test_value] = held_out_value(s.metric(), best);
      headline = fmt::format(
          "Trial {} won with {} {}{}, after {}.", best.number, s.metric(), shown(best.value),
          std::isfinite(test_value) ? fmt::format(" ({} {})", test_name, shown(test_value)) : "",
          counts);
    }
    page_.raw("<p class=\"lead\">" + html_escaped(headline) + "</p>");
    page_.heading(level + (level == 2 ? 1 : 0),
                  s.objectives.size() > 1
                      ? fmt::format("The front's best trial by {}", s.objectives.front().metric)
                      : "The winning configuration");
    std::vector<std::vector<std::string>> rows;
    for (const auto& [path, value] : best.params) rows.push_back({path, param_text(value)});
    rows.push_back({"seed", std::to_string(best.seed)});
    rows.push_back({"kept epoch", best.best_epoch
                                      ? fmt::format("{} of {}", *best.best_epoch, best.epochs_run)
                                      : "-"});
    rows.push_back(
        {"train / val / test loss", fmt::format("{} / {} / {}", shown(best.train_loss),
                                                shown(best.val_loss), shown(best.test_loss))});
    // The task's metrics, in the target's units: "val / test" per metric.
    for (const auto& [name, value] : best.metrics) {
      if (name.rfind("val_", 0) != 0) continue;
      const auto test = best.metrics.find("test_" + name.substr(4));
      rows.push_back({name.substr(4) + " (val / test)",
                      fmt::format("{} / {}", shown(value),
                                  shown(test == best.metrics.end() ? kMissing : test->second))});
    }
    page_.table({"param", "value"}, rows);
  }

  // The study's ensemble, if it has one: its members and, metric by metric,
  // its figures beside the best single trial's on the same rows.
  void ensemble_section(const StudyInfo& s, int level) {
    const auto e = store_.ensemble(s.id);
    if (!e) return;
    page_.heading(level + (level == 2 ? 1 : 0), "The ensemble of trials");
    page_.paragraph(fmt::format(
        "{} ({}); tunelab predict {} --ensemble uses it.", ensemble_lines(*e).front(),
        e->method == "greedy"
            ? fmt::format("greedy selection with replacement by {} on the validation rows",
                          e->selected_by)
            : std::string("the study's best trials, equally weighted"),
        shell_word(s.name)));
    std::vector<std::vector<std::string>> rows;
    for (const auto& [name, value] : e->metrics) {
      const auto best = e->best_trial_metrics.find(name);
      rows.push_back({name, shown(value),
                      shown(best == e->best_trial_metrics.end() ? kMissing : best->second)});
    }
    page_.table({"metric", "ensemble", fmt::format("best trial ({})", e->best_trial)}, rows);
  }

  // For a classifier: how the best trial's predictions on the held-out rows
  // fall, class by class. A model or data set that cannot be had leaves a
  // note.
  void confusion_section(const StudyInfo& s, const TrialInfo& best, int level) {
    bool classifier = false;
    for (const auto& [name, value] : best.metrics) classifier |= name == "val_accuracy";
    for (const auto& [name, value] : best.metrics) classifier |= name == "test_accuracy";
    if (!classifier) return;
    page_.heading(level, fmt::format("How the best trial classifies (trial {})", best.number));
    try {
      const ConfusionMatrix m = confusion_matrix(store_, s, best, registrar_);
      page_.raw("<p>" +
                html_escaped(fmt::format("Counts of the {} rows by actual class (rows) and the "
                                         "class the model gave them (columns), each shaded by "
                                         "its share of the actual class.",
                                         m.rows)) +
                "</p>");
      page_.count_matrix("actual \\ predicted", m.classes, m.counts);
    } catch (const std::exception& e) {
      page_.missing(fmt::format("The predictions could not be made: {}{}", e.what(), unloaded(s)));
    }
  }

  void top_trials(const StudyInfo& s, const std::vector<TrialInfo>& trials,
                  const std::vector<TrialInfo>& ranked) {
    if (ranked.empty()) {
      page_.missing("No trial completed.");
      return;
    }
    const std::vector<std::string> paths = param_paths(trials);
    // The metric, then its held-out counterpart. Losses stand beside it only
    // when it is a loss itself: a metric in the target's units (dollars) is
    // never put beside losses in standardised units.
    std::vector<std::pair<std::string, double TrialInfo::*>> losses;
    if (is_loss(s.metric()))
      losses = {{"train_loss", &TrialInfo::train_loss},
                {"val_loss", &TrialInfo::val_loss},
                {"test_loss", &TrialInfo::test_loss}};
    const std::string test_name = is_loss(s.metric()) ? "" : test_counterpart(s.metric());
    std::vector<std::string> columns = {"trial", s.metric()};
    if (!test_name.empty()) columns.push_back(test_name);
    for (const auto& [name, member] : losses)
      if (name != s.metric()) columns.push_back(name);
    columns.insert(columns.end(), {"epoch", "seconds"});
    for (const auto& name : short_names(paths)) columns.push_back(name);
    std::vector<std::vector<std::string>> rows;
    std::vector<bool> marked;
    for (std::size_t i = 0; i < ranked.size() && i < static_cast<std::size_t>(top_); ++i) {
      const TrialInfo& t = ranked[i];
      std::vector<std::string> row = {std::to_string(t.number), shown(t.value)};
      if (!test_name.empty()) row.push_back(shown(held_out_value(s.metric(), t).second));
      for (const auto& [name, member] : losses)
        if (name != s.metric()) row.push_back(shown(t.*member));
      row.insert(row.end(),
                 {t.best_epoch ? std::to_string(*t.best_epoch) : "-", shown(t.duration_s)});
      for (const auto& path : paths) {
        const auto it = t.params.find(path);
        row.push_back(it == t.params.end() ? "" : param_text(it->second));
      }
      rows.push_back(row);
      marked.push_back(i == 0);
    }
    page_.table(columns, rows, marked);
  }

  // A study of several objectives: its Pareto front drawn (the first two
  // objectives against each other; parallel coordinates of them all for
  // more) and listed.
  void front_section(const StudyInfo& s, const std::vector<TrialInfo>& trials, int level) {
    page_.heading(level, "The trade-off: the Pareto front");
    const std::vector<const TrialInfo*> front = pareto_trials(s, trials);
    std::vector<int> numbers;
    for (const TrialInfo* t : front) numbers.push_back(t->number);
    if (front.empty()) {
      page_.missing("No trial completed, so there is no front.");
      return;
    }
    const auto& o = s.objectives;
    std::vector<std::tuple<int, double, double>> points;
    for (const auto& t : trials) {
      const std::vector<double> v = objective_values(t);
      if (t.state == TrialState::complete && v.size() == o.size())
        points.emplace_back(t.number, v[0], v[1]);
    }
    if (o.size() == 2) {
      page_.figure(front_figure(points, numbers, {o[0].metric, o[0].direction},
                                {o[1].metric, o[1].direction}),
                   fmt::format("Every complete trial by {} and {}; red, the Pareto front: the "
                               "trials no other beats on both, labelled by number.",
                               o[0].metric, o[1].metric),
                   "Pareto front of two objectives");
    } else {
      // One axis per objective, each trial a line: green, the front.
      SearchSpace axes;
      std::vector<TrialParams> lines;
      for (std::size_t k = 0; k < o.size(); ++k) {
        Dimension d;
        d.path = o[k].metric;
        d.low = std::numeric_limits<double>::infinity();
        d.high = -d.low;
        axes.dimensions.push_back(d);
      }
      for (const auto& t : trials) {
        const std::vector<double> v = objective_values(t);
        if (t.state != TrialState::complete || v.size() != o.size()) continue;
        TrialParams line{t.number, {}, 0};
        for (std::size_t k = 0; k < o.size(); ++k) {
          line.params[o[k].metric] = v[k];
          axes.dimensions[k].low = std::min(axes.dimensions[k].low, v[k]);
          axes.dimensions[k].high = std::max(axes.dimensions[k].high, v[k]);
        }
        line.value = std::find(front.begin(), front.end(), &t) != front.end() ? 0 : 1;
        lines.push_back(line);
      }
      std::stable_sort(lines.begin(), lines.end(), [](const TrialParams& a, const TrialParams& b) {
        return a.value < b.value;
      });
      page_.figure(parallel_figure(axes, lines, "on the front (0) or not (1)"),
                   "Each complete trial a line through its objectives' values; green, the "
                   "Pareto front.",
                   "Pareto front of several objectives");
    }
    std::vector<std::string> columns = {"trial"};
    for (const auto& objective : o) columns.push_back(objective_label(objective));
    const std::vector<std::string> paths = param_paths(trials);
    for (const auto& name : short_names(paths)) columns.push_back(name);
    std::vector<std::vector<std::string>> rows;
    for (const TrialInfo* t : front) {
      std::vector<std::string> row = {std::to_string(t->number)};
      for (double v : objective_values(*t)) row.push_back(shown(v));
      for (const auto& path : paths) {
        const auto it = t->params.find(path);
        row.push_back(it == t->params.end() ? "" : param_text(it->second));
      }
      rows.push_back(row);
    }
    page_.paragraph(
        fmt::format("{} trials on the front, best first by {}:", front.size(), o[0].metric));
    page_.table(columns, rows);
  }

  // The best trial's network: its module tree and the autograd graph of one
  // forward pass. A model that cannot be rebuilt (a plugin gone missing)
  // leaves a note, not a failed report.
  void model_section(const StudyInfo& s, const TrialInfo& best, int level) {
    page_.heading(level, fmt::format("The best trial's model (trial {})", best.number));
    try {
      const StoredTrialModel stored =
          rebuild_stored_trial(store_, s, best, registrar_, Rebuild::architecture);
      torch::nn::Sequential model = stored.model;
      page_.figure(render_dot(autograd_graph_dot(model, stored.inputs), "svg"),
                   fmt::format("Autograd graph of one forward pass ({} parameters): grey boxes "
                               "are backward operations, blue ones the parameters.",
                               parameter_count(*model)),
                   "autograd graph of the best model");
      std::ostringstream tree;
      tree << *model;
      page_.preformatted(tree.str(), "module tree");
    } catch (const std::exception& e) {
      page_.missing(fmt::format("The model could not be rebuilt: {}{}", e.what(), unloaded(s)));
    }
  }

  // Why a view that needs the study's plugins is left out: a report loads
  // no library that only the store names, so those the user did not name
  // (--plugin) are not there.
  std::string unloaded(const StudyInfo& s) {
    const auto runs = store_.provenance(s.id);
    if (runs.empty()) return "";
    std::string names;
    for (const auto& recorded : runs.back().plugins) {
      const bool loaded =
          std::any_of(registrar_.plugins.begin(), registrar_.plugins.end(),
                      [&](const LoadedPlugin& p) { return p.name == recorded.name; });
      if (!loaded)
        names +=
            fmt::format("{}'{}' ({})", names.empty() ? "" : ", ", recorded.name, recorded.path);
    }
    if (names.empty()) return "";
    return fmt::format(
        ". The study ran with plugin {}, which a report does not load unless named with --plugin",
        names);
  }

  void provenance(const StudyInfo& s) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& p : store_.provenance(s.id)) {
      std::string plugins;
      for (const auto& plugin : p.plugins)
        plugins += (plugins.empty() ? "" : ", ") + plugin.name + " " + plugin.version;
      rows.push_back({p.recorded_at, p.tunelab_version + " (" + p.tunelab_commit + ")",
                      p.libtorch_version, p.device, p.host, std::to_string(p.threads),
                      plugins.empty() ? "-" : plugins});
    }
    page_.table({"run at", "tunelab", "LibTorch", "device", "host", "threads", "plugins"}, rows);
  }

  StudyQueries& store_;
  const Registrar& registrar_;
  int top_;
  HtmlPage page_;
};

}  // namespace

std::string study_report(StudyQueries& store, const Registrar& registrar,
                         const std::vector<StudyInfo>& studies, int top) {
  return Report(store, registrar, top).write(studies);
}

}  // namespace tunelab
