#!/usr/bin/python3
"""Samplers on analytic functions: tunelab's and Optuna's, in the same run.

Every sampler gets the same budget (--trials, 50) on each function for the
same root seeds (--seeds 10 of them, from --first-seed 1); the tables show
the median over seeds of the best value found (with its regret: best minus
the known minimum) and the median seconds one study took. Optuna's samplers
run in processes of their own: Debian's python3-optuna where it is installed,
and Optuna from a source checkout with --optuna-src PATH (its master, say),
so that both versions are measured beside tunelab in one run.

A median over ten seeds can fall either way when two samplers' studies
scatter widely; --against COLUMN adds a table of how often a study of each
column ends below a study of COLUMN (every pair of their studies on a
function, ties counting half): above 0.5 is ahead.

    bench/samplers.py [--tunelab build/tunelab] [--trials 50] [--seeds 10]
                      [--first-seed 1] [--dimensions 5] [--functions ...]
                      [--only tunelab samplers] [--optuna-src PATH]
                      [--optuna-samplers TPE GP ...] [--against COLUMN]
                      [--jobs N]
"""
import argparse
import concurrent.futures
import json
import math
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import warnings

TUNELAB_SAMPLERS = {
    "random": "random",
    "lhs": "lhs",
    "sobol": "sobol",
    "tpe": "tpe",
    "gp": "gp",
    "auto": "auto",
}

# Optuna's samplers by the short name a column gets; those a version lacks
# (GPSampler before 3.6, CMA-ES without the cmaes module) are left out.
OPTUNA_SAMPLERS = ["random", "TPE", "TPE multivariate", "CMA-ES", "GP"]


def functions(dimensions):
    """name: (objective section, domain per input, known minimum, f)."""
    d = dimensions
    return {
        "branin": ("{name: branin}", [(-5, 10), (0, 15)], 0.397887357729738, branin),
        "hartmann6": ("{name: hartmann6}", [(0, 1)] * 6, -3.32236801141551, hartmann6),
        f"rosenbrock{d}": (f"{{name: rosenbrock, dimensions: {d}}}", [(-5, 10)] * d, 0.0,
                           rosenbrock),
        f"ackley{d}": (f"{{name: ackley, dimensions: {d}}}", [(-32.768, 32.768)] * d, 0.0,
                       ackley),
    }


def experiment_text(function, seed, trials, sampler):
    section, domain, _, _ = function
    space = "\n".join(
        f"    objective.x{i}: {{type: float, low: {low}, high: {high}}}"
        for i, (low, high) in enumerate(domain))
    return (f"name: bench\nseed: {seed}\nobjective: {section}\nsearch:\n"
            f"  trials: {trials}\n  sampler: {sampler}\n  space:\n{space}\n")


def timed_tunelab_run(tunelab, folder, tag, experiment):
    """Runs the experiment text as one study in a store of its own; returns
    the store's path and the seconds the whole `tunelab run` took."""
    path = os.path.join(folder, tag + ".yaml")
    with open(path, "w") as f:
        f.write(experiment)
    store = os.path.join(folder, tag + ".db")
    start = time.perf_counter()
    subprocess.run([tunelab, "run", path, "--storage", "sqlite:///" + store, "--quiet",
                    "--keep-weights", "none"], check=True, stdout=subprocess.DEVNULL)
    return store, time.perf_counter() - start


def tunelab_study(tunelab, folder, name, function, sampler, seed, trials):
    """(best value, seconds) of one tunelab study, in a store of its own."""
    store, seconds = timed_tunelab_run(
        tunelab, folder, f"{name}-{abs(hash(sampler))}-{seed}",
        experiment_text(function, seed, trials, TUNELAB_SAMPLERS.get(sampler, sampler)))
    with sqlite3.connect(store) as db:
        best = db.execute("SELECT min(value) FROM trials WHERE state = 'COMPLETE'").fetchone()[0]
    return best, seconds


class StudyFailed(Exception):
    pass


def optuna_process(script, source, worker_args):
    """What `script --optuna-worker ARGS` prints last, as JSON: one Optuna
    study run in a process of its own with one thread (Debian's Optuna, or
    the one under `source`); StudyFailed with the last line of its errors
    when it fails (a sampler of that Optuna that the installed modules
    cannot run)."""
    command = [sys.executable, os.path.abspath(script), "--optuna-worker"] + [
        str(a) for a in worker_args]
    env = dict(os.environ, OMP_NUM_THREADS="1")
    if source:
        env["PYTHONPATH"] = os.path.abspath(source)
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines() or ["exit status %d" % done.returncode]
        raise StudyFailed(lines[-1])
    return json.loads(done.stdout.splitlines()[-1])


