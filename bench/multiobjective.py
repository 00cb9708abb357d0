#!/usr/bin/python3
"""Samplers for several objectives: tunelab's and Optuna's, in the same run.

Each sampler gets --trials (100) trials on ZDT1, ZDT2, ZDT3 (--dimensions,
5, inputs) and DTLZ2 (three objectives, --dimensions + 1 inputs) for
--seeds (10) root seeds; the table shows the median over seeds of the
hypervolume the study's trials dominate up to a reference point (stated per
function; larger is better), and a second table the median seconds a study
took. Optuna runs in processes of its own: Debian's python3-optuna, and with
--optuna-src PATH Optuna from a source checkout, as in bench/samplers.py.

    bench/multiobjective.py [--tunelab build/tunelab] [--trials 100] [--seeds 10]
                            [--first-seed 1] [--dimensions 5] [--functions ...]
                            [--only nsga2 random ...] [--optuna-src PATH] [--jobs N]
"""
import concurrent.futures
import json
import math
import os
import sqlite3
import statistics
import sys
import tempfile
import time
import warnings

from samplers import (StudyFailed, benchmark_arguments, optuna_columns, optuna_process,
                      print_table, timed_tunelab_run)

TUNELAB_SAMPLERS = ["gp", "tpe", "nsga2", "random"]
OPTUNA_SAMPLERS = ["GP", "NSGA-II", "TPE", "random"]


def zdt(h):
    def f(x):
        g = 1 + 9 * sum(x[1:]) / (len(x) - 1)
        return [x[0], g * h(x[0], x[0] / g)]
    return f


def dtlz2(x):
    g = sum((v - 0.5) ** 2 for v in x[2:])
    a, b = x[0] * math.pi / 2, x[1] * math.pi / 2
    return [(1 + g) * math.cos(a) * math.cos(b), (1 + g) * math.cos(a) * math.sin(b),
            (1 + g) * math.sin(a)]


def functions(dimensions):
    """name: (objective section, inputs, outputs, reference point, f)."""
    d = dimensions
    return {
        "zdt1": (f"{{name: zdt1, dimensions: {d}}}", d, ["f1", "f2"], [1.1, 11],
                 zdt(lambda f1, r: 1 - math.sqrt(r))),
        "zdt2": (f"{{name: zdt2, dimensions: {d}}}", d, ["f1", "f2"], [1.1, 11],
                 zdt(lambda f1, r: 1 - r * r)),
        "zdt3": (f"{{name: zdt3, dimensions: {d}}}", d, ["f1", "f2"], [1.1, 11],
                 zdt(lambda f1, r: 1 - math.sqrt(r) - r * math.sin(10 * math.pi * f1))),
        "dtlz2": (f"{{name: dtlz2, dimensions: {d + 1}}}", d + 1, ["f1", "f2", "f3"],
                  [2.5, 2.5, 2.5], dtlz2),
    }


def hypervolume(points, reference):
    """The volume the points dominate up to `reference` (minimisation), exact
    in 2 and 3 dimensions (3: sliced along the last objective)."""
    points = [p for p in points if all(v < r for v, r in zip(p, reference))]
    if not points:
        return 0.0
    if len(reference) == 2:
        volume, lowest = 0.0, reference[1]
        for x, y in sorted(points):
            if y < lowest:
                volume += (reference[0] - x) * (lowest - y)
                lowest = y
        return volume
    volume = 0.0
    by_last = sorted(points, key=lambda p: p[-1])
    for i, p in enumerate(by_last):
        top = by_last[i + 1][-1] if i + 1 < len(by_last) else reference[-1]
        if top > p[-1]:
            volume += hypervolume([q[:-1] for q in by_last[:i + 1]], reference[:-1]) * (
                top - p[-1])
    return volume


def complete_values(store):
    """Each complete trial's objective values, in trial order, from a store."""
    with sqlite3.connect(store) as db:
        values = {}
        for number, value in db.execute(
                "SELECT t.number, v.value FROM trial_values v JOIN trials t USING (trial_id) "
                "WHERE t.state = 'COMPLETE' ORDER BY t.number, v.objective"):
            values.setdefault(number, []).append(value)
    return list(values.values())


