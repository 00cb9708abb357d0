#pragma once
// The report's figures, each an SVG document drawn by gnuplot: optimisation
// history, learning curves, parallel coordinates, parameter importance and
// the trade-off between two objectives.

#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "search/direction.h"

#include "search/space.h"

namespace tunelab {

// Every trial of one study in number order; `value` is NaN for trials that
// did not complete.
struct StudyHistory {
  std::string name;
  std::vector<std::pair<int, double>> values;  // (trial number, value)
  Direction direction = Direction::minimize;   // which way "best so far" runs
  std::set<int> infeasible;  // trials that broke search.constraints: drawn apart, never best
};

// Each trial's value and the running best, per study; infeasible trials as
// open circles, apart from the best.
std::string history_figure(const std::vector<StudyHistory>& studies, const std::string& metric);

struct LearningCurve {
  std::string label;               // "trial 23"
  std::vector<double> train, val;  // per epoch, from epoch 1; NaN: none
  int kept_epoch = 0;              // the epoch whose weights were kept (0: none)
};

// Validation loss (solid) and training loss (dashed) per epoch, one colour
// per trial, with the kept epoch marked.
std::string curves_figure(const std::vector<LearningCurve>& curves);

struct TrialParams {
  int number = 0;
  Params params;
  double value = 0;
};

// One axis per dimension (log, pow2 and categorical axes labelled in the
// values the trials used) and one for the metric; each trial a line coloured
// by its value, the best (the lowest, or the highest where `direction` is
// maximize) drawn on top.
std::string parallel_figure(const SearchSpace& space, std::vector<TrialParams> trials,
                            const std::string& metric, Direction direction = Direction::minimize);

// Two objectives against each other: every complete trial a grey dot, the
// Pareto front's trials red, joined in order and labelled by number.
// `points` are (trial number, first objective, second objective); `front`
// the numbers on the front.
struct FigureAxis {
  std::string metric;
  Direction direction = Direction::minimize;
};
std::string front_figure(const std::vector<std::tuple<int, double, double>>& points,
                         const std::vector<int>& front, const FigureAxis& first,
                         const FigureAxis& second);

// Horizontal bars, most important first.
std::string importance_figure(const std::vector<std::pair<std::string, double>>& importance);

}  // namespace tunelab
