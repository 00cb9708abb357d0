#!/usr/bin/python3
"""A tabular study with conditions and a parameter budget, searched three ways.

The study: a ResNet on the diabetes table (80% of the rows to learn from, by
seed, 25% of those held out for validation; the rest to test on), searched
over the optimizer (Adam or SGD, with SGD's momentum), the learning rate,
the number of groups (1 to 3) and a width per group, under a budget of
--budget trainable parameters. The same TPE budget three ways, seeds 1..N:

- tunelab: `when` for the momentum and each group's width, and
  `search.constraints: [{metric: n_params, max: BUDGET}]`, so that a
  network over the budget is recorded as infeasible without training and
  the sampler learns the budget (experiments/conditional.yaml is of this
  kind);
- Optuna define-by-run (Debian's python3-optuna) training the same network
  in PyTorch: the momentum and widths suggested only where they mean
  something, and the budget as Optuna's `constraints_func`, a network over
  it not trained, as an Optuna user writes it;
- flat: Optuna's TPE over the whole box, every param suggested in every
  trial (the momentum under Adam, the widths of groups the network does not
  have) and the budget unknown to the sampler, checked afterwards, which is
  what a tool without conditions and constraints leaves a user.

Each way's answer is its best feasible trial by validation loss; its test
RMSE (in the target's units) is measured on the test rows (tunelab: `tunelab
predict`; Optuna: the best trial retrained with its seed). The table gives
the median test RMSE, the median best validation RMSE after 10, 20 and all
trials, how many runs reach the flat way's median best validation RMSE,
the share of trials wasted (over the budget, or searching a param that
means nothing in that trial) and the median wall time.

    bench/conditional_tabular.py [--tunelab build/tunelab] [--trials 30] [--seeds 5]
                                 [--budget 20000]
"""
import argparse
import math
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from conditional import trials_to  # noqa: E402
from tabular import EPOCHS, PATIENCE, design_matrices, error, fit_early_stopping, load_table  # noqa: E402,E501

VAL_SHARE, BATCH = 0.25, 32  # EPOCHS and PATIENCE: tabular.py's, 100 and 16
WIDTHS = (4, 8)  # each group's width: 2^4 to 2^8


def experiment(seed, trials, budget):
    low, high = WIDTHS
    width = f"{{type: int, low: {low}, high: {high}, transform: pow2"
    return f"""name: budget
seed: {seed}
data:
  dataset: csv
  args: {{path: learn.csv, target: target}}
  split: {{train: {1 - VAL_SHARE}, val: {VAL_SHARE}}}
  standardize: {{x: true, y: true}}
model: {{name: resnet, block: ResNetBlock, act_fn: relu, num_blocks: 1, c_hidden: [64, 64, 64]}}
trainer:
  optimizer: adam
  lr: 1.0e-3
  batch_size: {BATCH}
  epochs: {EPOCHS}
  early_stopping: {{patience: {PATIENCE}}}
search:
  metric: val_loss
  trials: {trials}
  sampler: tpe
  constraints: [{{metric: n_params, max: {budget}}}]
  space:
    trainer.optimizer: {{type: categorical, choices: [adam, sgd]}}
    trainer.lr: {{type: float, low: 1.0e-4, high: 3.0e-2, log: true}}
    trainer.optimizer_args.momentum: {{type: float, low: 0.0, high: 0.95, when: {{trainer.optimizer: sgd}}}}
    model.groups: {{type: int, low: 1, high: 3}}
    model.c_hidden[0]: {width}}}
    model.c_hidden[1]: {width}, when: {{model.groups: [2, 3]}}}}
    model.c_hidden[2]: {width}, when: {{model.groups: 3}}}}
"""