def optuna_columns(source, debian, wanted):
    """(column, source, sampler) for each of `wanted` that each Optuna has:
    Debian's unless `debian` is false, and the checkout at `source` if any."""
    columns = []
    for where in ([None] if debian else []) + ([source] if source else []):
        found = optuna_version(where)
        if found is None:
            print(f"(Optuna {'from ' + where if where else 'installed'} cannot be imported: "
                  "left out)")
            continue
        version, have = found
        columns += [(f"Optuna {version} {sampler}", where, sampler) for sampler in wanted
                    if sampler in have]
    return columns


def optuna_study(source, sampler, name, dimensions, seed, trials):
    """(best value, seconds) of one Optuna study (optuna_process)."""
    result = optuna_process(__file__, source, [sampler, name, dimensions, seed, trials])
    return result["best"], result["seconds"]


def optuna_worker(sampler, name, dimensions, seed, trials):
    """Runs one Optuna study and prints its best value and seconds as JSON."""
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    warnings.filterwarnings("ignore")
    try:
        import torch
        torch.set_num_threads(1)  # one thread, as tunelab's samplers
    except ImportError:
        pass
    makers = {
        "random": lambda: optuna.samplers.RandomSampler(seed=seed),
        "TPE": lambda: optuna.samplers.TPESampler(seed=seed),
        "TPE multivariate": lambda: optuna.samplers.TPESampler(seed=seed, multivariate=True),
        "CMA-ES": lambda: optuna.samplers.CmaEsSampler(seed=seed),
        "GP": lambda: optuna.samplers.GPSampler(seed=seed),
    }
    _, domain, _, f = functions(dimensions)[name]

    def objective(trial):
        return f([trial.suggest_float(f"x{i}", low, high) for i, (low, high) in enumerate(domain)])

    study = optuna.create_study(sampler=makers[sampler]())
    start = time.perf_counter()
    study.optimize(objective, n_trials=trials)
    print(json.dumps({"best": study.best_value, "seconds": time.perf_counter() - start}))


