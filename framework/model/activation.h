#pragma once
// The plugin interface of kind `activation`: an elementwise module made fresh
// for every place it is used (the chapter's `act_fn()`).

#include <functional>

#include <torch/nn/modules/container/any.h>
#include <nlohmann/json.hpp>

namespace tunelab {

// Makes one activation module from its arguments (for example
// {negative_slope: 0.1} for leaky_relu).
using ActivationFactory = std::function<torch::nn::AnyModule(const nlohmann::json& args)>;

// An activation with its arguments bound: each call makes a new module.
using MakeActivation = std::function<torch::nn::AnyModule()>;

}  // namespace tunelab
