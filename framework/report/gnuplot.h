#pragma once
// Figures drawn by gnuplot: a script with inline data blocks, rendered to SVG.

#include <sstream>
#include <string>
#include <vector>

namespace tunelab {

// A colour per series, in order (matplotlib's "tab10"), so that a study or a
// trial has the same colour in every figure of a report.
const std::string& series_colour(std::size_t index);

class GnuplotFigure {
 public:
  // An SVG canvas of `width` x `height` pixels; text is taken literally
  // (no enhanced-text markup: "val_loss" keeps its underscore).
  GnuplotFigure(int width, int height);

  // Appends one line of gnuplot commands.
  GnuplotFigure& operator<<(const std::string& command);
  // Defines `$name` holding `rows` (NaN is written as NaN: gnuplot skips it).
  void data(const std::string& name, const std::vector<std::vector<double>>& rows);
  // The same with a text label first in each row (for tic labels).
  void labelled_data(const std::string& name, const std::vector<std::string>& labels,
                     const std::vector<std::vector<double>>& rows);

  // Runs gnuplot and returns the SVG document.
  std::string svg() const;
  const std::string& script() const { return script_; }

 private:
  std::string script_;
};

// `text` as a gnuplot string literal (single quotes: nothing inside is
// interpreted but a doubled quote).
std::string gnuplot_quoted(const std::string& text);

}  // namespace tunelab
