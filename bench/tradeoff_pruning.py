#!/usr/bin/python3
"""Pruning a study of two objectives: what each pruner saves and what it costs the front.

experiments/diabetes_tradeoff.yaml (val_rmse against n_params, NSGA-II) runs
--trials (100) trials for --seeds (10) root seeds under each pruner: none,
`median` comparing both objectives by dominance (a trial stops when more
than half the completed trials beat it on both at that epoch), and `median`
deciding on val_rmse alone (`objective: val_rmse`). The table shows the
medians over seeds of the hypervolume of the complete trials' (val_rmse,
log10 n_params) up to (100, 6) (larger is better), the epochs trained in
all (the work pruning saves), the trials pruned and the seconds of the
whole `tunelab run`.

    bench/tradeoff_pruning.py [--tunelab build/tunelab] [--trials 100] [--seeds 10]
                              [--first-seed 1] [--jobs N]
"""
import argparse
import concurrent.futures
import math
import os
import sqlite3
import statistics
import subprocess
import tempfile
import time

from multiobjective import complete_values, hypervolume
from samplers import print_table

HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCE = [100, 6]
PRUNERS = {
    "none": "none",
    "median, by dominance": "{name: median}",
    "median, by val_rmse alone": "{name: median, objective: val_rmse}",
}


def run_study(tunelab, folder, pruner, seed, trials):
    """(hypervolume, epochs trained, trials pruned, seconds) of one study."""
    tag = f"{abs(hash(pruner))}-{seed}"
    store = os.path.join(folder, tag + ".db")
    command = [tunelab, "run", os.path.join(HERE, "..", "experiments", "diabetes_tradeoff.yaml"),
               "--storage", store, "--quiet", "--keep-weights", "none",
               "--set", f"seed={seed}", "--set", f"search.trials={trials}",
               "--set", f"search.pruner={pruner}"]
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    with sqlite3.connect(store) as db:
        epochs = db.execute("SELECT count(*) FROM epochs").fetchone()[0]
        pruned = db.execute("SELECT count(*) FROM trials WHERE state = 'PRUNED'").fetchone()[0]
    points = [[rmse, math.log10(size)] for rmse, size in complete_values(store)]
    return hypervolume(points, REFERENCE), epochs, pruned, seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tunelab", default=os.path.join(HERE, "..", "build", "tunelab"))
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--first-seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    tunelab = os.path.abspath(args.tunelab)
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    with tempfile.TemporaryDirectory() as folder, \
            concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        jobs = {(label, seed): pool.submit(run_study, tunelab, folder, pruner, seed, args.trials)
                for label, pruner in PRUNERS.items() for seed in seeds}
        results = {key: job.result() for key, job in jobs.items()}
    print(f"experiments/diabetes_tradeoff.yaml, {args.trials} trials, medians over root seeds "
          f"{seeds[0]}-{seeds[-1]}\n")
    columns = ["hypervolume", "epochs trained", "trials pruned", "seconds"]
    formats = ["{:.1f}", "{:.0f}", "{:.0f}", "{:.1f}"]
    rows = [(label, label) for label in PRUNERS]

    def cell(column, label):
        i = columns.index(column)
        return formats[i].format(statistics.median(results[(label, s)][i] for s in seeds))

    print_table("Pruners of a study of two objectives", columns, rows, cell, first="pruner")


if __name__ == "__main__":
    main()