def tunelab_way(tunelab, folder, learn, test, seed, trials, budget):
    learn.to_csv(os.path.join(folder, "learn.csv"), index=False)
    test_csv = os.path.join(folder, "test.csv")
    test.drop(columns=["target"]).to_csv(test_csv, index=False)
    file = os.path.join(folder, "budget.yaml")
    with open(file, "w") as out:
        out.write(experiment(seed, trials, budget))
    store = os.path.join(folder, f"budget-{seed}.db")
    started = time.perf_counter()
    subprocess.run([tunelab, "run", file, "--storage", store, "--quiet"], check=True,
                   stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    with sqlite3.connect(store) as db:
        rows = db.execute(
            "SELECT t.feasible, m.value FROM trials t LEFT JOIN trial_metrics m ON "
            "m.trial_id = t.trial_id AND m.name = 'val_rmse' ORDER BY t.number").fetchall()
    val = [v if feasible and v is not None else math.inf for feasible, v in rows]
    wasted = sum(1 for feasible, _ in rows if not feasible)
    predictions = os.path.join(folder, "predictions.csv")
    subprocess.run([tunelab, "predict", "budget", "--storage", store, "--input", test_csv,
                    "--output", predictions], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    import pandas as pd
    predicted = pd.read_csv(predictions)["predicted_target"].to_numpy()
    return error("regression", test["target"].to_numpy(), predicted), val, wasted, seconds


def optuna_way(learn, test, seed, trials, budget, flat):
    """Optuna's TPE over the same space, training the same network in PyTorch."""
    import numpy as np
    import optuna
    import torch
    from torch import nn

    torch.set_num_threads(1)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)
    x_learn, x_test = design_matrices(learn, test, "target")
    mean, sd = x_learn.mean(), x_learn.std().replace(0, 1)
    x_learn, x_test = (x_learn - mean) / sd, (x_test - mean) / sd
    y_mean, y_sd = float(learn["target"].mean()), float(learn["target"].std())
    order = np.random.default_rng(seed).permutation(len(learn))
    n_val = int(round(VAL_SHARE * len(learn)))
    x = torch.tensor(x_learn.to_numpy(), dtype=torch.float32)
    y = torch.tensor(((learn["target"] - y_mean) / y_sd).to_numpy(),
                     dtype=torch.float32).reshape(-1, 1)
    x_tr, y_tr = x[order[n_val:]], y[order[n_val:]]
    x_va, y_va = x[order[:n_val]], y[order[:n_val]]

    class Block(nn.Module):
        """tunelab's ResNetBlock: Linear-BN-ReLU-Linear-BN plus the shortcut, ReLU after."""

        def __init__(self, before, width):
            super().__init__()
            self.net = nn.Sequential(nn.Linear(before, width, bias=False), nn.BatchNorm1d(width),
                                     nn.ReLU(), nn.Linear(width, width, bias=False),
                                     nn.BatchNorm1d(width))
            self.shortcut = nn.Linear(before, width) if before != width else nn.Identity()

        def forward(self, h):
            return torch.relu(self.net(h) + self.shortcut(h))

    def network(widths):
        layers = [nn.Linear(x.shape[1], widths[0]), nn.ReLU()]
        for before, width in zip([widths[0]] + widths[:-1], widths):
            layers.append(Block(before, width))
        return nn.Sequential(*layers, nn.Linear(widths[-1], 1))

    def size(widths):
        return sum(p.numel() for p in network(widths).parameters())

    def train(params, keep=False):
        torch.manual_seed(seed)
        model = network(params["widths"])
        if params["optimizer"] == "sgd":
            optimizer = torch.optim.SGD(model.parameters(), lr=params["lr"],
                                        momentum=params["momentum"])
        else:
            optimizer = torch.optim.Adam(model.parameters(), lr=params["lr"])
        return fit_early_stopping(model, optimizer, nn.functional.mse_loss, (x_tr, y_tr),
                                  (x_va, y_va), BATCH, keep)

    low, high = WIDTHS
    val_rmse, wasted, feasible_params = [], 0, {}

    def objective(trial):
        nonlocal wasted
        params = {"optimizer": trial.suggest_categorical("optimizer", ["adam", "sgd"]),
                  "lr": trial.suggest_float("lr", 1e-4, 3e-2, log=True)}
        groups = trial.suggest_int("groups", 1, 3)
        if flat:
            momentum = trial.suggest_float("momentum", 0.0, 0.95)
            widths = [2 ** trial.suggest_int(f"c_hidden_{g}", low, high) for g in range(3)]
            meaningless = params["optimizer"] != "sgd" or groups < 3
        else:
            momentum = (trial.suggest_float("momentum", 0.0, 0.95)
                        if params["optimizer"] == "sgd" else 0.0)
            widths = [2 ** trial.suggest_int(f"c_hidden_{g}", low, high) for g in range(groups)]
            meaningless = False
        params.update(momentum=momentum, widths=widths[:groups])
        over = size(params["widths"]) - budget
        trial.set_user_attr("constraint", [over / budget])
        if over > 0 and not flat:  # define-by-run: checked before training
            wasted += 1
            val_rmse.append(math.inf)
            return 1e9
        value, _ = train(params)
        wasted += meaningless or over > 0
        feasible = over <= 0 and math.isfinite(value)
        val_rmse.append(math.sqrt(value) * y_sd if feasible else math.inf)
        if feasible:
            feasible_params[trial.number] = params
        return value if math.isfinite(value) else 1e9

    constraints = None if flat else (lambda t: t.user_attrs["constraint"])
    started = time.perf_counter()
    study = optuna.create_study(
        sampler=optuna.samplers.TPESampler(seed=seed, constraints_func=constraints))
    study.optimize(objective, n_trials=trials)
    best = min(feasible_params, key=lambda n: study.trials[n].value)
    _, model = train(feasible_params[best], keep=True)
    seconds = time.perf_counter() - started
    model.eval()
    with torch.no_grad():
        out = model(torch.tensor(x_test.to_numpy(), dtype=torch.float32))
    predicted = out[:, 0].numpy() * y_sd + y_mean
    return error("regression", test["target"].to_numpy(), predicted), val_rmse, wasted, seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tunelab", default=os.path.join(HERE, "..", "build", "tunelab"))
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--budget", type=int, default=20000)
    args = parser.parse_args()
    try:
        import optuna
    except ImportError:
        sys.exit("needs Debian's python3-optuna, -torch, -sklearn, -pandas "
                 "(run with /usr/bin/python3)")
    ways = ["tunelab, when + constraints", "Optuna, define-by-run + constraints_func",
            "Optuna, flat box"]
    results = {way: [] for way in ways}
    with tempfile.TemporaryDirectory() as folder:
        for seed in range(1, args.seeds + 1):
            learn, test, _, _ = load_table("diabetes", seed)
            results[ways[0]].append(tunelab_way(args.tunelab, folder, learn, test, seed,
                                                args.trials, args.budget))
            for way, flat in ((ways[1], False), (ways[2], True)):
                results[way].append(optuna_way(learn, test, seed, args.trials, args.budget, flat))
    flat_best = statistics.median(min(val) for _, val, _, _ in results[ways[2]])
    print(f"diabetes, ResNet over optimizer, lr, momentum (SGD), 1-3 groups and a width each, "
          f"at most {args.budget:,} parameters; TPE, {args.trials} trials, seeds "
          f"1-{args.seeds}, Optuna {optuna.__version__}\n")
    checkpoints = [k for k in (10, 20, 30, 50, 100) if k < args.trials] + [args.trials]
    print("| | median test RMSE | " +
          " | ".join(f"median best val RMSE after {k}" for k in checkpoints) +
          f" | runs reaching the flat median ({flat_best:.1f}) | trials wasted | median wall s |")
    print("| --- " * (len(checkpoints) + 5) + "|")
    for way, rows in results.items():
        reached = sum(trials_to(val, flat_best) is not None for _, val, _, _ in rows)
        wasted = statistics.mean(w for _, _, w, _ in rows) / args.trials
        after = [statistics.median(min(r[1][:k]) for r in rows) for k in checkpoints]
        print(f"| {way} | {statistics.median(r[0] for r in rows):.1f} | " +
              " | ".join(f"{v:.1f}" for v in after) +
              f" | {reached} of {len(rows)} | {wasted:.0%} | "
              f"{statistics.median(r[3] for r in rows):.1f} |")

if __name__ == "__main__":
    sys.exit(main())
