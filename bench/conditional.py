#!/usr/bin/python3
"""A conditional space searched three ways: tunelab's `when`, Optuna's define-by-run, a flat box.

The problem: Rosenbrock in 2, 3 or 4 dimensions, the number of dimensions
searched too, x2 meaningful only in 3 or 4 and x3 only in 4 (tunelab's
`rosenbrock` refuses an input beyond its dimensions; Python's function here
is the same sum). Three ways, each with TPE and the same budget, seeds 1..N:

- tunelab: the space with `when` (experiments in the format of
  docs/experiment-file.md, "Conditional dimensions");
- Optuna (Debian's python3-optuna) define-by-run: x2 and x3 suggested only
  where they mean something, as an Optuna user writes it;
- flat: Optuna's TPE over the whole box, every param suggested in every
  trial and the meaningless ones ignored, which is what a tool without
  conditions leaves a user (tunelab refuses a setting that means nothing,
  so the flat box runs in Optuna).

It prints the median best value, the median number of trials to reach a
target, and the share of trials that searched a meaningless param.

    bench/conditional.py [--tunelab build/tunelab] [--trials 60] [--seeds 10] [--target 0.5]
"""
import argparse
import math
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")

SPACE = """  space:
    objective.dimensions: {type: int, low: 2, high: 4}
    objective.x0: {type: float, low: -2, high: 2}
    objective.x1: {type: float, low: -2, high: 2}
    objective.x2: {type: float, low: -2, high: 2, when: {objective.dimensions: [3, 4]}}
    objective.x3: {type: float, low: -2, high: 2, when: {objective.dimensions: 4}}
"""


def rosenbrock(x):
    return sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(len(x) - 1))


def trials_to(values, target):
    """The 1-based trial at which the running best first reaches `target` (None if never)."""
    best = math.inf
    for k, v in enumerate(values, start=1):
        best = min(best, v)
        if best <= target:
            return k
    return None


def tunelab_run(tunelab, folder, trials, seed):
    experiment = os.path.join(folder, f"conditional-{seed}.yaml")
    with open(experiment, "w") as out:
        out.write(f"name: conditional\nseed: {seed}\nobjective: {{name: rosenbrock}}\n"
                  f"search:\n  trials: {trials}\n  sampler: tpe\n{SPACE}")
    store = os.path.join(folder, f"conditional-{seed}.db")
    subprocess.run([tunelab, "run", experiment, "--storage", store, "--quiet"], check=True,
                   stdout=subprocess.DEVNULL)
    with sqlite3.connect(store) as db:
        return [v for (v,) in db.execute("SELECT value FROM trials ORDER BY number")], 0


def optuna_run(trials, seed, flat):
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    meaningless = 0

    def objective(trial):
        nonlocal meaningless
        d = trial.suggest_int("dimensions", 2, 4)
        x = [trial.suggest_float("x0", -2, 2), trial.suggest_float("x1", -2, 2)]
        if flat:
            x += [trial.suggest_float("x2", -2, 2), trial.suggest_float("x3", -2, 2)]
            meaningless += d < 4
            x = x[:d]
        else:
            if d >= 3:
                x.append(trial.suggest_float("x2", -2, 2))
            if d == 4:
                x.append(trial.suggest_float("x3", -2, 2))
        return rosenbrock(x)

    study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=seed))
    study.optimize(objective, n_trials=trials)
    return [t.value for t in study.trials], meaningless


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tunelab", default=os.path.join(ROOT, "build", "tunelab"))
    parser.add_argument("--trials", type=int, default=60)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--target", type=float, default=0.5)
    args = parser.parse_args()
    try:
        import optuna
    except ImportError:
        sys.exit("needs Debian's python3-optuna (run with /usr/bin/python3)")
    ways = {"tunelab, when": None, "Optuna, define-by-run": False, "Optuna, flat box": True}
    results = {way: [] for way in ways}
    with tempfile.TemporaryDirectory() as folder:
        for seed in range(1, args.seeds + 1):
            for way, flat in ways.items():
                if flat is None:
                    values, meaningless = tunelab_run(args.tunelab, folder, args.trials, seed)
                else:
                    values, meaningless = optuna_run(args.trials, seed, flat)
                results[way].append((min(values), trials_to(values, args.target), meaningless))
    print(f"Rosenbrock in 2 to 4 dimensions (x2, x3 conditional), TPE, {args.trials} trials, "
          f"seeds 1-{args.seeds}, Optuna {optuna.__version__}; target {args.target}\n")
    print("| | median best | runs reaching the target | median trials to it | "
          "trials with a meaningless param |")
    print("| --- | --- | --- | --- | --- |")
    for way, rows in results.items():
        reached = [k for _, k, _ in rows if k is not None]
        wasted = statistics.mean(m for _, _, m in rows) / args.trials
        print(f"| {way} | {statistics.median(b for b, _, _ in rows):.4g} | "
              f"{len(reached)} of {len(rows)} | "
              f"{statistics.median(reached) if reached else '-'} | {wasted:.0%} |")


if __name__ == "__main__":
    sys.exit(main())
