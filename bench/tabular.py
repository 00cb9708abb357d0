#!/usr/bin/python3
"""Tuned networks on real tables against gradient boosting, a linear model
and an Optuna + PyTorch script, in one run.

For each table (the ones tunelab registers by name: breast_cancer, wine,
diabetes, and a 5,000-row sample of diamonds) and each seed, the rows are
cut once into 80% to learn from and 20% to test on, and every contender
sees exactly those:

- linear: scikit-learn's LogisticRegression or Ridge (standardised inputs,
  one-hot categories);
- HGB: scikit-learn's HistGradientBoosting with its defaults;
- tunelab: `tunelab run` of an experiment file this script writes (the
  `resnet` model, TPE over learning rate, weight decay, width, depth,
  dropout and batch size; at most 100 epochs, patience 16; 25% of the
  learning rows held out for validation), then `tunelab predict` on the
  test rows with the best trial;
- ensemble: the same study's ensemble (search.ensemble, greedy selection of
  --ensemble picks over its trials' validation predictions), `tunelab
  predict --ensemble` on the test rows;
- peer: Optuna's TPE over the same space with the same budget, training
  the same network in PyTorch (Adam, the same early stopping, the same
  share of held-out rows, drawn by its own seed) as a script would.

With --init, tunelab runs the experiment file `tunelab init` writes for
the learning rows (its space, folds and the linear path under 2,000 rows,
the log of a skewed positive target, its ensemble and its budget: 40 trials
under 2,000 rows, 30 under 20,000, unless --trials says otherwise) instead
of the peer's space; the peer, if run, gets the same number of trials.

The error is 1 - accuracy for classification and the RMSE (in the
target's units) for regression. The table gives each contender's mean
error over the seeds (--median: the median; a small test split's error
moves in whole rows, so a median of a few splits jumps by a row where the
mean counts every mistake), the networks' errors over HGB's (a classifier
without a mistake counts half of one), their geometric mean over the
tables, and the median wall time of a study; then, per table, the
ensemble's (else tunelab's) error minus the linear model's and the peer's on
the same rows, split by split, with the mean and its standard error over the
splits (within noise or not). --per-seed also prints each split's errors.

    bench/tabular.py [--tunelab build/tunelab] [--trials N] [--seeds 1 2 3]
                     [--tables breast_cancer wine diabetes diamonds] [--no-peer]
                     [--ensemble 10] [--init] [--median] [--per-seed]
                     [--set data.target_transform=log ...]

Needs Debian's python3-sklearn, python3-pandas, python3-optuna and
python3-torch (scripts/setup.sh with TUNELAB_WITH_REFERENCES=1).
"""
import argparse
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")

TABLES = {  # file in data/, target, task, rows used (None: all)
    "breast_cancer": ("breast_cancer.csv", "diagnosis", "classification", None),
    "wine": ("wine.csv", "cultivar", "classification", None),
    "diabetes": ("diabetes.csv", "target", "regression", None),
    "diamonds": ("diamonds.csv", "price", "regression", 5000),
}

# The space both tuners search: (tunelab path, kind, low, high).
SPACE = [
    ("trainer.lr", "log", 1e-4, 3e-2),
    ("trainer.weight_decay", "log", 1e-6, 1e-2),
    ("model.c_hidden", "pow2", 4, 8),
    ("model.num_blocks", "int", 1, 4),
    ("model.dropout", "float", 0.0, 0.5),
    ("trainer.batch_size", "pow2", 4, 7),
]
EPOCHS, PATIENCE, VAL_SHARE = 100, 16, 0.25


def load_table(name, seed):
    import pandas as pd
    from sklearn.model_selection import train_test_split

    file, target, task, rows = TABLES[name]
    frame = pd.read_csv(os.path.join(ROOT, "data", file))
    if rows:
        frame = frame.sample(n=rows, random_state=0).reset_index(drop=True)
    stratify = frame[target] if task == "classification" else None
    learn, test = train_test_split(frame, test_size=0.2, random_state=seed, stratify=stratify)
    return learn.reset_index(drop=True), test.reset_index(drop=True), target, task


