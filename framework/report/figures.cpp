#include "report/figures.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "report/gnuplot.h"

namespace tunelab {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Losses of diverging trials span decades; a log axis keeps the good ones
// apart.
bool wants_log_scale(const std::vector<double>& values, double spread = 50) {
  double low = std::numeric_limits<double>::infinity(), high = 0;
  for (double v : values) {
    if (!std::isfinite(v)) continue;
    if (v <= 0) return false;
    low = std::min(low, v);
    high = std::max(high, v);
  }
  return high > 0 && high / low > spread;
}

// The top of a value axis that shows the useful range: when a few values
// (diverged trials, first epochs) lie far above the rest, the axis ends a
// little above the 90th percentile and those values are drawn at its top
// edge, as Optuna's plots clip such values. NaN: no clipping needed.
double clipped_top(std::vector<double> values) {
  values.erase(
      std::remove_if(values.begin(), values.end(), [](double v) { return !std::isfinite(v); }),
      values.end());
  if (values.size() < 5) return kNaN;
  std::sort(values.begin(), values.end());
  const double low = values.front(), high = values.back();
  const double q90 = values[(values.size() - 1) * 9 / 10];
  const double span = q90 - low;
  if (!(span > 0) || high - low <= 3 * span) return kNaN;
  return q90 + 0.5 * span;
}

// A small note in the plot's top right corner.
std::string corner_note(const std::string& text) {
  return fmt::format("set label {} at graph 0.99, graph 0.97 right font ',9'",
                     gnuplot_quoted(text));
}

std::string tic_list(const std::vector<std::pair<std::string, double>>& tics) {
  std::string text;
  for (const auto& [label, at] : tics)
    text += fmt::format("{}{} {}", text.empty() ? "" : ", ", gnuplot_quoted(label), at);
  return "(" + text + ")";
}

std::string short_label(const std::string& path) {
  const auto dot = path.rfind('.');
  return dot == std::string::npos ? path : path.substr(dot + 1);
}

// A parallel-coordinates axis: where each trial lies on it, its range and
// its labelled tics.
struct Axis {
  std::string label;
  std::vector<double> at;
  double low = 0, high = 1;
  std::vector<std::pair<std::string, double>> tics;
};

std::string value_text(const nlohmann::json& v) {
  return v.is_string() ? v.get<std::string>() : v.dump();
}

// Decade tics for a log10 axis from `low` to `high` (in log10 units).
std::vector<std::pair<std::string, double>> decade_tics(double low, double high) {
  std::vector<std::pair<std::string, double>> tics;
  for (double k = std::ceil(low - 1e-9); k <= high + 1e-9; ++k)
    tics.emplace_back(fmt::format("{:g}", std::pow(10.0, k)), k);
  if (tics.size() < 2) {
    tics.emplace_back(fmt::format("{:.3g}", std::pow(10.0, low)), low);
    tics.emplace_back(fmt::format("{:.3g}", std::pow(10.0, high)), high);
  }
  return tics;
}

// `count` tics evenly from `low` to `high` (gnuplot's own tics on a parallel
// axis cover only the data's extent).
std::vector<std::pair<std::string, double>> even_tics(double low, double high, int count) {
  std::vector<std::pair<std::string, double>> tics;
  for (int i = 0; i < count; ++i) {
    const double at = count == 1 ? low : low + (high - low) * i / (count - 1);
    tics.emplace_back(fmt::format("{:.3g}", at), at);
  }
  return tics;
}

Axis dimension_axis(const Dimension& d, const std::vector<TrialParams>& trials) {
  Axis axis;
  axis.label = short_label(d.path);
  const auto number = [&](const TrialParams& t) {
    const auto it = t.params.find(d.path);
    return it != t.params.end() && it->second.is_number() ? it->second.get<double>() : kNaN;
  };
  if (d.kind == Dimension::Kind::categorical) {
    axis.low = -0.5;
    axis.high = static_cast<double>(d.choices.size()) - 0.5;
    for (std::size_t i = 0; i < d.choices.size(); ++i)
      axis.tics.emplace_back(value_text(d.choices[i]), static_cast<double>(i));
    for (const auto& t : trials) {
      const auto it = t.params.find(d.path);
      double at = kNaN;
      for (std::size_t i = 0; it != t.params.end() && i < d.choices.size(); ++i)
        if (d.choices[i] == it->second) at = static_cast<double>(i);
      // Spread the lines within a choice so that many trials on one choice
      // show as a band, not one line (deterministic: by trial number).
      const double spread = std::fmod(t.number * 0.6180339887, 1.0) - 0.5;
      axis.at.push_back(at + 0.3 * spread);
    }
  } else if (d.kind == Dimension::Kind::integer && d.transform == "pow2") {
    axis.low = d.low;
    axis.high = d.high;
    for (double k = d.low; k <= d.high; ++k)
      axis.tics.emplace_back(fmt::format("{:g}", std::ldexp(1.0, static_cast<int>(k))), k);
    for (const auto& t : trials) axis.at.push_back(std::log2(number(t)));
  } else if (d.log) {
    axis.low = std::log10(d.low);
    axis.high = std::log10(d.high);
    axis.tics = decade_tics(axis.low, axis.high);
    for (const auto& t : trials) axis.at.push_back(std::log10(number(t)));
  } else {
    axis.low = d.low;
    axis.high = d.high;
    axis.tics = even_tics(d.low, d.high,
                          d.kind == Dimension::Kind::integer && d.high - d.low < 4
                              ? static_cast<int>(d.high - d.low) + 1
                              : 3);
    // An integer takes whole values: its tics too (3.5 is no batch count).
    if (d.kind == Dimension::Kind::integer)
      for (auto& [label, at] : axis.tics) {
        at = std::round(at);
        label = fmt::format("{:g}", at);
      }
    for (const auto& t : trials) axis.at.push_back(number(t));
  }
  return axis;
}

}  // namespace

