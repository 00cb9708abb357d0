#pragma once
// A random forest of regression trees (CART: bootstrap rows, every split the
// one that lowers the squared error most), over inputs in the unit cube. It
// is the surrogate behind parameter importance (importance.h).
// Hand-written: Debian's C++ learning libraries (mlpack, shark) bring large
// dependencies for what is about a hundred lines, and importance needs the
// trees' leaves as boxes, which they do not expose.

#include <cstdint>
#include <vector>

namespace tunelab {

struct RegressionTree {
  struct Node {
    int feature = -1;  // -1: a leaf
    double threshold = 0;
    int left = -1, right = -1;
    double value = 0;  // the mean of the node's rows
  };
  std::vector<Node> nodes;  // nodes[0] is the root

  // A leaf and the box of inputs that reach it: [low[j], high[j]) per input.
  struct Leaf {
    std::vector<double> low, high;
    double value = 0;
  };
  std::vector<Leaf> leaves(std::size_t inputs) const;
  double predict(const std::vector<double>& x) const;
};

struct ForestOptions {
  int trees = 64;
  int min_rows_to_split = 2;
  int max_depth = 64;
  std::uint64_t seed = 0;
};

// `x[i]` are the inputs of row i, in [0, 1]; `y[i]` its value.
std::vector<RegressionTree> fit_forest(const std::vector<std::vector<double>>& x,
                                       const std::vector<double>& y, const ForestOptions& options);

}  // namespace tunelab