def optuna_version(source):
    """Optuna's version and the samplers it has, or None when it cannot be
    imported."""
    env = dict(os.environ)
    if source:
        env["PYTHONPATH"] = os.path.abspath(source)
    probe = ("import json, optuna\n"
             "have = {'random': 1, 'TPE': 1, 'TPE multivariate': 1, 'NSGA-II': 1,\n"
             "        'GP': hasattr(optuna.samplers, 'GPSampler')}\n"
             "try:\n    import cmaes; have['CMA-ES'] = 1\nexcept ImportError:\n    pass\n"
             "print(json.dumps([optuna.__version__, [k for k, v in have.items() if v]]))\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env)
    if done.returncode != 0:
        return None
    return json.loads(done.stdout.splitlines()[-1])


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


def print_table(title, columns, rows, cell, first="function (minimum)"):
    """A Markdown table: one row per (label, key) of `rows`, `cell(column,
    key)` in each column, under `first` and the columns."""
    print(title + "\n")
    print(f"| {first} | " + " | ".join(columns) + " |")
    print("| --- " * (len(columns) + 1) + "|")
    for label, key in rows:
        print(f"| {label} | " + " | ".join(cell(c, key) for c in columns) + " |")
    print()


def share_below(ours, theirs):
    """How often a value of `ours` is below one of `theirs`, over every
    pair (ties count half): the probability of superiority that the
    Mann-Whitney test counts."""
    wins = sum(1.0 if a < b else 0.5 if a == b else 0.0 for a in ours for b in theirs)
    return wins / (len(ours) * len(theirs))


def column_named(wanted, columns):
    """The one column that is `wanted` or ends with it ("Optuna 5.0.0.dev
    TPE" for "TPE" when no other column ends so), else None."""
    if wanted in columns:
        return wanted
    matches = [c for c in columns if c.endswith(" " + wanted)]
    return matches[0] if len(matches) == 1 else None


def benchmark_arguments(doc, trials):
    """The options the sampler benchmarks share: the tunelab to run, the
    budget, the seeds, the functions, which samplers, which Optunas."""
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--tunelab", default=os.path.join(here, "..", "build", "tunelab"))
    parser.add_argument("--trials", type=int, default=trials)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--first-seed", type=int, default=1)
    parser.add_argument("--dimensions", type=int, default=5,
                        help="inputs of the functions of any dimension")
    parser.add_argument("--functions", nargs="*", help="only these (names as in the table)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--only", nargs="*",
                        help="only these tunelab samplers: names of the table, or sampler "
                        "sections such as '{name: gp, warp: none}'")
    parser.add_argument("--optuna-src", help="also run Optuna from this source checkout")
    parser.add_argument("--no-debian-optuna", action="store_true",
                        help="leave out the installed Optuna")
    return parser


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--optuna-worker":
        sampler, name, dimensions, seed, trials = sys.argv[2:7]
        return optuna_worker(sampler, name, int(dimensions), int(seed), int(trials))
    parser = benchmark_arguments(__doc__, trials=50)
    parser.add_argument("--optuna-samplers", nargs="*", default=OPTUNA_SAMPLERS,
                        help="which of Optuna's samplers to run")
    parser.add_argument("--against", metavar="COLUMN",
                        help="also print how often each column's studies end below this "
                        "column's (a column's name, or its end when only one column ends so)")
    args = parser.parse_args()
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    table = functions(args.dimensions)
    names = args.functions or list(table)
    for name in names:
        if name not in table:
            parser.error(f"unknown function '{name}' (expected one of {', '.join(table)})")

    # Optuna's columns: (column, source, sampler).
    optunas = optuna_columns(args.optuna_src, not args.no_debian_optuna, args.optuna_samplers)

    tunelab_columns = args.only if args.only is not None else list(TUNELAB_SAMPLERS)
    reference = None
    if args.against is not None:
        all_columns = tunelab_columns + [c for c, _, _ in optunas]
        reference = column_named(args.against, all_columns)
        if reference is None:
            parser.error(f"--against: no single column is '{args.against}' "
                         f"(the columns: {', '.join(all_columns)})")
    results = {}  # (column, function) -> [(best, seconds)] over seeds
    with tempfile.TemporaryDirectory() as folder, \
            concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        jobs = {}
        for sampler in tunelab_columns:
            for name in names:
                for seed in seeds:
                    jobs[pool.submit(tunelab_study, args.tunelab, folder, name, table[name],
                                     sampler, seed, args.trials)] = (sampler, name)
        for column, source, sampler in optunas:
            for name in names:
                for seed in seeds:
                    jobs[pool.submit(optuna_study, source, sampler, name, args.dimensions, seed,
                                     args.trials)] = (column, name)
        failed = {}  # column -> why
        for job, key in jobs.items():
            try:
                results.setdefault(key, []).append(job.result())
            except StudyFailed as e:
                failed.setdefault(key[0], str(e))
    columns = tunelab_columns + [c for c, _, _ in optunas if c not in failed]
    for column, why in failed.items():
        print(f"({column} is left out: a study failed with {why})")
    rows = [(f"{name} ({table[name][2]:.6g})", name) for name in names]

    def best_cell(column, name):
        best = statistics.median(b for b, _ in results[(column, name)])
        return f"{best:.4g} ({best - table[name][2]:.3g})"

    def seconds_cell(column, name):
        return f"{statistics.median(s for _, s in results[(column, name)]):.2f}"

    print_table(f"median best value over root seeds {seeds[0]}-{seeds[-1]}, {args.trials} trials "
                "each (regret: best minus the known minimum)", columns, rows, best_cell)
    print_table("median seconds per study (tunelab: the whole `tunelab run`; Optuna: "
                "study.optimize, one thread)", columns, rows, seconds_cell)
    if reference is None:
        return
    if reference in failed:
        print(f"(no comparison against {reference}: its studies failed)")
        return

    def share_cell(column, name):
        ours, theirs = ([b for b, _ in results[(c, name)]] for c in (column, reference))
        return f"{share_below(ours, theirs):.2f}"

    print_table(f"share of study pairs (each column's against {reference}'s, same function) "
                "in which the column's study ends lower; ties count half",
                [c for c in columns if c != reference], rows, share_cell)


if __name__ == "__main__":
    sys.exit(main())