std::string history_figure(const std::vector<StudyHistory>& studies, const std::string& metric) {
  GnuplotFigure figure(900, 420);
  std::vector<double> all;
  for (const auto& study : studies)
    for (const auto& [number, value] : study.values) all.push_back(value);
  // Outliers are clipped above; a maximised metric's outliers are below.
  bool minimizing = true;
  for (const auto& study : studies) minimizing &= study.direction == Direction::minimize;
  const double top = minimizing ? clipped_top(all) : kNaN;
  std::string plot;
  bool any_above = false;
  for (std::size_t s = 0; s < studies.size(); ++s) {
    // Columns: trial, value (at most `top`), best so far, value above the
    // axis, an infeasible trial's value.
    std::vector<std::vector<double>> rows;
    double best = kNaN;
    bool any_infeasible = false;
    for (const auto& [number, value] : studies[s].values) {
      const bool infeasible = studies[s].infeasible.count(number) > 0;
      any_infeasible |= infeasible && std::isfinite(value);
      if (!infeasible && std::isfinite(value) &&
          (std::isnan(best) || better(value, best, studies[s].direction)))
        best = value;
      const bool above = !std::isnan(top) && value > top;
      any_above |= above;
      rows.push_back({static_cast<double>(number), above || infeasible ? kNaN : value, best,
                      above ? top : kNaN, infeasible && !above ? value : kNaN});
    }
    figure.data(fmt::format("study{}", s), rows);
    const std::string colour = series_colour(s);
    const bool one = studies.size() == 1;
    plot += fmt::format(
        "{}$study{} using 1:2 with points pt 7 ps 0.6 lc rgb '{}' title {}, "
        "$study{} using 1:3 with steps lw 2.5 lc rgb '{}' title {}, "
        "$study{} using 1:4 with points pt 9 ps 0.9 lc rgb '{}' notitle",
        plot.empty() ? "" : ", ", s, colour,
        gnuplot_quoted(one ? "trial" : studies[s].name + ": trials"), s, one ? "#d62728" : colour,
        gnuplot_quoted(one ? "best so far" : studies[s].name + ": best"), s, colour);
    if (any_infeasible)
      plot += fmt::format(", $study{} using 1:5 with points pt 6 ps 0.8 lc rgb '#7f7f7f' title {}",
                          s, gnuplot_quoted(one ? "infeasible" : studies[s].name + ": infeasible"));
  }
  // The legend above the plot, clear of the axis label below it.
  figure << "set xlabel 'trial number'"
         << "set ylabel " + gnuplot_quoted(metric) << "set key outside top center horizontal"
         << "set autoscale xfix"
         << "set offsets 0.5, 0.5, 0, 0";
  if (any_above) {
    figure << fmt::format("set yrange [*:{}]", top) << corner_note("▲ above the axis (clipped)");
  } else if (wants_log_scale(all)) {
    figure << "set logscale y";
  }
  figure << "plot " + plot;
  return figure.svg();
}

