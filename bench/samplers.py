#!/usr/bin/python3
"""Samplers on analytic functions: tunelab's, and Optuna's in the same run.

Every sampler gets the same budget (50 trials) on each function for 10 root
seeds; the table shows the median over seeds of the best value found, and
the median regret (best value minus the known minimum). Optuna's samplers
run where Debian's python3-optuna is installed.

    bench/samplers.py [--tunelab build/tunelab] [--trials 50] [--seeds 10]
"""
import argparse
import concurrent.futures
import math
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import warnings

FUNCTIONS = {
    # name: (objective section, domain per input, known minimum)
    "branin": ("{name: branin}", [(-5, 10), (0, 15)], 0.397887357729738),
    "hartmann6": ("{name: hartmann6}", [(0, 1)] * 6, -3.32236801141551),
    "rosenbrock5": ("{name: rosenbrock, dimensions: 5}", [(-5, 10)] * 5, 0.0),
    "ackley5": ("{name: ackley, dimensions: 5}", [(-32.768, 32.768)] * 5, 0.0),
}

TUNELAB_SAMPLERS = {
    "random": "random",
    "lhs": "lhs",
    "sobol": "sobol",
    "tpe": "tpe",
    "tpe multivariate": "{name: tpe, multivariate: true}",
    "gp": "gp",
}


def experiment_text(function, seed, trials, sampler):
    section, domain, _ = FUNCTIONS[function]
    space = "\n".join(
        f"    objective.x{i}: {{type: float, low: {low}, high: {high}}}"
        for i, (low, high) in enumerate(domain))
    return (f"name: {function}\nseed: {seed}\nobjective: {section}\nsearch:\n"
            f"  trials: {trials}\n  sampler: {sampler}\n  space:\n{space}\n")


def tunelab_best(tunelab, folder, function, sampler, seed, trials):
    """The best value of one tunelab study (a store of its own)."""
    tag = f"{function}-{sampler}-{seed}".replace(" ", "_")
    path = os.path.join(folder, tag + ".yaml")
    with open(path, "w") as f:
        f.write(experiment_text(function, seed, trials, TUNELAB_SAMPLERS[sampler]))
    store = os.path.join(folder, tag + ".db")
    subprocess.run([tunelab, "run", path, "--storage", "sqlite:///" + store, "--quiet",
                    "--keep-weights", "none"], check=True, stdout=subprocess.DEVNULL)
    with sqlite3.connect(store) as db:
        return db.execute("SELECT min(value) FROM trials WHERE state = 'COMPLETE'").fetchone()[0]


def optuna_samplers(optuna):
    samplers = {
        "Optuna random": lambda seed: optuna.samplers.RandomSampler(seed=seed),
        "Optuna TPE": lambda seed: optuna.samplers.TPESampler(seed=seed),
        "Optuna TPE multivariate":
            lambda seed: optuna.samplers.TPESampler(seed=seed, multivariate=True),
    }
    try:
        import cmaes  # noqa: F401  (Optuna's CMA-ES needs it)
        samplers["Optuna CMA-ES"] = lambda seed: optuna.samplers.CmaEsSampler(seed=seed)
    except ImportError:
        pass
    return samplers


def optuna_best(optuna, make_sampler, function, seed, trials):
    _, domain, _ = FUNCTIONS[function]
    f = ANALYTIC[function]

    def objective(trial):
        return f([trial.suggest_float(f"x{i}", low, high) for i, (low, high) in enumerate(domain)])

    study = optuna.create_study(sampler=make_sampler(seed))
    study.optimize(objective, n_trials=trials)
    return study.best_value


def branin(x):
    b, c, t = 5.1 / (4 * math.pi ** 2), 5 / math.pi, 1 / (8 * math.pi)
    return (x[1] - b * x[0] ** 2 + c * x[0] - 6) ** 2 + 10 * (1 - t) * math.cos(x[0]) + 10


def hartmann6(x):
    alpha = [1.0, 1.2, 3.0, 3.2]
    a = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14],
         [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
    p = [[0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886],
         [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
         [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650],
         [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381]]
    return -sum(alpha[i] * math.exp(-sum(a[i][j] * (x[j] - p[i][j]) ** 2 for j in range(6)))
                for i in range(4))


def rosenbrock(x):
    return sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(len(x) - 1))


def ackley(x):
    n = len(x)
    return (-20 * math.exp(-0.2 * math.sqrt(sum(v * v for v in x) / n))
            - math.exp(sum(math.cos(2 * math.pi * v) for v in x) / n) + 20 + math.e)


ANALYTIC = {"branin": branin, "hartmann6": hartmann6, "rosenbrock5": rosenbrock,
            "ackley5": ackley}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tunelab", default=os.path.join(here, "..", "build", "tunelab"))
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--only", nargs="*", help="only these tunelab samplers (no Optuna)")
    args = parser.parse_args()
    seeds = list(range(1, args.seeds + 1))

    results = {}  # (sampler, function) -> best values over seeds
    with tempfile.TemporaryDirectory() as folder, \
            concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        jobs = {}
        for sampler in args.only or TUNELAB_SAMPLERS:
            for function in FUNCTIONS:
                for seed in seeds:
                    jobs[pool.submit(tunelab_best, args.tunelab, folder, function, sampler, seed,
                                     args.trials)] = (sampler, function)
        for job, key in jobs.items():
            results.setdefault(key, []).append(job.result())
    columns = list(args.only or TUNELAB_SAMPLERS)

    try:
        if args.only:
            raise ImportError("--only: tunelab's samplers alone")
        import optuna
        optuna.logging.set_verbosity(optuna.logging.WARNING)
        warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)
        for name, make in optuna_samplers(optuna).items():
            columns.append(name)
            for function in FUNCTIONS:
                results[(name, function)] = [
                    optuna_best(optuna, make, function, seed, args.trials) for seed in seeds]
    except ImportError as e:
        print(f"(Optuna's samplers are left out: {e})")

    print(f"median best value over {len(seeds)} seeds, {args.trials} trials each "
          f"(regret: best minus the known minimum)\n")
    print("| function (minimum) | " + " | ".join(columns) + " |")
    print("| --- " * (len(columns) + 1) + "|")
    for function, (_, _, minimum) in FUNCTIONS.items():
        cells = []
        for c in columns:
            best = statistics.median(results[(c, function)])
            cells.append(f"{best:.4g} ({best - minimum:.3g})")
        print(f"| {function} ({minimum:.6g}) | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    sys.exit(main())
