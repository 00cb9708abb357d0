#!/usr/bin/python3
"""Two builds of tunelab on the same study, in one run: is one slower?

experiments/diabetes_resnet.yaml (random search over block, activation,
width, depth, lr, weight decay, batch size and epochs, with early stopping)
run by each build's `tunelab run`, one thread, runs alternating, `--repeats`
times each (root seeds 1, 2, ...). The table gives the medians and their
ratio, and whether both builds recorded the same trials (they should: same
file, same seed).

    bench/builds.py --baseline OLD/tunelab --candidate build/tunelab [--trials 50] [--repeats 5]
"""
import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def study_run(tunelab, db, seed, trials):
    """Seconds to run the study, and its trials' values."""
    started = time.perf_counter()
    subprocess.run([tunelab, "run", os.path.join(ROOT, "experiments", "diabetes_resnet.yaml"),
                    "--set", f"seed={seed}", "--trials", str(trials), "--threads", "1",
                    "--storage", "sqlite:///" + db, "--quiet", "--keep-weights", "none"],
                   check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    with sqlite3.connect(db) as c:
        values = c.execute("SELECT number, value FROM trials ORDER BY number").fetchall()
    return seconds, values


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", required=True, help="the tunelab executable to compare with")
    parser.add_argument("--candidate", default=os.path.join(ROOT, "build", "tunelab"))
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    seconds = {"baseline": [], "candidate": []}
    same = True
    with tempfile.TemporaryDirectory() as folder:
        for seed in range(1, args.repeats + 1):
            values = {}
            for name in ("baseline", "candidate"):
                db = os.path.join(folder, f"{name}-{seed}.db")
                s, values[name] = study_run(getattr(args, name), db, seed, args.trials)
                seconds[name].append(s)
            same = same and values["baseline"] == values["candidate"]
            print(f"seed {seed}: baseline {seconds['baseline'][-1]:.1f} s, "
                  f"candidate {seconds['candidate'][-1]:.1f} s", file=sys.stderr)
    b, c = statistics.median(seconds["baseline"]), statistics.median(seconds["candidate"])
    print(f"diabetes_resnet.yaml, {args.trials} trials, one thread, medians of {args.repeats}\n")
    print("| baseline | candidate | candidate / baseline | same trials |")
    print("| --- | --- | --- | --- |")
    print(f"| {b:.1f} s | {c:.1f} s | {c / b:.3f} | {'yes' if same else 'no'} |")


if __name__ == "__main__":
    main()