def error(task, truth, predicted):
    if task == "classification":
        return float((truth != predicted).mean())
    return math.sqrt(float(((truth - predicted) ** 2).mean()))


def design_matrices(learn, test, target):
    """One-hot categories (levels of the learning rows) and the numbers."""
    import pandas as pd

    x_learn = pd.get_dummies(learn.drop(columns=[target]), dtype=float)
    x_test = pd.get_dummies(test.drop(columns=[target]), dtype=float)
    return x_learn, x_test.reindex(columns=x_learn.columns, fill_value=0.0)


def baselines(learn, test, target, task):
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    x_learn, x_test = design_matrices(learn, test, target)
    if task == "classification":
        linear = make_pipeline(StandardScaler(), LogisticRegression(max_iter=5000))
        boosted = HistGradientBoostingClassifier(random_state=0)
    else:
        linear = make_pipeline(StandardScaler(), Ridge())
        boosted = HistGradientBoostingRegressor(random_state=0)
    out = {}
    for key, model in (("linear", linear), ("HGB", boosted)):
        started = time.perf_counter()
        model.fit(x_learn, learn[target])
        out[key] = (error(task, test[target], model.predict(x_test)),
                    time.perf_counter() - started)
    return out


def space_yaml(without=()):
    lines = []
    for path, kind, low, high in SPACE:
        if path in without:
            continue
        if kind == "log":
            lines.append(f"    {path}: {{type: float, low: {low}, high: {high}, log: true}}")
        elif kind == "pow2":
            lines.append(f"    {path}: {{type: int, low: {low}, high: {high}, transform: pow2}}")
        elif kind == "int":
            lines.append(f"    {path}: {{type: int, low: {low}, high: {high}}}")
        else:
            lines.append(f"    {path}: {{type: float, low: {low}, high: {high}}}")
    return "\n".join(lines)


def peer_space_experiment(target, task, trials, seed, ensemble, without):
    """The experiment file of a study over the peer's space."""
    return f"""name: tabular
seed: {seed}
data:
  dataset: csv
  args: {{path: learn.csv, target: {target}}}
  split: {{train: {1 - VAL_SHARE}, val: {VAL_SHARE}}}
  standardize: {{x: true, y: {'true' if task == 'regression' else 'false'}}}
model: {{name: resnet, block: ResNetBlock, act_fn: relu, groups: 1, num_blocks: 2, c_hidden: 64}}
trainer:
  optimizer: adamw
  lr: 1.0e-3
  batch_size: 64
  epochs: {EPOCHS}
  early_stopping: {{patience: {PATIENCE}}}
search:
  metric: val_loss
  trials: {trials}
  sampler: {{name: tpe}}
{f"  ensemble: {{size: {ensemble}}}" if ensemble else ""}
  space:
{space_yaml(without)}
"""


