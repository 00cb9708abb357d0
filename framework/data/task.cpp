#include "data/task.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <torch/torch.h>

#include <cmath>
#include <map>
#include <set>

#include "common/errors.h"

namespace tunelab {

std::string to_string(Task task) {
  switch (task) {
    case Task::regression:
      return "regression";
    case Task::classification:
      return "classification";
    case Task::automatic:
      break;
  }
  return "auto";
}

std::optional<Task> task_named(const std::string& name) {
  for (const Task t : {Task::automatic, Task::regression, Task::classification})
    if (to_string(t) == name) return t;
  return std::nullopt;
}

void settle_task(Dataset& data, Task task) {
  const std::string target = data.target_names.empty() ? "the target" : data.target_names.front();
  if (task == Task::regression && data.is_classification())
    throw ConfigError("task", data.first_text_target.empty()
                                  ? fmt::format("regression needs a numeric target; '{}' holds "
                                                "text ('{}')",
                                                target, data.classes.front())
                                  : fmt::format("regression needs a numeric target; {} is not a "
                                                "number",
                                                data.first_text_target));
  if (task == Task::classification && !data.is_classification()) {
    if (data.targets() != 1)
      throw ConfigError("task", fmt::format("classification predicts one target column; the "
                                            "data set has {}",
                                            data.targets()));
    // The distinct values, in numeric order, become the classes.
    std::map<float, float> code;
    const auto y = data.y.accessor<float, 2>();
    for (std::int64_t i = 0; i < data.rows(); ++i) code.emplace(y[i][0], 0.0F);
    if (code.size() > kMaxClasses)
      throw ConfigError("task", fmt::format("'{}' has {} distinct values, more than the {} classes "
                                            "a classifier here takes (is it a regression target?)",
                                            target, code.size(), kMaxClasses));
    for (auto& [value, c] : code) {
      c = static_cast<float>(data.classes.size());
      data.classes.push_back(value == std::floor(value)
                                 ? fmt::format("{}", static_cast<long long>(value))
                                 : fmt::format("{}", value));
    }
    at::Tensor codes = torch::empty_like(data.y);
    auto out = codes.accessor<float, 2>();
    for (std::int64_t i = 0; i < data.rows(); ++i) out[i][0] = code.at(y[i][0]);
    data.y = codes;
  }
  if (task == Task::automatic && !data.is_classification() && data.targets() == 1 &&
      data.rows() > 0) {
    // A numeric target of a few whole values (0/1, a rating) is most often
    // a label: say what was chosen, and how to choose the other.
    std::set<float> values;
    bool whole = true;
    const auto y = data.y.accessor<float, 2>();
    for (std::int64_t i = 0; i < data.rows() && whole && values.size() <= kFewWholeValues; ++i) {
      whole = y[i][0] == std::floor(y[i][0]);
      values.insert(y[i][0]);
    }
    if (whole && values.size() <= kFewWholeValues)
      data.notes.push_back(fmt::format(
          "'{}' holds {} whole numbers only ({}): read as a regression target; for classes, "
          "set task: classification",
          target, values.size(), fmt::join(values, ", ")));
  }
  if (data.classes.size() > kMaxClasses)
    throw ConfigError("task", fmt::format("'{}' has {} classes, more than the {} a classifier here "
                                          "takes (is it an id, or free text?)",
                                          target, data.classes.size(), kMaxClasses));
  if (data.is_classification() && data.classes.size() < 2)
    throw ConfigError("task", fmt::format("'{}' has one class ('{}'): nothing to tell apart",
                                          target, data.classes.front()));
}

std::int64_t model_outputs(std::size_t classes, std::int64_t targets) {
  if (classes == 0) return targets;
  return classes == 2 ? 1 : static_cast<std::int64_t>(classes);
}

std::int64_t model_outputs(const Dataset& data) {
  return model_outputs(data.classes.size(), data.targets());
}

}  // namespace tunelab
