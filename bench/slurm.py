#!/usr/bin/python3
"""One study as a Slurm job array of 1 task against the same study as 4 tasks.

Starts the tests' throwaway Slurm cluster on this machine
(tests/slurm_cluster.sh: two nodes, as root), then submits the same study
with `tunelab submit --slurm --array 1` and `--array N`. Both use
search.workers N (the single task runs the trials one after the other, each
proposed as N workers would see it), so both give the same trials: the
script checks every trial's params and value. The wall time runs from the
submit to the last task leaving the queue. Runs alternate, `--repeats` times
each; the table gives the medians and their ratio.

    bench/slurm.py [--tunelab build/tunelab] [--experiment experiments/diabetes_resnet.yaml]
                   [--trials 40] [--array 4] [--repeats 3]
"""
import argparse
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")


def seconds_between(first, last):
    """Seconds between two of the store's timestamps."""
    parse = lambda text: datetime.fromisoformat(text.replace("Z", "+00:00"))
    return (parse(last) - parse(first)).total_seconds()


def submit(tunelab, experiment, folder, name, tasks, workers, trials, env):
    """Wall seconds from submit to the job's end, the trials' seconds, and the trials."""
    store = os.path.join(folder, name + ".db")
    started = time.perf_counter()
    out = subprocess.run([tunelab, "submit", experiment, "--slurm", "--array", str(tasks),
                          "--single-node", "--storage", "sqlite:///" + store,
                          "--keep-weights", "none", "--set", f"search.workers={workers}",
                          "--set", f"search.trials={trials}"],
                         check=True, capture_output=True, text=True, env=env, cwd=ROOT).stdout
    job = re.search(r"as Slurm job (\d+)", out).group(1)
    while subprocess.run(["squeue", "-h", "-j", job], capture_output=True, text=True,
                         env=env).stdout.strip():
        time.sleep(0.1)
    seconds = time.perf_counter() - started
    with sqlite3.connect(store) as db:
        trials = db.execute("SELECT number, state, params_json, value FROM trials "
                            "ORDER BY number").fetchall()
        first, last = db.execute("SELECT min(started_at), max(finished_at) FROM trials").fetchone()
    return seconds, seconds_between(first, last), trials


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tunelab", default=os.path.join(ROOT, "build", "tunelab"))
    parser.add_argument("--experiment",
                        default=os.path.join(ROOT, "experiments", "diabetes_resnet.yaml"))
    parser.add_argument("--trials", type=int, default=40)
    parser.add_argument("--array", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    cluster = subprocess.run([os.path.join(ROOT, "tests", "slurm_cluster.sh"), "start"],
                             capture_output=True, text=True)
    if cluster.returncode != 0:
        sys.exit("no Slurm cluster: " + cluster.stderr.strip())
    folder_of_cluster = cluster.stdout.strip()
    env = dict(os.environ, SLURM_CONF=os.path.join(folder_of_cluster, "slurm.conf"))
    n = args.array
    ways = {"1 task": 1, f"{n} tasks": n}
    seconds = {way: [] for way in ways}
    trial_seconds = {way: [] for way in ways}
    try:
        with tempfile.TemporaryDirectory() as folder:
            reference = None
            for repeat in range(args.repeats):
                for way, tasks in ways.items():
                    name = f"{repeat}-{tasks}"
                    wall, in_trials, trials = submit(args.tunelab, args.experiment, folder,
                                                     name, tasks, n, args.trials, env)
                    if reference is None:
                        reference = trials
                    elif trials != reference:
                        sys.exit(f"{way}, repeat {repeat}: the trials differ from the first run's")
                    seconds[way].append(wall)
                    trial_seconds[way].append(in_trials)
    finally:
        subprocess.run([os.path.join(ROOT, "tests", "slurm_cluster.sh"), "stop",
                        folder_of_cluster])
    print(f"{os.path.basename(args.experiment)}, {len(reference)} trials, search.workers {n}, "
          f"{os.cpu_count()} cores, Slurm cluster of 2 nodes on this machine; wall seconds "
          f"from submit to the job's end, median of {args.repeats}; every run gave the same "
          f"trials\n")
    print("| | median wall | runs | median in trials |")
    print("| --- | --- | --- | --- |")
    for way, values in seconds.items():
        print(f"| {way} | {statistics.median(values):.1f} s | "
              + ", ".join(f"{v:.1f}" for v in values)
              + f" | {statistics.median(trial_seconds[way]):.1f} s |")
    one, many = (statistics.median(v) for v in seconds.values())
    one_t, many_t = (statistics.median(v) for v in trial_seconds.values())
    print(f"\n{n} tasks take {many / one:.2f} of one task's wall time ({one / many:.2f}x faster), "
          f"{many_t / one_t:.2f} of its time in trials ({one_t / many_t:.2f}x faster)")


if __name__ == "__main__":
    sys.exit(main())