def tunelab_study(tunelab, folder, name, function, sampler, seed, trials):
    section, inputs, outputs, _, _ = function
    space = "\n".join(f"    objective.x{i}: {{type: float, low: 0, high: 1}}"
                      for i in range(inputs))
    store, seconds = timed_tunelab_run(
        tunelab, folder, f"{name}-{abs(hash(sampler))}-{seed}",
        f"name: bench\nseed: {seed}\nobjective: {section}\nsearch:\n"
        f"  objectives: [{', '.join(outputs)}]\n  trials: {trials}\n"
        f"  sampler: {sampler}\n  space:\n{space}\n")
    return complete_values(store), seconds


def optuna_worker(sampler, name, dimensions, seed, trials):
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    warnings.filterwarnings("ignore")
    try:
        import torch
        torch.set_num_threads(1)  # one thread, as tunelab's samplers
    except ImportError:
        pass
    makers = {
        "GP": lambda: optuna.samplers.GPSampler(seed=seed),
        "NSGA-II": lambda: optuna.samplers.NSGAIISampler(seed=seed),
        "TPE": lambda: optuna.samplers.TPESampler(seed=seed),
        "random": lambda: optuna.samplers.RandomSampler(seed=seed),
    }
    _, inputs, outputs, _, f = functions(dimensions)[name]

    def objective(trial):
        return f([trial.suggest_float(f"x{i}", 0, 1) for i in range(inputs)])

    study = optuna.create_study(sampler=makers[sampler](), directions=["minimize"] * len(outputs))
    start = time.perf_counter()
    study.optimize(objective, n_trials=trials)
    seconds = time.perf_counter() - start
    print(json.dumps({"values": [t.values for t in study.trials if t.values],
                      "seconds": seconds}))


def optuna_study(source, sampler, name, dimensions, seed, trials):
    result = optuna_process(__file__, source, [sampler, name, dimensions, seed, trials])
    return result["values"], result["seconds"]


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--optuna-worker":
        sampler, name, dimensions, seed, trials = sys.argv[2:7]
        return optuna_worker(sampler, name, int(dimensions), int(seed), int(trials))
    parser = benchmark_arguments(__doc__, trials=100)
    args = parser.parse_args()
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    table = functions(args.dimensions)
    names = args.functions or list(table)
    optunas = optuna_columns(args.optuna_src, not args.no_debian_optuna, OPTUNA_SAMPLERS)
    tunelab_columns = args.only if args.only is not None else TUNELAB_SAMPLERS
    results = {}
    failed = {}
    with tempfile.TemporaryDirectory() as folder, \
            concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        jobs = {}
        for name in names:
            for seed in seeds:
                for sampler in tunelab_columns:
                    jobs[pool.submit(tunelab_study, os.path.abspath(args.tunelab), folder, name,
                                     table[name], sampler, seed, args.trials)] = (sampler, name)
                for column, source, sampler in optunas:
                    jobs[pool.submit(optuna_study, source, sampler, name, args.dimensions, seed,
                                     args.trials)] = (column, name)
        for job, key in jobs.items():
            try:
                values, seconds = job.result()
                reference = table[key[1]][3]
                results.setdefault(key, []).append((hypervolume(values, reference), seconds))
            except StudyFailed as e:
                failed.setdefault(key[0], str(e))
    columns = tunelab_columns + [c for c, _, _ in optunas if c not in failed]
    for column, why in failed.items():
        print(f"({column} is left out: a study failed with {why})")
    print(f"{args.trials} trials, median over {args.seeds} root seeds from {args.first_seed}; "
          f"ZDT in {args.dimensions} dimensions, DTLZ2 in {args.dimensions + 1}\n")
    rows = [(f"{name} ({', '.join(f'{v:g}' for v in table[name][3])})", name) for name in names]
    for title, index, digits in (("Hypervolume (larger is better)", 0, "{:.4g}"),
                                 ("Median seconds per study", 1, "{:.2f}")):
        print_table(title, columns, rows,
                    lambda c, name: digits.format(
                        statistics.median(r[index] for r in results[(c, name)])),
                    first="function (reference point)")


if __name__ == "__main__":
    main()
