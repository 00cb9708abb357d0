// Analytic test functions for benchmarking samplers (definitions as in the
// Virtual Library of Simulation Experiments, Surjanovic and Bingham):
// branin (2-D), hartmann6 (6-D), rosenbrock and ackley (any dimension); and
// of several objectives, zdt1, zdt2, zdt3 (Zitzler, Deb and Thiele 2000;
// outputs f1, f2) and dtlz2 (Deb, Thiele, Laumanns and Zitzler 2002;
// outputs f1, f2, f3), on [0, 1] in any dimension. Each reads its point from
// the objective section's x0, x1, ...

#include <cmath>

#include "common/errors.h"
#include "common/option_specs.h"
#include "plugins/builtins.h"

namespace tunelab {
namespace {

constexpr double kPi = 3.14159265358979323846;

std::vector<std::string> input_names(std::size_t dimensions) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < dimensions; ++i) names.push_back("x" + std::to_string(i));
  return names;
}

// The section's allowed keys: the inputs and the given options.
void allow(const nlohmann::json& section, const std::vector<std::string>& inputs,
           const std::vector<std::string>& options) {
  std::vector<std::string> allowed = inputs;
  allowed.insert(allowed.end(), options.begin(), options.end());
  Args(section).allow_only(allowed);
}

// Beside the inputs x0, x1, ... (the point, set by the search).
const OptionSpecs kDimensionsOption{{"dimensions", OptionType::integer, 2,
                                     "inputs x0 ... x(dimensions-1), at most 1000",
                                     OptionCheck::at_least(1)}};

std::size_t dimensions_of(const nlohmann::json& section) {
  const auto given =
      section.is_object() ? section.value("dimensions", nlohmann::json()) : nlohmann::json();
  const auto d =
      kDimensionsOption.read(nlohmann::json{{"dimensions", given}}).integer("dimensions");
  if (d > 1000) throw ConfigError("dimensions", "must be at most 1000");
  return static_cast<std::size_t>(d);
}

ObjectiveFunction branin(const nlohmann::json& section) {
  ObjectiveFunction f{input_names(2), {{-5, 10}, {0, 15}}, 0.397887357729738, {}, {}, {}};
  allow(section, f.inputs, {});
  f.at = [](const std::vector<double>& x) {
    const double b = 5.1 / (4 * kPi * kPi), c = 5 / kPi, t = 1 / (8 * kPi);
    const double u = x[1] - b * x[0] * x[0] + c * x[0] - 6;
    return u * u + 10 * (1 - t) * std::cos(x[0]) + 10;
  };
  return f;
}

ObjectiveFunction hartmann6(const nlohmann::json& section) {
  ObjectiveFunction f{input_names(6),
                      std::vector<std::pair<double, double>>(6, {0, 1}),
                      -3.32236801141551,
                      {},
                      {},
                      {}};
  allow(section, f.inputs, {});
  f.at = [](const std::vector<double>& x) {
    static const double alpha[4] = {1.0, 1.2, 3.0, 3.2};
    static const double a[4][6] = {{10, 3, 17, 3.5, 1.7, 8},
                                   {0.05, 10, 17, 0.1, 8, 14},
                                   {3, 3.5, 1.7, 10, 17, 8},
                                   {17, 8, 0.05, 10, 0.1, 14}};
    static const double p[4][6] = {{0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886},
                                   {0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991},
                                   {0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650},
                                   {0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381}};
    double sum = 0;
    for (int i = 0; i < 4; ++i) {
      double inner = 0;
      for (int j = 0; j < 6; ++j) inner += a[i][j] * (x[j] - p[i][j]) * (x[j] - p[i][j]);
      sum += alpha[i] * std::exp(-inner);
    }
    return -sum;
  };
  return f;
}

ObjectiveFunction rosenbrock(const nlohmann::json& section) {
  const std::size_t d = dimensions_of(section);
  ObjectiveFunction f{
      input_names(d), std::vector<std::pair<double, double>>(d, {-5, 10}), 0, {}, {}, {}};
  allow(section, f.inputs, {"dimensions"});
  f.at = [](const std::vector<double>& x) {
    double sum = 0;
    for (std::size_t i = 0; i + 1 < x.size(); ++i)
      sum += 100 * std::pow(x[i + 1] - x[i] * x[i], 2) + std::pow(1 - x[i], 2);
    return sum;
  };
  return f;
}

