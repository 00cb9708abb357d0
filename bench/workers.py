#!/usr/bin/python3
"""One study in one process against the same study in N worker processes.

`--workers N` sets the study's search.workers to N, so both runs here use
search.workers N: one process with `--set search.workers=N`, and N worker
processes with `--workers N`. The two give the same trials (the script
checks every trial's params and value), so the wall times compare like for
like. Runs alternate, `--repeats` times each; the table gives the medians
and their ratio.

    bench/workers.py [--tunelab build/tunelab] [--experiment experiments/diabetes_resnet.yaml]
                     [--workers 2] [--repeats 3]
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


def run(tunelab, experiment, store, extra):
    """Wall seconds of one study, and its trials as (number, state, params, value)."""
    started = time.perf_counter()
    subprocess.run([tunelab, "run", experiment, "--storage", "sqlite:///" + store, "--quiet",
                    "--keep-weights", "none"] + extra, check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    with sqlite3.connect(store) as db:
        trials = db.execute("SELECT number, state, params_json, value FROM trials "
                            "ORDER BY number").fetchall()
    return seconds, trials


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tunelab", default=os.path.join(ROOT, "build", "tunelab"))
    parser.add_argument("--experiment",
                        default=os.path.join(ROOT, "experiments", "diabetes_resnet.yaml"))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    n = args.workers
    ways = {"1 process": ["--set", f"search.workers={n}"], f"{n} workers": ["--workers", str(n)]}
    seconds = {way: [] for way in ways}
    with tempfile.TemporaryDirectory() as folder:
        reference = None
        for repeat in range(args.repeats):
            for way, extra in ways.items():
                store = os.path.join(folder, f"{repeat}-{way.replace(' ', '-')}.db")
                wall, trials = run(args.tunelab, args.experiment, store, extra)
                if reference is None:
                    reference = trials
                elif trials != reference:
                    sys.exit(f"{way}, repeat {repeat}: the trials differ from the first run's")
                seconds[way].append(wall)
    print(f"{os.path.basename(args.experiment)}, {len(reference)} trials, search.workers {n}, "
          f"{os.cpu_count()} cores; wall seconds, median of {args.repeats}; every run gave the "
          f"same trials\n")
    print("| | median wall | runs |")
    print("| --- | --- | --- |")
    for way, values in seconds.items():
        print(f"| {way} | {statistics.median(values):.1f} s | "
              + ", ".join(f"{v:.1f}" for v in values) + " |")
    one, many = (statistics.median(v) for v in seconds.values())
    print(f"\n{n} workers take {many / one:.2f} of one process's time ({one / many:.2f}x faster)")


if __name__ == "__main__":
    sys.exit(main())
