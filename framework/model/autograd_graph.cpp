#include "model/autograd_graph.h"

#include <fmt/format.h>
#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/functions/accumulate_grad.h>
#include <torch/torch.h>

#include <map>
#include <set>
#include <sstream>

#include "common/external_tool.h"

namespace tunelab {
namespace {

std::string shape_text(const torch::Tensor& t) {
  std::string text = "(";
  for (std::int64_t d = 0; d < t.dim(); ++d) text += (d ? ", " : "") + std::to_string(t.size(d));
  return text + (t.dim() == 1 ? ",)" : ")");
}

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

class GraphWriter {
 public:
  explicit GraphWriter(const torch::nn::Module& model) {
    for (const auto& p : model.named_parameters())
      names_[p.value().unsafeGetTensorImpl()] = p.key();
  }

  std::string write(const torch::Tensor& output) {
    out_ << "digraph autograd {\n"
         << "  graph [rankdir=TB, fontname=\"DejaVu Sans\"];\n"
         << "  node [style=filled, shape=box, align=left, fontsize=10, height=0.2, "
            "ranksep=0.1, fontname=\"DejaVu Sans\", fillcolor=lightgray];\n";
    out_ << fmt::format("  output [label={}, fillcolor=darkolivegreen1];\n",
                        quoted("output\n" + shape_text(output)));
    if (output.grad_fn()) {
      visit(output.grad_fn().get());
      out_ << fmt::format("  {} -> output;\n", id(output.grad_fn().get()));
    }
    out_ << "}\n";
    return out_.str();
  }

 private:
  std::string id(const torch::autograd::Node* node) {
    auto [it, added] = ids_.emplace(node, ids_.size());
    (void)added;
    return fmt::format("n{}", it->second);
  }

  void visit(torch::autograd::Node* node) {
    if (!visited_.insert(node).second) return;
    if (const auto* leaf = dynamic_cast<torch::autograd::AccumulateGrad*>(node)) {
      const auto found = names_.find(leaf->variable.unsafeGetTensorImpl());
      const std::string name = found == names_.end() ? "(tensor)" : found->second;
      out_ << fmt::format("  {} [label={}, fillcolor=lightblue];\n", id(node),
                          quoted(name + "\n" + shape_text(leaf->variable)));
      return;
    }
    out_ << fmt::format("  {} [label={}];\n", id(node), quoted(node->name()));
    for (const auto& edge : node->next_edges()) {
      if (!edge.function) continue;
      visit(edge.function.get());
      out_ << fmt::format("  {} -> {};\n", id(edge.function.get()), id(node));
    }
  }

  std::map<const void*, std::string> names_;
  std::map<const torch::autograd::Node*, std::size_t> ids_;
  std::set<const torch::autograd::Node*> visited_;
  std::ostringstream out_;
};

}  // namespace

std::string autograd_graph_dot(torch::nn::Sequential& model, std::int64_t input_dim) {
  const bool was_training = model->is_training();
  model->eval();
  torch::Tensor output;
  {
    torch::AutoGradMode with_grad(true);
    output = model->forward(torch::zeros({2, input_dim}));
  }
  model->train(was_training);
  return GraphWriter(*model).write(output);
}

std::string render_dot(const std::string& dot, const std::string& format) {
  return run_external_tool({"dot", "graphviz"}, {"-T" + format}, dot);
}

}  // namespace tunelab
