#!/usr/bin/python3
"""Writes tests/fixtures/models.json: the chapter's PyTorch models (see
chapter_models.py) filled with deterministic weights, with inputs and outputs
in train and eval mode, and every activation applied to a fixed grid.

tests/model_fixture_test.cpp fills tunelab's models with the same weights and
checks the outputs. Run with Debian's python3-torch (the same 1.13 as
libtorch-dev):  /usr/bin/python3 tests/reference/make_model_fixtures.py
"""
import json
import math
import os

import torch

from chapter_models import ResNet, ResNetRegression, get_act_fn_by_name, get_resnet_blocks_by_name

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "fixtures", "models.json")


def pattern(numel, k, positive=False):
    """The k-th tensor's deterministic values (tunelab's test computes the same)."""
    i = torch.arange(numel, dtype=torch.float64)
    values = 0.3 * torch.sin(0.7 * i + 1.3 * k + 0.1)
    if positive:
        values = 0.5 + values.abs()
    return values.float()


def fill(model):
    """Fills every floating-point tensor of the state dict, in its order."""
    names = []
    with torch.no_grad():
        for k, (name, tensor) in enumerate(model.state_dict(keep_vars=True).items()):
            names.append({"name": name, "shape": list(tensor.shape)})
            if tensor.is_floating_point():
                tensor.copy_(pattern(tensor.numel(), k, name.endswith("running_var")).view_as(tensor))
    return names


def inputs(rows, cols):
    i = torch.arange(rows * cols, dtype=torch.float64)
    return (2.0 * torch.sin(0.37 * i + 0.5) + 0.1 * i / (rows * cols)).float().view(rows, cols)


def model_case(name, settings, input_dim, output_dim, build):
    model = build()
    tensors = fill(model)
    x = inputs(6, input_dim)
    model.eval()
    with torch.no_grad():
        eval_out = model(x)
    model.train()
    with torch.no_grad():
        train_out = model(x)
    buffers = {n: b.flatten().tolist() for n, b in model.named_buffers() if b.is_floating_point()}
    return {
        "name": name, "model": settings, "input_dim": input_dim, "output_dim": output_dim,
        "tensors": tensors, "x": x.tolist(), "eval_out": eval_out.tolist(),
        "train_out": train_out.tolist(), "buffers_after_train": buffers,
    }


def resnet_case(block, act, num_blocks, c_hidden, input_dim=5, output_dim=2):
    settings = {"name": "resnet", "block": block, "act_fn": act,
                "num_blocks": num_blocks, "c_hidden": c_hidden}
    return model_case(f"resnet {block} {act} {num_blocks} {c_hidden}", settings, input_dim,
                      output_dim, lambda: ResNet(input_dim, output_dim, num_blocks, c_hidden,
                                                 act_fn_name=act, block_name=block))


def regression_case(block, act, num_blocks, hidden_dim, input_dim=5, output_dim=1):
    settings = {"name": "resnet_regression", "block": block, "act_fn": act,
                "num_blocks": num_blocks, "hidden_dim": hidden_dim}
    blocks, acts = get_resnet_blocks_by_name(), get_act_fn_by_name()
    return model_case(f"resnet_regression {block} {act} {num_blocks}x{hidden_dim}", settings,
                      input_dim, output_dim,
                      lambda: ResNetRegression(input_dim, output_dim, blocks[block], num_blocks,
                                               hidden_dim, acts[act]))


def parameter_counts():
    def count(model):
        return sum(p.numel() for p in model.parameters())

    blocks = get_resnet_blocks_by_name()
    out = []
    for block in blocks:
        out.append({"model": {"name": "resnet", "block": block, "num_blocks": [3, 3, 3],
                              "c_hidden": [64, 64, 64]}, "input_dim": 20, "output_dim": 1,
                    "parameters": count(ResNet(20, 1, block_name=block))})
        out.append({"model": {"name": "resnet_regression", "block": block, "num_blocks": 2,
                              "hidden_dim": 64}, "input_dim": 10, "output_dim": 1,
                    "parameters": count(ResNetRegression(10, 1, blocks[block], 2, 64))})
    return out


def activation_cases():
    x = torch.linspace(-4.0, 4.0, 41)
    out = []
    for name, cls in get_act_fn_by_name().items():
        module = cls().eval()  # RReLU is deterministic in eval mode
        with torch.no_grad():
            out.append({"name": name, "y": module(x).tolist()})
    return {"x": x.tolist(), "cases": out}


def main():
    fixtures = {
        "torch_version": torch.__version__,
        "models": [
            resnet_case("ResNetBlock", "relu", [2, 2], [16, 8]),
            resnet_case("ResNetBlock", "elu", [1, 2], [12, 12]),
            resnet_case("PreActResNetBlock", "gelu", [2, 2], [16, 8]),
            resnet_case("PreActResNetBlock", "silu", [1, 1, 1], [8, 12, 8], input_dim=3),
            regression_case("ResNetBlock", "relu", 2, 16),
            regression_case("PreActResNetBlock", "leaky_relu", 2, 16),
        ],
        "parameter_counts": parameter_counts(),
        "activations": activation_cases(),
    }
    with open(OUT, "w") as f:
        json.dump(fixtures, f, indent=1)
        f.write("\n")
    print(f"wrote {os.path.relpath(OUT)}: {len(fixtures['models'])} models, "
          f"{len(fixtures['activations']['cases'])} activations")


if __name__ == "__main__":
    main()
