#include "report/model_tensors.h"

#include <torch/torch.h>

#include <string>

namespace tunelab {
namespace {

std::string shape_text(const torch::Tensor& t) {
  std::string text = "[";
  for (std::int64_t d = 0; d < t.dim(); ++d) text += (d ? ", " : "") + std::to_string(t.size(d));
  return text + "]";
}

}  // namespace

Table tensor_table(const torch::nn::Module& model) {
  Table table{{"tensor", "shape", "count", "trained"}, {}};
  for (const auto& p : model.named_parameters())
    table.rows.push_back({p.key(), shape_text(p.value()), p.value().numel(), "yes"});
  for (const auto& b : model.named_buffers())
    table.rows.push_back({b.key(), shape_text(b.value()), b.value().numel(), "no (buffer)"});
  return table;
}

}  // namespace tunelab
