#include "report/prediction_csv.h"

#include <fmt/format.h>

#include <algorithm>
#include <sstream>

#include "report/table.h"

namespace tunelab {

std::string predictions_csv(const CsvTable& table, const std::vector<std::string>& targets,
                            const Predictions& predictions, std::vector<std::string>& replaced) {
  // The columns written: the input's, but those that the predictions replace
  // (a file that went through predict before), then the predictions.
  std::vector<std::string> added;
  for (const auto& name : targets) added.push_back("predicted_" + name);
  for (const auto& name : predictions.classes) added.push_back("probability_" + name);
  std::vector<std::size_t> kept;
  for (std::size_t j = 0; j < table.header.size(); ++j) {
    if (std::find(added.begin(), added.end(), table.header[j]) == added.end())
      kept.push_back(j);
    else
      replaced.push_back(table.header[j]);
  }
  std::ostringstream text;
  for (std::size_t k = 0; k < kept.size(); ++k)
    text << (k ? "," : "") << cell_csv(Cell(table.header[kept[k]]));
  // (The model's input columns are always kept: there is one before these.)
  for (const auto& name : added) text << "," << cell_csv(Cell(name));
  text << "\n";
  const auto pa = predictions.values.accessor<float, 2>();
  for (std::size_t i = 0; i < table.rows(); ++i) {
    for (std::size_t k = 0; k < kept.size(); ++k)
      text << (k ? "," : "") << cell_csv(Cell(std::string(table.cell(i, kept[k]))));
    const auto predicted = pa[static_cast<std::int64_t>(i)];
    if (predictions.classes.empty()) {
      for (std::int64_t j = 0; j < predictions.values.size(1); ++j)
        text << "," << fmt::format("{}", predicted[j]);  // the float's shortest exact text
    } else {
      // The most probable class, then every class's probability.
      std::int64_t chosen = 0;
      for (std::int64_t c = 1; c < predictions.values.size(1); ++c)
        if (predicted[c] > predicted[chosen]) chosen = c;
      text << "," << cell_csv(Cell(predictions.classes[static_cast<std::size_t>(chosen)]));
      for (std::int64_t c = 0; c < predictions.values.size(1); ++c)
        text << "," << fmt::format("{}", predicted[c]);
    }
    text << "\n";
  }
  return text.str();
}

std::string metrics_text(const Predictions& predictions, bool with_logloss) {
  std::string line;
  for (const auto& [name, value] : predictions.metrics)
    if (name != "logloss" || with_logloss)
      line += fmt::format("{}{} {:.6g}", line.empty() ? "" : ", ", name, value);
  return line;
}

}  // namespace tunelab