ObjectiveFunction ackley(const nlohmann::json& section) {
  const std::size_t d = dimensions_of(section);
  ObjectiveFunction f{
      input_names(d), std::vector<std::pair<double, double>>(d, {-32.768, 32.768}), 0, {}, {}, {}};
  allow(section, f.inputs, {"dimensions"});
  f.at = [](const std::vector<double>& x) {
    double squares = 0, cosines = 0;
    for (double v : x) {
      squares += v * v;
      cosines += std::cos(2 * kPi * v);
    }
    const double n = static_cast<double>(x.size());
    return -20 * std::exp(-0.2 * std::sqrt(squares / n)) - std::exp(cosines / n) + 20 +
           std::exp(1.0);
  };
  return f;
}

// ZDT's shape: f1 = x0, f2 = g * h(f1 / g), g = 1 + 9 * mean(x1 ... x(n-1)).
ObjectiveFunction zdt(const nlohmann::json& section, double (*h)(double f1, double ratio)) {
  const std::size_t d = dimensions_of(section);
  ObjectiveFunction f{
      input_names(d), std::vector<std::pair<double, double>>(d, {0, 1}), std::nan(""), {}, {}, {}};
  allow(section, f.inputs, {"dimensions"});
  f.outputs = {"f1", "f2"};
  f.at_each = [h](const std::vector<double>& x) {
    double sum = 0;
    for (std::size_t i = 1; i < x.size(); ++i) sum += x[i];
    const double g = x.size() > 1 ? 1 + 9 * sum / static_cast<double>(x.size() - 1) : 1;
    return std::vector<double>{x[0], g * h(x[0], x[0] / g)};
  };
  return f;
}

ObjectiveFunction zdt1(const nlohmann::json& section) {
  return zdt(section, [](double, double r) { return 1 - std::sqrt(r); });
}

ObjectiveFunction zdt2(const nlohmann::json& section) {
  return zdt(section, [](double, double r) { return 1 - r * r; });
}

ObjectiveFunction zdt3(const nlohmann::json& section) {
  return zdt(section,
             [](double f1, double r) { return 1 - std::sqrt(r) - r * std::sin(10 * kPi * f1); });
}

// DTLZ2 with three objectives: a point on the positive octant of the sphere
// of radius 1 + g, g = sum of (x_i - 0.5)^2 over x2 ... x(n-1).
ObjectiveFunction dtlz2(const nlohmann::json& section) {
  const std::size_t d = dimensions_of(section);
  if (d < 3) throw ConfigError("dimensions", "dtlz2 of three objectives needs at least 3");
  ObjectiveFunction f{
      input_names(d), std::vector<std::pair<double, double>>(d, {0, 1}), std::nan(""), {}, {}, {}};
  allow(section, f.inputs, {"dimensions"});
  f.outputs = {"f1", "f2", "f3"};
  f.at_each = [](const std::vector<double>& x) {
    double g = 0;
    for (std::size_t i = 2; i < x.size(); ++i) g += (x[i] - 0.5) * (x[i] - 0.5);
    const double a = x[0] * kPi / 2, b = x[1] * kPi / 2;
    return std::vector<double>{(1 + g) * std::cos(a) * std::cos(b),
                               (1 + g) * std::cos(a) * std::sin(b), (1 + g) * std::sin(a)};
  };
  return f;
}

}  // namespace

void register_analytic_objectives(Registrar& registrar) {
  registrar.objectives.add(
      "branin", "Branin-Hoo, 2-D on x0 in [-5, 10], x1 in [0, 15]; minimum 0.397887", branin);
  registrar.objectives.add("hartmann6", "Hartmann, 6-D on [0, 1]^6; minimum -3.32237", hartmann6);
  registrar.objectives.add("rosenbrock", "Rosenbrock, usually on [-5, 10]; minimum 0",
                           kDimensionsOption, rosenbrock);
  registrar.objectives.add("ackley", "Ackley, usually on [-32.768, 32.768]; minimum 0",
                           kDimensionsOption, ackley);
  registrar.objectives.add("zdt1", "ZDT1 on [0, 1]^n: outputs f1, f2 (a convex front)",
                           kDimensionsOption, zdt1);
  registrar.objectives.add("zdt2", "ZDT2 on [0, 1]^n: outputs f1, f2 (a concave front)",
                           kDimensionsOption, zdt2);
  registrar.objectives.add("zdt3", "ZDT3 on [0, 1]^n: outputs f1, f2 (a front in five pieces)",
                           kDimensionsOption, zdt3);
  registrar.objectives.add("dtlz2", "DTLZ2 on [0, 1]^n, n >= 3: outputs f1, f2, f3 (a sphere)",
                           kDimensionsOption, dtlz2);
}

}  // namespace tunelab
