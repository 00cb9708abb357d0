// tunelab's models against the chapter's PyTorch code (tests/reference/): the
// same weights must give the same outputs in train and eval mode, and the same
// running statistics after a training-mode forward pass.

#include <doctest/doctest.h>
#include <torch/torch.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "model/parameter_count.h"
#include "plugin/assembly.h"
#include "support.h"
#include "test_paths.h"

namespace {

using nlohmann::json;

const json& fixtures() {
  static const json data =
      json::parse(std::ifstream(std::string(tunelab::test::kFixturesDir) + "/models.json"));
  return data;
}

// The same values as make_model_fixtures.py's pattern().
torch::Tensor pattern(std::int64_t numel, std::int64_t k, bool positive) {
  const auto i = torch::arange(numel, torch::kFloat64);
  auto values = 0.3 * torch::sin(0.7 * i + 1.3 * static_cast<double>(k) + 0.1);
  if (positive) values = 0.5 + values.abs();
  return values.to(torch::kFloat32);
}

torch::Tensor tensor_from(const json& rows) {
  std::vector<float> flat;
  for (const auto& row : rows)
    for (const auto& v : row) flat.push_back(v.get<float>());
  return torch::tensor(flat).view({static_cast<std::int64_t>(rows.size()), -1});
}

torch::nn::Sequential build(const json& model, std::int64_t input_dim, std::int64_t output_dim) {
  tunelab::ModelConfig config;
  config.name = model.at("name").get<std::string>();
  config.settings = model;
  config.settings.erase("name");
  return tunelab::build_model(tunelab::test::builtins(), config, input_dim, output_dim);
}

// Fills the model's tensors in the fixture's state-dict order; checks that the
// model has exactly the fixture's tensors, by name and shape.
void fill(torch::nn::Module& model, const json& tensors) {
  std::map<std::string, torch::Tensor> mine;
  for (const auto& item : model.named_parameters()) mine[item.key()] = item.value();
  for (const auto& item : model.named_buffers()) mine[item.key()] = item.value();
  REQUIRE(mine.size() == tensors.size());
  torch::NoGradGuard no_grad;
  for (std::size_t k = 0; k < tensors.size(); ++k) {
    const std::string name = tensors[k].at("name").get<std::string>();
    INFO("tensor " << name);
    REQUIRE(mine.count(name) == 1);
    auto& tensor = mine[name];
    CHECK(tensor.sizes().vec() == tensors[k].at("shape").get<std::vector<std::int64_t>>());
    if (tensor.is_floating_point()) {
      const bool positive = name.size() > 11 && name.substr(name.size() - 11) == "running_var";
      tensor.copy_(pattern(tensor.numel(), static_cast<std::int64_t>(k), positive).view_as(tensor));
    }
  }
}

void check_close(const torch::Tensor& actual, const torch::Tensor& expected) {
  REQUIRE(actual.sizes() == expected.sizes());
  const double worst = (actual - expected).abs().max().item<double>();
  INFO("largest difference " << worst);
  CHECK(torch::allclose(actual, expected, /*rtol=*/1e-5, /*atol=*/1e-5));
}

}  // namespace

TEST_SUITE("models against PyTorch") {
  TEST_CASE("outputs equal the chapter's PyTorch models / in train and eval mode") {
    for (const auto& c : fixtures().at("models")) {
      SUBCASE(c.at("name").get<std::string>().c_str()) {
        auto model = build(c.at("model"), c.at("input_dim"), c.at("output_dim"));
        fill(*model, c.at("tensors"));
        const torch::Tensor x = tensor_from(c.at("x"));
        torch::NoGradGuard no_grad;
        model->eval();
        check_close(model->forward(x), tensor_from(c.at("eval_out")));
        model->train();
        check_close(model->forward(x), tensor_from(c.at("train_out")));
        for (const auto& item : model->named_buffers()) {
          if (!item.value().is_floating_point()) continue;
          INFO("buffer " << item.key());
          const auto expected =
              c.at("buffers_after_train").at(item.key()).get<std::vector<float>>();
          check_close(item.value().flatten(), torch::tensor(expected));
        }
      }
    }
  }

  TEST_CASE("parameter counts equal PyTorch's / including the chapter's two examples") {
    for (const auto& c : fixtures().at("parameter_counts")) {
      const auto model = build(c.at("model"), c.at("input_dim"), c.at("output_dim"));
      CHECK(tunelab::parameter_count(*model) == c.at("parameters").get<std::int64_t>());
    }
    CHECK(tunelab::parameter_count(*build({{"name", "resnet"}}, 20, 1)) == 85761);
    CHECK(tunelab::parameter_count(
              *build({{"name", "resnet_regression"}, {"num_blocks", 2}}, 10, 1)) == 17665);
  }

  TEST_CASE("every activation equals PyTorch's with default options") {
    const auto& acts = fixtures().at("activations");
    const torch::Tensor x = torch::tensor(acts.at("x").get<std::vector<float>>());
    for (const auto& c : acts.at("cases")) {
      const std::string name = c.at("name").get<std::string>();
      INFO("activation " << name);
      auto module = tunelab::test::builtins().activations.factory(name)(json::object());
      module.ptr()->eval();
      torch::NoGradGuard no_grad;
      check_close(module.forward(x), torch::tensor(c.at("y").get<std::vector<float>>()));
    }
  }
}
