#pragma once
// What a study predicts: a number (regression) or a class (classification).

#include <cstddef>
#include <optional>
#include <string>

#include "data/dataset.h"

namespace tunelab {

enum class Task { automatic, regression, classification };

// A limit that protects the machine and the user: a target of more classes
// is an id or free text more often than a label (a classifier's output
// layer grows with them).
inline constexpr std::size_t kMaxClasses = 1000;

// A numeric target of at most this many whole values (0/1, a rating) is most
// often a label: under task: auto it is read as a regression target, with a
// note saying so (and `tunelab init` says how to make it classes).
inline constexpr std::size_t kFewWholeValues = 10;

std::string to_string(Task task);
std::optional<Task> task_named(const std::string& name);  // "auto", "regression", ...

// Makes `data` what `task` asks. automatic: classification where the data
// set has classes (a target with text), else regression. classification of
// a numeric target: its distinct values become the classes (labels 0/1,
// 1..5). regression of a target with text is a ConfigError keyed "task";
// so is classification with fewer than two classes, more than kMaxClasses,
// or several targets.
void settle_task(Dataset& data, Task task);

// The model's outputs: one per target; for classification one logit
// (two classes) or one per class.
std::int64_t model_outputs(const Dataset& data);
std::int64_t model_outputs(std::size_t classes, std::int64_t targets);

}  // namespace tunelab