std::string front_figure(const std::vector<std::tuple<int, double, double>>& points,
                         const std::vector<int>& front, const FigureAxis& first,
                         const FigureAxis& second) {
  GnuplotFigure figure(900, 480);
  std::vector<std::vector<double>> others, on_front;
  std::vector<double> xs, ys;
  for (const auto& [number, x, y] : points) {
    const bool pareto = std::find(front.begin(), front.end(), number) != front.end();
    (pareto ? on_front : others).push_back({x, y, static_cast<double>(number)});
    xs.push_back(x);
    ys.push_back(y);
  }
  // The front as a staircase from the best in the first objective.
  std::sort(on_front.begin(), on_front.end());
  figure.data("others", others);
  figure.data("front", on_front);
  figure << "set xlabel " + gnuplot_quoted(first.metric)
         << "set ylabel " + gnuplot_quoted(second.metric)
         << "set key outside top center horizontal";
  // Each axis on a log scale where its values span decades (sizes), else
  // clipped short of far outliers (diverged trials) on its worse side.
  bool clipped = false;
  const auto scale = [&](const char* axis, const std::vector<double>& values, Direction direction) {
    if (wants_log_scale(values)) {
      figure << fmt::format("set logscale {}", axis);
      return;
    }
    std::vector<double> losses = values;
    if (direction == Direction::maximize)
      for (double& v : losses) v = -v;
    const double top = clipped_top(losses);
    if (std::isnan(top)) return;
    clipped = true;
    figure << (direction == Direction::maximize ? fmt::format("set {}range [{}:*]", axis, -top)
                                                : fmt::format("set {}range [*:{}]", axis, top));
  };
  scale("x", xs, first.direction);
  scale("y", ys, second.direction);
  if (clipped) figure << corner_note("trials far behind are beyond the axes");
  figure << "plot $others using 1:2 with points pt 7 ps 0.6 lc rgb '#9a9a9a' title 'trial', "
            "$front using 1:2 with linespoints pt 7 ps 0.9 lw 2 lc rgb '#d62728' "
            "title 'Pareto front', "
            "$front using 1:2:(sprintf('%d', $3)) with labels offset 0.8, 0.6 font ',9' "
            "notitle";
  return figure.svg();
}

std::string curves_figure(const std::vector<LearningCurve>& curves) {
  GnuplotFigure figure(900, 420);
  std::vector<double> all;
  std::string plot;
  for (std::size_t c = 0; c < curves.size(); ++c) {
    const LearningCurve& curve = curves[c];
    std::vector<std::vector<double>> rows, kept;
    for (std::size_t e = 0; e < std::max(curve.train.size(), curve.val.size()); ++e) {
      const double train = e < curve.train.size() ? curve.train[e] : kNaN;
      const double val = e < curve.val.size() ? curve.val[e] : kNaN;
      rows.push_back({static_cast<double>(e + 1), train, val});
      all.push_back(train);
      all.push_back(val);
      if (static_cast<int>(e + 1) == curve.kept_epoch)
        kept.push_back({static_cast<double>(e + 1), std::isnan(val) ? train : val});
    }
    figure.data(fmt::format("curve{}", c), rows);
    figure.data(fmt::format("kept{}", c),
                kept.empty() ? std::vector<std::vector<double>>{{kNaN, kNaN}} : kept);
    const std::string colour = series_colour(c);
    plot += fmt::format(
        "{}$curve{} using 1:3 with lines lw 2 lc rgb '{}' title {}, "
        "$curve{} using 1:2 with lines lw 1.2 dt 2 lc rgb '{}' notitle, "
        "$kept{} using 1:2 with points pt 7 ps 1.1 lc rgb '{}' notitle",
        plot.empty() ? "" : ", ", c, colour, gnuplot_quoted(curve.label), c, colour, c, colour);
  }
  figure << "set xlabel 'epoch'"
         << "set ylabel 'loss (solid: validation, dashed: training)'"
         << "set key outside top center horizontal"
         << "set autoscale xfix"
         << "set offsets 0.5, 0.5, 0, 0";
  // A linear axis keeps the curves' shape; the first epochs' losses, far
  // above the rest, are clipped rather than squashing everything below them.
  const double top = clipped_top(all);
  if (!std::isnan(top))
    figure << fmt::format("set yrange [*:{}]", top) << corner_note("higher losses run off the top");
  figure << "plot " + plot;
  return figure.svg();
}

