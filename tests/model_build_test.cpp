#include <doctest/doctest.h>
#include <torch/torch.h>
#include <sstream>

#include "common/errors.h"
#include "model/parameter_count.h"
#include "plugin/assembly.h"
#include "support.h"

namespace {

torch::nn::Sequential build(const nlohmann::json& model, std::int64_t input_dim = 4) {
  tunelab::ModelConfig config;
  config.name = model.value("name", "resnet");
  config.settings = model;
  config.settings.erase("name");
  return tunelab::build_model(tunelab::test::builtins(), config, input_dim, 1);
}

std::string error_key(const nlohmann::json& model) {
  try {
    build(model);
  } catch (const tunelab::ConfigError& e) {
    return e.key() + ": " + e.what();
  }
  return "no error";
}

}  // namespace

TEST_SUITE("model assembly") {
  TEST_CASE("mistyped names fail with the key and the near match") {
    CHECK(error_key({{"block", "ResNetBlok"}}) ==
          "model.block: unknown block 'ResNetBlok' (did you mean 'ResNetBlock'?)");
    CHECK(error_key({{"act_fn", "rellu"}}) ==
          "model.act_fn: unknown activation 'rellu' (did you mean 'relu'?)");
    CHECK(error_key({{"name", "resnett"}}) ==
          "model.name: unknown model 'resnett' (did you mean 'resnet'?)");
  }

  TEST_CASE("bad shapes and arguments name the key") {
    CHECK(error_key({{"num_blocks", {3, 3}}, {"c_hidden", {64}}}) ==
          "model.c_hidden: needs one width per group: 2 groups, 1 widths");
    CHECK(error_key({{"num_blocks", {3, 0}}, {"c_hidden", {8, 8}}}) ==
          "model.num_blocks[1]: must be at least 1, got 0");
    CHECK(error_key({{"c_hidden", "wide"}}) ==
          "model.c_hidden: expected an integer, got the text 'wide'");
    CHECK(error_key({{"c_hidden", {8, 8}}, {"groups", 3}}) ==
          "model.groups: 3 groups, but c_hidden lists 2 (leave groups out, or make them agree)");
    // A list that agrees with `groups` is fine, and a single num_blocks
    // serves every group: the README's --set "model.c_hidden=[64, 64]".
    CHECK(error_key({{"c_hidden", {8, 8}}, {"groups", 2}, {"num_blocks", 1}}) == "no error");
    CHECK(error_key({{"act_fn", "leaky_relu"}, {"act_fn_args", {{"slope", 0.2}}}}) ==
          "model.act_fn_args.slope: unknown key (allowed: negative_slope)");
    CHECK(error_key({{"depth", 3}}).rfind("model.depth: unknown key (allowed: block, ", 0) == 0);
    CHECK(error_key({{"name", "linear"}, {"hidden", 3}}) ==
          "model.hidden: unknown key (this takes no arguments)");
  }

  TEST_CASE("activation arguments reach the module") {
    auto model = build({{"name", "resnet_regression"},
                        {"act_fn", "leaky_relu"},
                        {"act_fn_args", {{"negative_slope", 0.5}}},
                        {"num_blocks", 1}});
    std::ostringstream printed;
    printed << *model;
    CHECK(printed.str().find("LeakyReLU(negative_slope=0.5)") != std::string::npos);
  }

  TEST_CASE("the chapter's network layout: subsampling in the first block of later groups") {
    auto model = build({{"num_blocks", {2, 1}}, {"c_hidden", {8, 4}}}, 3);
    std::map<std::string, std::vector<std::int64_t>> shapes;
    for (const auto& p : model->named_parameters()) shapes[p.key()] = p.value().sizes().vec();
    CHECK(shapes.at("input_net.0.weight") == std::vector<std::int64_t>{8, 3});
    CHECK(shapes.count("blocks.0.downsample.weight") == 0);
    CHECK(shapes.count("blocks.1.downsample.weight") == 0);
    CHECK(shapes.at("blocks.2.downsample.weight") == std::vector<std::int64_t>{4, 8});
    CHECK(shapes.at("blocks.2.net.0.weight") == std::vector<std::int64_t>{4, 8});
    CHECK(shapes.at("output_net.weight") == std::vector<std::int64_t>{1, 4});
    CHECK(model->forward(torch::randn({5, 3})).sizes() == torch::IntArrayRef{5, 1});
  }

  TEST_CASE("one number for num_blocks or c_hidden means the same in every group") {
    const auto count = [](const nlohmann::json& model) {
      return tunelab::parameter_count(*build(model, 20));
    };
    CHECK(count({{"num_blocks", 3}, {"c_hidden", 64}}) == 85761);  // the chapter's [3, 3, 3] x 64
    CHECK(count({{"num_blocks", {3, 3, 3}}, {"c_hidden", 64}}) == 85761);
    CHECK(count({{"num_blocks", 2}, {"c_hidden", 16}, {"groups", 2}}) ==
          count({{"num_blocks", {2, 2}}, {"c_hidden", {16, 16}}}));
  }

  TEST_CASE("resnet uses PyTorch's initialisation, or the chapter's Kaiming (fan_out) on request") {
    torch::manual_seed(1);
    auto kaiming = build({{"num_blocks", {1}}, {"c_hidden", {256}}, {"init", "kaiming"}}, 256);
    auto standard = build({{"num_blocks", {1}}, {"c_hidden", {256}}}, 256);
    int seen = 0;
    for (auto* model : {&kaiming, &standard}) {
      for (const auto& p : (*model)->named_parameters()) {
        if (p.key() != "blocks.0.net.0.weight") continue;
        ++seen;
        // kaiming_normal_(fan_out, relu): std = sqrt(2 / fan_out) = sqrt(2 / 256);
        // PyTorch's Linear: uniform in +-1/sqrt(fan_in), std = 1 / sqrt(3 * 256).
        const double expected = model == &kaiming ? std::sqrt(2.0 / 256) : 1 / std::sqrt(3.0 * 256);
        CHECK(p.value().std().item<double>() == doctest::Approx(expected).epsilon(0.03));
      }
    }
    CHECK(seen == 2);
  }

  TEST_CASE("resnet's linear_skip adds a linear path from the inputs to the outputs") {
    const nlohmann::json settings = {{"num_blocks", 1}, {"c_hidden", 8}, {"groups", 1}};
    nlohmann::json skipped = settings;
    skipped["linear_skip"] = true;
    torch::manual_seed(3);
    auto plain = build(settings);
    torch::manual_seed(3);
    auto wide = build(skipped);
    // The network draws the same weights with or without the path beside it.
    auto* network = wide->ptr(0)->named_children()["network"]->as<torch::nn::Sequential>();
    REQUIRE(network != nullptr);
    // The path's weights and bias, and the network's scale.
    CHECK(tunelab::parameter_count(*wide) == tunelab::parameter_count(*plain) + 4 + 1 + 1);
    const torch::Tensor x = torch::randn({5, 4});
    plain->eval();
    wide->eval();
    torch::NoGradGuard no_grad;
    CHECK(torch::allclose(network->forward(x), plain->forward(x)));
    // Untrained, the model is the linear path alone: doubling a row doubles
    // its output above what zero gets (the bias).
    const auto above_zero = [&](const torch::Tensor& rows) {
      return wide->forward(rows) - wide->forward(torch::zeros({1, 4}));
    };
    CHECK(torch::allclose(above_zero(2 * x), 2 * above_zero(x), 1e-4, 1e-5));
    // The network's part is its output times the scale, which training moves.
    auto scale = wide->ptr(0)->named_parameters(false)["network_scale"];
    const torch::Tensor linear_alone = wide->forward(x);
    scale.fill_(0.5);
    CHECK(torch::allclose(wide->forward(x), linear_alone + 0.5 * plain->forward(x), 1e-4, 1e-5));
    // At zero, a step moves the scale and leaves the network's weights alone.
    scale.fill_(0);
    {
      torch::AutoGradMode with_grad(true);
      wide->zero_grad();
      wide->forward(x).pow(2).sum().backward();
    }
    CHECK(scale.grad().abs().item<double>() > 0);
    for (const auto& p : network->parameters()) CHECK(p.grad().abs().sum().item<double>() == 0);
    // Weights written before the scale existed (the network's output added
    // whole) load with a scale of one.
    torch::serialize::OutputArchive written, parts;
    for (const auto& child : wide->ptr(0)->named_children()) {
      torch::serialize::OutputArchive part;
      child.value()->save(part);
      parts.write(child.key(), part);
    }
    written.write("wide_and_deep", parts);
    std::stringstream bytes;
    written.save_to(bytes);
    torch::serialize::InputArchive reading;
    reading.load_from(bytes);
    torch::manual_seed(4);
    auto loaded = build(skipped);
    loaded->load(reading);
    loaded->eval();
    CHECK(torch::allclose(loaded->forward(x), linear_alone + plain->forward(x), 1e-4, 1e-5));
    // A copy would share the network it was handed: clone() refuses.
    CHECK_THROWS(wide->clone());
    CHECK(error_key({{"linear_skip", "yes"}}).rfind("model.linear_skip: expected", 0) == 0);
  }
}
