#include "report/gnuplot.h"

#include <fmt/format.h>

#include <cmath>

#include "common/external_tool.h"

namespace tunelab {
namespace {

std::string number_text(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Inf" : "-Inf";
  return fmt::format("{:.9g}", value);
}

}  // namespace

const std::string& series_colour(std::size_t index) {
  static const std::vector<std::string> colours = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728",
                                                   "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
                                                   "#bcbd22", "#17becf"};
  return colours[index % colours.size()];
}

std::string gnuplot_quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\n') continue;
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

GnuplotFigure::GnuplotFigure(int width, int height) {
  script_ = fmt::format(
      "set terminal svg size {},{} noenhanced font 'DejaVu Sans,12' background rgb 'white'\n"
      "set encoding utf8\n"
      "set border lw 1 lc rgb '#444444'\n"
      "set grid lc rgb '#dddddd' lw 1\n"
      "set key noautotitle\n",
      width, height);
}

GnuplotFigure& GnuplotFigure::operator<<(const std::string& command) {
  script_ += command;
  script_ += '\n';
  return *this;
}

void GnuplotFigure::data(const std::string& name, const std::vector<std::vector<double>>& rows) {
  labelled_data(name, {}, rows);
}

void GnuplotFigure::labelled_data(const std::string& name, const std::vector<std::string>& labels,
                                  const std::vector<std::vector<double>>& rows) {
  script_ += fmt::format("${} << EOD\n", name);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    std::string line;
    if (r < labels.size()) {
      std::string label = labels[r];
      for (char& c : label)
        if (c == '"' || c == '\n') c = '\'';
      line = "\"" + label + "\"";
    }
    for (double v : rows[r]) line += (line.empty() ? "" : " ") + number_text(v);
    script_ += line + "\n";
  }
  script_ += "EOD\n";
}

std::string GnuplotFigure::svg() const {
  return run_external_tool({"gnuplot", "gnuplot-nox"}, {}, script_);
}

}  // namespace tunelab
