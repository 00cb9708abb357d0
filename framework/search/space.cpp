#include "search/space.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "common/args.h"
#include "common/errors.h"
#include "common/near_matches.h"

namespace tunelab {
namespace {

constexpr std::size_t kMaxChoices = 1000;

// `when: {PARENT: value}` or `{PARENT: [values]}`: read here, checked
// against the parents once every dimension is read.
std::vector<Condition> read_conditions(const nlohmann::json& when) {
  if (!when.is_object() || when.empty())
    throw ConfigError("when",
                      "expected a mapping from searched paths to a value or a list of "
                      "values, such as {trainer.optimizer: sgd}");
  std::vector<Condition> out;
  for (const auto& item : when.items()) {
    Condition c{item.key(), {}};
    const auto& v = item.value();
    if (v.is_array()) {
      if (v.empty()) throw ConfigError("when." + item.key(), "must list at least one value");
      c.values.assign(v.begin(), v.end());
    } else {
      c.values.push_back(v);
    }
    out.push_back(std::move(c));
  }
  return out;
}

Dimension read_dimension(const std::string& path, const nlohmann::json& json) {
  if (!json.is_object())
    throw ConfigError("", "expected a mapping such as {type: float, low: 1e-4, high: 1e-1}");
  const Args args(json);
  Dimension d;
  d.path = path;
  const std::string type = args.text("type");
  if (type == "float") {
    d.kind = Dimension::Kind::real;
    args.allow_only({"type", "low", "high", "log", "step", "when"});
  } else if (type == "int") {
    d.kind = Dimension::Kind::integer;
    args.allow_only({"type", "low", "high", "log", "step", "transform", "when"});
  } else if (type == "categorical") {
    d.kind = Dimension::Kind::categorical;
    args.allow_only({"type", "choices", "when"});
  } else {
    throw ConfigError("type", fmt::format("expected float, int or categorical, got '{}'", type));
  }

  if (args.has("when")) d.when = read_conditions(json.at("when"));
  if (d.kind == Dimension::Kind::categorical) {
    const auto& choices = args.section("choices");
    if (!choices.is_array()) throw ConfigError("choices", "expected a list of values");
    if (choices.empty()) throw ConfigError("choices", "must not be empty");
    // Each choice is checked in the experiment before a study starts: a
    // list longer than this is a range (an int dimension), not a choice.
    if (choices.size() > kMaxChoices)
      throw ConfigError("choices", fmt::format("{} choices, more than the {} a categorical takes "
                                               "(an int dimension covers a range)",
                                               choices.size(), kMaxChoices));
    const auto kind_of = [](const nlohmann::json& v) {
      return v.is_string() ? "text" : v.is_boolean() ? "a boolean" : "a number";
    };
    for (std::size_t i = 0; i < choices.size(); ++i) {
      if (choices[i].is_object() || choices[i].is_array() || choices[i].is_null())
        throw ConfigError(fmt::format("choices[{}]", i),
                          "expected a single value (text, number or boolean)");
      if (std::string(kind_of(choices[i])) != kind_of(choices[0]))
        throw ConfigError(fmt::format("choices[{}]", i),
                          fmt::format("{} is {}, but choices[0] is {}: one kind of value per "
                                      "categorical (quote numbers meant as text)",
                                      choices[i].dump(), kind_of(choices[i]), kind_of(choices[0])));
      if (std::find(d.choices.begin(), d.choices.end(), choices[i]) != d.choices.end())
        throw ConfigError(fmt::format("choices[{}]", i),
                          fmt::format("{} is listed twice", choices[i].dump()));
      d.choices.push_back(choices[i]);
    }
    return d;
  }

  if (d.kind == Dimension::Kind::integer) {
    d.low = static_cast<double>(args.integer("low"));
    d.high = static_cast<double>(args.integer("high"));
  } else {
    d.low = args.number("low");
    d.high = args.number("high");
  }
  if (!(d.low < d.high))
    throw ConfigError("high", fmt::format("must be greater than low ({} >= {})", d.low, d.high));
  d.log = args.boolean("log", false);
  if (d.log && d.low <= 0)
    throw ConfigError("low", fmt::format("must be greater than 0 for a log scale, got {}", d.low));
  if (args.has("step")) {
    d.step = d.kind == Dimension::Kind::integer ? static_cast<double>(args.integer("step"))
                                                : args.number("step");
    require_positive("step", *d.step);
    if (d.log) throw ConfigError("step", "cannot be combined with log: true");
    if (*d.step > d.high - d.low)
      throw ConfigError("step",
                        fmt::format("{} is larger than the range {}..{}", *d.step, d.low, d.high));
  }
  d.transform = args.text("transform", "");
  if (!d.transform.empty() && d.transform != "pow2")
    throw ConfigError("transform", fmt::format("expected pow2, got '{}'", d.transform));
  if (d.transform == "pow2" && (d.low < 0 || d.high > 62))
    throw ConfigError("high", "pow2 exponents must lie in 0..62");
  return d;
}

// Each condition names another dimension of the space, an int or categorical
// one (a float's values are never equal to a listed one), and values it
// takes; conditions form no cycle.
void check_conditions(const std::vector<Dimension>& dimensions) {
  std::vector<std::string> paths;
  for (const auto& d : dimensions) paths.push_back(d.path);
  const auto find = [&](const std::string& path) -> const Dimension* {
    for (const auto& d : dimensions)
      if (d.path == path) return &d;
    return nullptr;
  };
  for (const auto& d : dimensions) {
    for (const auto& c : d.when) {
      const std::string key = d.path + ".when." + c.parent;
      const Dimension* parent = find(c.parent);
      if (c.parent == d.path) throw ConfigError(key, "a dimension cannot be conditioned on itself");
      if (!parent)
        throw ConfigError(key, unknown_name_message("searched path (a dimension of search.space)",
                                                    c.parent, paths));
      if (parent->kind == Dimension::Kind::real)
        throw ConfigError(key, fmt::format("{} is a float dimension: a condition needs an int or "
                                           "categorical one, whose values can be listed",
                                           c.parent));
      for (const auto& v : c.values)
        if (const auto why = parent->refusal(v))
          throw ConfigError(key, fmt::format("{} never takes this value: {}", c.parent, *why));
    }
  }
  // A cycle: following parents from some dimension comes back to it.
  for (const auto& start : dimensions) {
    std::vector<const Dimension*> frontier = {&start};
    for (std::size_t step = 0; step < dimensions.size() && !frontier.empty(); ++step) {
      std::vector<const Dimension*> next;
      for (const Dimension* d : frontier)
        for (const auto& c : d->when) {
          if (c.parent == start.path)
            throw ConfigError(start.path + ".when",
                              fmt::format("the conditions form a cycle through {}", start.path));
          if (const Dimension* p = find(c.parent)) next.push_back(p);
        }
      frontier = std::move(next);
    }
  }
}

// The dimensions in the file's order, but each parent before its children.
std::vector<Dimension> parents_first(const std::vector<Dimension>& dimensions) {
  std::vector<Dimension> ordered;
  std::set<std::string> placed;
  while (ordered.size() < dimensions.size()) {
    for (const Dimension& d : dimensions) {
      if (placed.count(d.path)) continue;
      if (std::all_of(d.when.begin(), d.when.end(),
                      [&](const Condition& c) { return placed.count(c.parent) > 0; })) {
        ordered.push_back(d);
        placed.insert(d.path);
        break;  // from the start again: the file's order wherever it can be kept
      }
    }
  }
  return ordered;
}

}  // namespace

nlohmann::json Dimension::value_at(double u) const {
  u = std::clamp(u, 0.0, 1.0);
  if (kind == Kind::categorical) {
    const auto n = choices.size();
    return choices[std::min(n - 1, static_cast<std::size_t>(u * static_cast<double>(n)))];
  }
  double x =
      log ? std::exp(std::log(low) + u * (std::log(high) - std::log(low))) : low + u * (high - low);
  if (step) x = low + std::round((x - low) / *step) * *step;
  if (kind == Kind::integer) {
    // Each integer gets an equal share of [0, 1] (on the log scale when asked).
    if (!log && !step) x = std::floor(low + u * (high - low + 1));
    auto v = static_cast<std::int64_t>(std::llround(std::clamp(x, low, high)));
    if (step)
      v = std::min<std::int64_t>(
          v, static_cast<std::int64_t>(low + std::floor((high - low) / *step) * *step));
    if (transform == "pow2") return std::int64_t{1} << v;
    return v;
  }
  return std::clamp(x, low, high);
}

std::size_t Dimension::grid_size(std::size_t points) const {
  if (kind == Kind::categorical) return choices.size();
  // Counted as grid() steps, without building the values.
  const auto steps = [&](double stride) {
    const double n = std::floor((high - low) / stride + 1e-9) + 1;
    return n > 1e18 ? std::numeric_limits<std::size_t>::max() : static_cast<std::size_t>(n);
  };
  if (kind == Kind::integer && !log) return steps(step.value_or(1.0));
  if (step) return steps(*step);
  return points;
}

std::vector<nlohmann::json> Dimension::grid(std::size_t points) const {
  std::vector<nlohmann::json> out;
  if (kind == Kind::categorical) return choices;
  if (kind == Kind::integer && !log) {
    const double stride = step.value_or(1.0);
    for (double v = low; v <= high + 1e-9; v += stride) {
      const auto i = static_cast<std::int64_t>(std::llround(v));
      out.push_back(transform == "pow2" ? nlohmann::json(std::int64_t{1} << i) : nlohmann::json(i));
    }
    return out;
  }
  if (step) {
    for (double v = low; v <= high + 1e-9 * (high - low); v += *step) out.push_back(v);
    return out;
  }
  for (std::size_t i = 0; i < points; ++i) {
    const auto value =
        value_at(points == 1 ? 0.5 : static_cast<double>(i) / static_cast<double>(points - 1));
    if (out.empty() || out.back() != value) out.push_back(value);
  }
  return out;
}

double Dimension::position_of(const nlohmann::json& value) const {
  if (kind == Kind::categorical) {
    const auto it = std::find(choices.begin(), choices.end(), value);
    return static_cast<double>(it - choices.begin());
  }
  double x = value.get<double>();
  if (transform == "pow2") x = std::log2(x);
  // The middle of the integer's share of [0, 1] (see value_at).
  if (kind == Kind::integer && !log && !step) return (x - low + 0.5) / (high - low + 1);
  if (log) return (std::log(x) - std::log(low)) / (std::log(high) - std::log(low));
  return (x - low) / (high - low);
}

std::optional<std::string> Dimension::refusal(const nlohmann::json& value) const {
  if (kind == Kind::categorical) {
    if (std::find(choices.begin(), choices.end(), value) != choices.end()) return std::nullopt;
    std::string names;
    for (const auto& c : choices) names += (names.empty() ? "" : ", ") + c.dump();
    return fmt::format("{} is not one of the choices ({})", value.dump(), names);
  }
  if (!value.is_number()) return fmt::format("expected a number, got {}", value.dump());
  double x = value.get<double>();
  if (transform == "pow2") {
    const double exponent = std::log2(x);
    if (!value.is_number_integer() || x < 1 || exponent != std::round(exponent) || exponent < low ||
        exponent > high)
      return fmt::format("{} is not a power of 2 from {} to {}", value.dump(),
                         std::int64_t{1} << static_cast<int>(low),
                         std::int64_t{1} << static_cast<int>(high));
    x = exponent;
  } else if (kind == Kind::integer && !value.is_number_integer()) {
    return fmt::format("expected an integer, got {}", value.dump());
  }
  const auto shown = [&](double v) {
    return kind == Kind::integer ? fmt::format("{}", static_cast<std::int64_t>(v))
                                 : fmt::format("{}", v);
  };
  if (std::isnan(x)) return std::string("expected a number, got NaN (.nan)");
  if (!(x >= low && x <= high))
    return fmt::format("{} is outside the range {} to {}", value.dump(), shown(low), shown(high));
  if (step) {
    const double k = (x - low) / *step;
    if (std::abs(k - std::round(k)) > 1e-9 * std::max(1.0, std::abs(k)))
      return fmt::format("{} is not on the steps of {} from {}", value.dump(), *step, shown(low));
  }
  return std::nullopt;
}

SearchSpace read_search_space(const nlohmann::json& space) {
  SearchSpace out;
  if (space.is_null()) return out;
  if (!space.is_object())
    throw ConfigError("", "expected a mapping from dotted paths (trainer.lr) to ranges");
  for (const auto& item : space.items()) {
    try {
      out.dimensions.push_back(read_dimension(item.key(), item.value()));
    } catch (const ConfigError& e) {
      throw e.under(item.key());
    }
  }
  if (out.conditional()) {
    check_conditions(out.dimensions);
    out.dimensions = parents_first(out.dimensions);
  }
  return out;
}

bool SearchSpace::conditional() const {
  return std::any_of(dimensions.begin(), dimensions.end(),
                     [](const Dimension& d) { return !d.when.empty(); });
}

bool SearchSpace::active(const Dimension& d, const Params& params) const {
  return std::all_of(d.when.begin(), d.when.end(), [&](const Condition& c) {
    const auto value = params.find(c.parent);
    return value != params.end() &&
           std::find(c.values.begin(), c.values.end(), value->second) != c.values.end();
  });
}

Params SearchSpace::active_only(Params params) const {
  // Parents come first: a parent dropped here makes its children inactive
  // when they are reached.
  for (const Dimension& d : dimensions)
    if (!active(d, params)) params.erase(d.path);
  return params;
}

std::vector<std::string> SearchSpace::missing(const Params& params) const {
  std::vector<std::string> out;
  for (const Dimension& d : dimensions)
    if (!params.count(d.path) && active(d, params)) out.push_back(d.path);
  return out;
}

Params checked_configuration(const SearchSpace& space, const nlohmann::json& values,
                             const std::string& at) {
  if (!values.is_object() || values.empty())
    throw ConfigError(at, "expected a mapping from dimensions of search.space to values");
  std::vector<std::string> paths;
  for (const auto& d : space.dimensions) paths.push_back(d.path);
  Params params;
  for (auto it = values.begin(); it != values.end(); ++it) {
    const std::string& path = it.key();
    const auto d = std::find_if(space.dimensions.begin(), space.dimensions.end(),
                                [&](const Dimension& dim) { return dim.path == path; });
    if (d == space.dimensions.end())
      throw ConfigError(at + "." + path,
                        unknown_name_message("dimension of search.space", path, paths));
    if (const auto why = d->refusal(*it)) throw ConfigError(at + "." + path, *why);
    params[path] =
        d->kind == Dimension::Kind::real ? nlohmann::json(it->get<double>()) : it.value();
  }
  // A conditional dimension's value only with its parents' values that make
  // it searched: otherwise the sampler's choice of parent could leave it out.
  for (const Dimension& d : space.dimensions) {
    if (!params.count(d.path) || space.active(d, params)) continue;
    for (const auto& c : d.when) {
      const auto given = params.find(c.parent);
      std::string listed;
      for (const auto& v : c.values) listed += (listed.empty() ? "" : " or ") + v.dump();
      if (given == params.end())
        throw ConfigError(at + "." + d.path,
                          fmt::format("{} is searched only where {} is {}: set {} too", d.path,
                                      c.parent, listed, c.parent));
      if (std::find(c.values.begin(), c.values.end(), given->second) == c.values.end())
        throw ConfigError(at + "." + d.path,
                          fmt::format("{} is searched only where {} is {}, and this "
                                      "configuration sets {} to {}",
                                      d.path, c.parent, listed, c.parent, given->second.dump()));
    }
  }
  return params;
}

}  // namespace tunelab