std::string parallel_figure(const SearchSpace& space, std::vector<TrialParams> trials,
                            const std::string& metric, Direction direction) {
  // Worst first, so that the best lines are drawn on top (and coloured best).
  std::sort(trials.begin(), trials.end(), [&](const TrialParams& a, const TrialParams& b) {
    return better(b.value, a.value, direction);
  });
  std::vector<Axis> axes;
  for (const Dimension& d : space.dimensions) axes.push_back(dimension_axis(d, trials));

  Axis score;
  score.label = metric;
  std::vector<double> values;
  for (const auto& t : trials) values.push_back(t.value);
  const bool log = wants_log_scale(values, 10);
  for (double v : values) score.at.push_back(log ? std::log10(v) : v);
  score.low = *std::min_element(score.at.begin(), score.at.end());
  score.high = *std::max_element(score.at.begin(), score.at.end());
  if (score.high <= score.low) score.high = score.low + 1;
  score.tics = log ? decade_tics(score.low, score.high) : even_tics(score.low, score.high, 5);
  axes.push_back(score);

  // Coloured by rank rather than value: a few diverged trials would
  // otherwise leave every other line the same colour.
  std::vector<std::vector<double>> rows;
  for (std::size_t t = 0; t < trials.size(); ++t) {
    std::vector<double> row;
    for (const Axis& a : axes) row.push_back(a.at[t]);
    row.push_back(trials.size() > 1 ? 1.0 - static_cast<double>(t) / (trials.size() - 1) : 0.0);
    rows.push_back(row);
  }
  GnuplotFigure figure(std::max(700, 130 * static_cast<int>(axes.size())), 460);
  figure.data("trials", rows);
  std::vector<std::pair<std::string, double>> xtics;
  // Tic labels on a white box in front of the lines, which would otherwise
  // run through them: the axis keeps its tic marks, the labels are drawn apart.
  figure << "set style textbox opaque noborder margins 1, 0.5";
  for (std::size_t a = 0; a < axes.size(); ++a) {
    xtics.emplace_back(axes[a].label, static_cast<double>(a + 1));
    figure << fmt::format("set paxis {} range [{}:{}]", a + 1, axes[a].low, axes[a].high);
    std::vector<std::pair<std::string, double>> marks;
    for (const auto& [label, at] : axes[a].tics) {
      marks.emplace_back("", at);
      const double height = (at - axes[a].low) / (axes[a].high - axes[a].low);
      figure << fmt::format("set label {} at first {}, graph {} center front boxed font ',9'",
                            gnuplot_quoted(label), a + 1, height);
    }
    figure << fmt::format("set paxis {} tics {}", a + 1, tic_list(marks));
    // gnuplot draws a parallel axis over the data's extent only; these span
    // the whole range.
    figure << fmt::format(
        "set arrow from {0}, graph 0 to {0}, graph 1 nohead lc rgb '#555555' lw 1.2 back", a + 1);
  }
  const std::size_t m = axes.size();
  figure << "set xtics " + tic_list(xtics) + " scale 0"
         << "unset ytics"
         << "set border 0"
         << "unset grid"
         << "set style parallelaxis lw 1.2 lc rgb '#555555'"
         << "set palette defined (0 '#1a9850', 1 '#fee08b', 2 '#d73027')"
         << "set cbrange [0:1]"
         << "set colorbox vertical user origin screen 0.88, screen 0.15 size screen 0.015, "
            "screen 0.7"
         << "set cbtics ('best' 0, 'median' 0.5, 'worst' 1)"
         << fmt::format("set cblabel {} offset 0.5", gnuplot_quoted("rank by " + metric))
         << "set rmargin at screen 0.82";
  figure << fmt::format(
      "plot $trials using 1:{} with parallelaxes lw 1.5 lc palette, "
      "for [i=2:{}] $trials using i with parallelaxes",
      m + 1, m);
  return figure.svg();
}

std::string importance_figure(const std::vector<std::pair<std::string, double>>& importance) {
  const int height = 80 + 36 * static_cast<int>(importance.size());
  GnuplotFigure figure(760, std::max(200, height));
  std::vector<std::string> labels;
  std::vector<std::vector<double>> rows;
  // gnuplot's y grows upwards: the most important goes last, on top.
  for (auto it = importance.rbegin(); it != importance.rend(); ++it) {
    labels.push_back(it->first);
    rows.push_back({it->second});
  }
  figure.labelled_data("importance", labels, rows);
  figure << "set xrange [0:1]"
         << "set xlabel 'importance (fANOVA; sums to 1)'"
         << "set yrange [-0.6:" + std::to_string(importance.size()) + "-0.4]"
         << "set grid noytics"
         << "set lmargin 22"
         << "set style fill solid 0.85 noborder";
  figure << fmt::format(
      "plot $importance using (0):0:(0):2:($0-0.36):($0+0.36):ytic(1) with boxxyerror lc rgb "
      "'{}', $importance using 2:0:(sprintf(' %.3f', $2)) with labels left offset 0.3,0 "
      "font ',10'",
      series_colour(0));
  return figure.svg();
}

}  // namespace tunelab