def tunelab_study(tunelab, folder, learn, test, target, task, trials, seed, sets=(),
                  ensemble=0, without=(), from_init=False):
    """The best trial's test error, the ensemble's (None without one), seconds
    and the number of trials.

    from_init: the experiment file is the one `tunelab init` writes for the
    learning rows (its space, folds and ensemble), with all of them to learn
    from (no test rows of its own) and `trials` as the budget (None: init's)."""
    learn_csv = os.path.join(folder, "learn.csv")
    test_csv = os.path.join(folder, "test.csv")
    learn.to_csv(learn_csv, index=False)
    test.drop(columns=[target]).to_csv(test_csv, index=False)
    experiment = os.path.join(folder, "experiment.yaml")
    if from_init:
        subprocess.run([tunelab, "init", learn_csv, "--target", target, "-o", experiment],
                       check=True, stdout=subprocess.DEVNULL)
        if trials is None:
            with open(experiment) as written:
                trials = int(re.search(r"^  trials: (\d+)$", written.read(), re.M).group(1))
        sets = ["data.split={train: 0.8, val: 0.2, test: 0}", f"search.trials={trials}",
                f"seed={seed}", *sets]
        ensemble = 10  # what init writes
    else:
        with open(experiment, "w") as out:
            out.write(peer_space_experiment(target, task, trials, seed, ensemble, without))
    store = os.path.join(folder, "tabular.db")
    started = time.perf_counter()
    extra = [arg for key_value in sets for arg in ("--set", key_value)]
    subprocess.run([tunelab, "run", experiment, "--storage", store, "--study", "tabular",
                    "--quiet", *extra],
                   check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    import pandas as pd

    def test_error(*how):
        predictions = os.path.join(folder, "predictions.csv")
        subprocess.run([tunelab, "predict", "tabular", *how, "--storage", store, "--input",
                        test_csv, "--output", predictions], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        predicted = pd.read_csv(predictions)[f"predicted_{target}"]
        if task == "classification":
            predicted = predicted.astype(str)
            truth = test[target].astype(str)
        else:
            truth = test[target]
        return error(task, truth.to_numpy(), predicted.to_numpy())

    return test_error(), test_error("--ensemble") if ensemble else None, seconds, trials


def fit_early_stopping(model, optimizer, loss_fn, train, val, batch, keep=False):
    """Trains `model` in shuffled batches for up to EPOCHS epochs, stopping
    PATIENCE epochs after the best validation loss (or at a loss that is not
    finite): that loss and the model, with the best epoch's weights if `keep`."""
    import torch

    (x_tr, y_tr), (x_va, y_va) = train, val
    best, best_state, waited = math.inf, None, 0
    for _ in range(EPOCHS):
        model.train()
        perm = torch.randperm(len(x_tr))
        for begin in range(0, len(x_tr), batch):
            index = perm[begin:begin + batch]
            if len(index) < 2:
                continue
            optimizer.zero_grad()
            loss_fn(model(x_tr[index]), y_tr[index]).backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            loss = float(loss_fn(model(x_va), y_va))
        if not math.isfinite(loss):
            break
        if loss < best:
            best, waited = loss, 0
            if keep:
                best_state = {k: v.clone() for k, v in model.state_dict().items()}
        else:
            waited += 1
            if waited >= PATIENCE:
                break
    if keep and best_state is not None:
        model.load_state_dict(best_state)
    return best, model


def peer_study(learn, test, target, task, trials, seed):
    """Optuna's TPE tuning the same network in PyTorch, as a script would."""
    import numpy as np
    import optuna
    import torch
    from torch import nn

    torch.set_num_threads(1)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    x_learn, x_test = design_matrices(learn, test, target)
    numeric = [c for c in learn.columns if c != target and learn[c].dtype.kind in "if"]
    mean = x_learn[numeric].mean()
    sd = x_learn[numeric].std().replace(0, 1)
    x_learn[numeric] = (x_learn[numeric] - mean) / sd
    x_test[numeric] = (x_test[numeric] - mean) / sd
    if task == "classification":
        classes = sorted(learn[target].astype(str).unique())
        y_all = np.array([classes.index(v) for v in learn[target].astype(str)])
        outputs = 1 if len(classes) == 2 else len(classes)
    else:
        y_mean, y_sd = float(learn[target].mean()), float(learn[target].std())
        y_all = ((learn[target] - y_mean) / y_sd).to_numpy()
        outputs = 1
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(learn))
    n_val = int(round(VAL_SHARE * len(learn)))
    val_rows, train_rows = order[:n_val], order[n_val:]
    x = torch.tensor(x_learn.to_numpy(), dtype=torch.float32)
    y = torch.tensor(y_all, dtype=torch.float32 if outputs == 1 else torch.int64)
    if outputs == 1:
        y = y.reshape(-1, 1)
    x_tr, y_tr, x_va, y_va = x[train_rows], y[train_rows], x[val_rows], y[val_rows]
    if task == "classification":
        loss_fn = nn.BCEWithLogitsLoss() if outputs == 1 else nn.CrossEntropyLoss()
    else:
        loss_fn = nn.MSELoss()

    class Block(nn.Module):
        def __init__(self, width, dropout):
            super().__init__()
            self.net = nn.Sequential(nn.Linear(width, width, bias=False), nn.BatchNorm1d(width),
                                     nn.ReLU(), nn.Dropout(dropout),
                                     nn.Linear(width, width, bias=False), nn.BatchNorm1d(width))

        def forward(self, h):
            return torch.relu(self.net(h) + h)

    def network(width, blocks, dropout):
        layers = [nn.Linear(x.shape[1], width), nn.ReLU()]
        layers += [Block(width, dropout) for _ in range(blocks)]
        return nn.Sequential(*layers, nn.Linear(width, outputs))

    def train(params, keep=False):
        torch.manual_seed(seed)
        model = network(2 ** params["c_hidden"], params["num_blocks"], params["dropout"])
        optimizer = torch.optim.AdamW(model.parameters(), lr=params["lr"],
                                      weight_decay=params["weight_decay"])
        batch = 2 ** params["batch_size"]
        return fit_early_stopping(model, optimizer, loss_fn, (x_tr, y_tr), (x_va, y_va), batch,
                                  keep)

    def objective(trial):
        params = {}
        for path, kind, low, high in SPACE:
            name = path.split(".")[-1]
            if kind == "log":
                params[name] = trial.suggest_float(name, low, high, log=True)
            elif kind == "float":
                params[name] = trial.suggest_float(name, low, high)
            else:
                params[name] = trial.suggest_int(name, low, high)
        value, _ = train(params)
        return value if math.isfinite(value) else 1e9

    started = time.perf_counter()
    study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=seed))
    study.optimize(objective, n_trials=trials)
    _, model = train(study.best_params, keep=True)
    seconds = time.perf_counter() - started
    model.eval()
    with torch.no_grad():
        out = model(torch.tensor(x_test.to_numpy(), dtype=torch.float32))
    if task == "classification":
        codes = (out[:, 0] > 0).long() if outputs == 1 else out.argmax(1)
        predicted = np.array([classes[int(c)] for c in codes])
        return error(task, test[target].astype(str).to_numpy(), predicted), seconds
    predicted = out[:, 0].numpy() * y_sd + y_mean
    return error(task, test[target].to_numpy(), predicted), seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tunelab", default=os.path.join(ROOT, "build", "tunelab"))
    parser.add_argument("--trials", type=int, default=None,
                        help="trials per study (default: 20; with --init, what init writes)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--tables", nargs="+", default=list(TABLES), choices=list(TABLES))
    parser.add_argument("--no-peer", action="store_true", help="leave the Optuna script out")
    parser.add_argument("--init", action="store_true",
                        help="tunelab runs the experiment file `tunelab init` writes (its space, "
                             "folds under 2,000 rows, and ensemble) instead of the peer's space")
    parser.add_argument("--ensemble", type=int, default=10, metavar="K",
                        help="tunelab's search.ensemble size (greedy picks); 0: none")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="passed to tunelab's run (a technique switched on or off)")
    parser.add_argument("--median", action="store_true",
                        help="each table's error is the median over the seeds (default: the mean)")
    parser.add_argument("--per-seed", action="store_true",
                        help="also print every split's errors")
    args = parser.parse_args()
    if args.trials is None and not args.init:
        args.trials = 20
    center = statistics.median if args.median else statistics.mean
    try:
        import pandas  # noqa: F401
        import sklearn  # noqa: F401
        if not args.no_peer:
            import optuna  # noqa: F401
            import torch  # noqa: F401
    except ImportError as e:
        sys.exit(f"bench/tabular.py needs {e.name}: TUNELAB_WITH_REFERENCES=1 scripts/setup.sh")

    contenders = (["linear", "HGB", "tunelab"] + (["ensemble"] if args.ensemble else [])
                  + ([] if args.no_peer else ["peer"]))
    print(f"test error (1 - accuracy, or RMSE in the target's units), "
          f"{'median' if args.median else 'mean'} of seeds {args.seeds}; the trials per study "
          f"in the table{' (what init writes)' if args.trials is None else ''}\n")
    networks = [c for c in ("tunelab", "ensemble", "peer") if c in contenders]
    timed = [c for c in ("tunelab", "peer") if c in contenders]
    print("| table | trials | " + " | ".join(contenders) + " | "
          + " | ".join(f"{c} / HGB" for c in networks) + " | "
          + " | ".join(f"{c} s" for c in timed) + " |")
    print("| --- " * (2 + len(contenders) + len(networks) + len(timed)) + "|")
    ratios = {c: [] for c in networks}
    # Per reference (the linear model, the peer) and table: the ensemble's
    # (else tunelab's) error minus the reference's, per seed.
    paired = {reference: [] for reference in ("linear", "peer") if reference in contenders}
    for name in args.tables:
        errors = {c: [] for c in contenders}
        seconds = {"tunelab": [], "peer": []}
        for seed in args.seeds:
            learn, test, target, task = load_table(name, seed)
            test_rows = len(test)
            for key, (value, _) in baselines(learn, test, target, task).items():
                errors[key].append(value)
            with tempfile.TemporaryDirectory() as folder:
                value, combined, took, trials = tunelab_study(
                    args.tunelab, folder, learn, test, target, task, args.trials, seed, args.set,
                    args.ensemble, from_init=args.init)
            errors["tunelab"].append(value)
            if args.ensemble:
                errors["ensemble"].append(combined)
            seconds["tunelab"].append(took)
            if not args.no_peer:
                value, took = peer_study(learn, test, target, task, trials, seed)
                errors["peer"].append(value)
                seconds["peer"].append(took)
        if args.per_seed:
            for c, values in errors.items():
                print(f"  {name} {c}: " + ", ".join(f"{v:.4g}" for v in values), flush=True)
        typical = {c: center(v) for c, v in errors.items()}
        ours = errors["ensemble" if "ensemble" in errors else "tunelab"]
        for reference, tables in paired.items():
            tables.append((name, [a - b for a, b in zip(ours, errors[reference])],
                           center(errors[reference])))
        row = [name, str(trials)] + [f"{typical[c]:.4g}" for c in contenders]
        # A classifier without a mistake on the test rows counts half a
        # mistake in the ratios, which 0 would leave undefined.
        floor = 0.5 / test_rows if TABLES[name][2] == "classification" else 0.0
        for c in networks:
            ratio = max(typical[c], floor) / max(typical["HGB"], floor)
            ratios[c].append(ratio)
            row.append(f"{ratio:.3f}")
        row += [f"{statistics.median(seconds[c]):.0f}" for c in timed]
        print("| " + " | ".join(row) + " |", flush=True)
    for c in networks:
        if ratios[c]:
            geometric = math.exp(statistics.mean(math.log(r) for r in ratios[c]))
            print(f"\ngeometric mean of {c}'s error over HGB's: {geometric:.3f}")
    for reference, tables in paired.items():
        # Within noise: the mean of the paired differences (same rows, same
        # seed) against their standard error over the seeds.
        print(f"\n{'ensemble' if args.ensemble else 'tunelab'} minus {reference}, per seed (same "
              f"rows), relative to the {reference}'s error: mean +- standard error")
        for name, differences, scale in tables:
            mean = statistics.mean(differences)
            error_bar = (statistics.stdev(differences) / math.sqrt(len(differences))
                         if len(differences) > 1 else float("nan"))
            relative = (f"; {100 * mean / scale:+.1f}% +- {100 * error_bar / scale:.1f}%"
                        if scale else f"; {mean:+.4g} +- {error_bar:.4g} (its error is 0)")
            print(f"  {name}: " + ", ".join(f"{d:+.4g}" for d in differences) + relative)


if __name__ == "__main__":
    main()
