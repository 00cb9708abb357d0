#!/usr/bin/python3
"""A tuned ResNet against a linear model on the diabetes data, and against
Optuna + PyTorch eager, in one run.

For each root seed: tunelab tunes experiments/diabetes_cv.yaml (50 trials,
4-fold cross-validation, TPE, percentile pruner), builds the study's
ensemble (`tunelab ensemble`, --ensemble greedy picks), and fits
experiments/diabetes_linear.yaml on the same split; the table gives the best
trial's test MSE, the ensemble's and the linear model's (in the target's
units, and in standardised units), and the study's wall time. With --reference, Optuna's TPE tunes the same space with
the chapter's PyTorch model (tests/reference/chapter_models.py) trained
eagerly on one validation split of its own (Debian's python3-optuna and
python3-torch), as a script would, for the same seeds.

    bench/diabetes.py [--tunelab build/tunelab] [--seeds 1 2 3] [--ensemble 10] [--reference]
"""
import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")


def tunelab_run(tunelab, folder, experiment, seed, ensemble=0):
    """Of one study in a store of its own: the best trial's test loss
    (standardised units) and test MSE (target units), the ensemble's test MSE
    (target units; None without one) and its test loss, and the wall seconds
    of the study."""
    store = os.path.join(folder, f"{os.path.basename(experiment)}-{seed}.db")
    started = time.perf_counter()
    subprocess.run([tunelab, "run", os.path.join(ROOT, "experiments", experiment),
                    "--set", f"seed={seed}", "--storage", "sqlite:///" + store, "--quiet",
                    "--keep-weights", "all" if ensemble else "none"],
                   check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    with sqlite3.connect(store) as db:
        name, test, rmse = db.execute(
            "SELECT s.name, t.test_loss, m.value FROM trials t JOIN studies s USING (study_id) "
            "JOIN trial_metrics m ON m.trial_id = t.trial_id AND m.name = 'test_rmse' "
            "WHERE t.state = 'COMPLETE' ORDER BY t.value, t.number LIMIT 1").fetchone()
    combined = None
    if ensemble:
        subprocess.run([tunelab, "ensemble", name, "--size", str(ensemble), "--storage",
                        "sqlite:///" + store], check=True, stdout=subprocess.DEVNULL)
        with sqlite3.connect(store) as db:
            combined = db.execute("SELECT value FROM ensemble_metrics "
                                  "WHERE name = 'test_rmse'").fetchone()[0] ** 2
    return test, rmse ** 2, combined, seconds


def diabetes_split(seed):
    """The diabetes data split 60/20/20 by `seed`, standardised by the training
    rows: ((x, y) train, (x, y) validation, (x, y) test) as PyTorch tensors."""
    import csv
    import torch
    torch.manual_seed(seed)
    with open(os.path.join(ROOT, "data", "diabetes.csv")) as f:
        rows = [[float(v) for v in r] for r in list(csv.reader(f))[1:]]
    data = torch.tensor(rows)
    order = torch.randperm(len(data))
    n_train, n_val = int(0.6 * len(data)), int(0.2 * len(data))
    parts = (order[:n_train], order[n_train:n_train + n_val], order[n_train + n_val:])
    x, y = data[:, :-1], data[:, -1:]
    mean_x, std_x = x[parts[0]].mean(0), x[parts[0]].std(0)
    mean_y, std_y = y[parts[0]].mean(0), y[parts[0]].std(0)
    return tuple(((x[p] - mean_x) / std_x, (y[p] - mean_y) / std_y) for p in parts)


def train_eagerly(model, optimizer, batch, epochs, split, patience=10):
    """The loop a PyTorch script runs: mini-batches, validation every epoch,
    early stopping. Returns (best val MSE, test MSE at that epoch)."""
    import torch
    (xt, yt), (xv, yv), (xs, ys) = split
    best, best_test, waited = float("inf"), float("nan"), 0
    for _ in range(epochs):
        model.train()
        perm = torch.randperm(len(xt))
        for begin in range(0, len(xt), batch):
            rows = perm[begin:begin + batch]
            if len(rows) < 2:
                continue
            optimizer.zero_grad()
            torch.nn.functional.mse_loss(model(xt[rows]), yt[rows]).backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            val = torch.nn.functional.mse_loss(model(xv), yv).item()
            if val < best:
                best, waited = val, 0
                best_test = torch.nn.functional.mse_loss(model(xs), ys).item()
            else:
                waited += 1
        if waited >= patience or val != val:
            break
    return best, best_test


def eager_trial(trial, split, width_log2, blocks, lr, batch_log2, epochs):
    """One Optuna trial of the chapter's ResNet (tests/reference/chapter_models.py)
    trained eagerly: the params drawn from these ranges (epochs: low, high,
    step), two groups of blocks. Returns (best val MSE, its test MSE)."""
    import torch
    sys.path.insert(0, os.path.join(ROOT, "tests", "reference"))
    import chapter_models
    width = 2 ** trial.suggest_int("c_hidden", *width_log2)
    depth = trial.suggest_int("num_blocks", *blocks)
    model = chapter_models.ResNet(
        10, 1, num_blocks=[depth, depth], c_hidden=[width, width],
        act_fn_name=trial.suggest_categorical(
            "act_fn", ["relu", "elu", "leaky_relu", "gelu", "silu"]),
        block_name=trial.suggest_categorical("block", ["ResNetBlock", "PreActResNetBlock"]))
    optimizer = torch.optim.Adam(
        model.parameters(), lr=trial.suggest_float("lr", *lr, log=True),
        weight_decay=trial.suggest_float("weight_decay", 1e-6, 1e-2, log=True))
    batch = 2 ** trial.suggest_int("batch_size", *batch_log2)
    low, high, step = epochs
    return train_eagerly(model, optimizer, batch, trial.suggest_int("epochs", low, high, step=step),
                         split)


def reference_run(seed, trials=50):
    """Optuna TPE + PyTorch eager on one split: (val MSE, test MSE, wall seconds)."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    split = diabetes_split(seed)

    def objective(trial):
        best, best_test = eager_trial(trial, split, width_log2=(3, 8), blocks=(1, 6),
                                      lr=(1e-4, 1e-1), batch_log2=(3, 7), epochs=(10, 200, 1))
        trial.set_user_attr("test", best_test)
        return best if best == best else float("inf")

    started = time.perf_counter()
    study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=seed))
    study.optimize(objective, n_trials=trials)
    return study.best_value, study.best_trial.user_attrs["test"], time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tunelab", default=os.path.join(ROOT, "build", "tunelab"))
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--ensemble", type=int, default=10, metavar="K",
                        help="greedy picks of the study's ensemble")
    parser.add_argument("--reference", action="store_true")
    args = parser.parse_args()

    print("test MSE in the target's units (standardised by each split's training rows in the "
          "last two columns), wall time per study\n")
    header = ("| seed | diabetes_cv best trial | its ensemble | linear | tunelab wall | "
              "best trial (standardised) | linear (standardised) |")
    if args.reference:
        header += " Optuna + eager val | Optuna + eager test | Optuna + eager wall |"
    print(header)
    print("| --- " * (header.count("|") - 1) + "|")
    rows, reference = [], []
    with tempfile.TemporaryDirectory() as folder:
        for seed in args.seeds:
            test, mse, combined, wall = tunelab_run(args.tunelab, folder, "diabetes_cv.yaml",
                                                    seed, args.ensemble)
            base, base_mse, _, _ = tunelab_run(args.tunelab, folder, "diabetes_linear.yaml", seed)
            rows.append((mse, combined if combined else float("nan"), base_mse, wall, test, base))
            line = (f"| {seed} | {mse:.0f} | {rows[-1][1]:.0f} | {base_mse:.0f} | {wall:.1f} s | "
                    f"{test:.4f} | {base:.4f} |")
            if args.reference:
                val, ref_test, ref_wall = reference_run(seed)
                reference.append((val, ref_test, ref_wall))
                line += f" {val:.4f} | {ref_test:.4f} | {ref_wall:.1f} s |"
            print(line, flush=True)
    mse, combined, base_mse, wall, test, base = (statistics.mean(c) for c in zip(*rows))
    line = (f"| mean | {mse:.0f} | {combined:.0f} | {base_mse:.0f} | {wall:.1f} s | {test:.4f} | "
            f"{base:.4f} |")
    if reference:
        val, test, wall = (statistics.mean(column) for column in zip(*reference))
        line += f" {val:.4f} | {test:.4f} | {wall:.1f} s |"
    print(line)


if __name__ == "__main__":
    main()
