#!/usr/bin/python3
"""A whole tuning study: tunelab against Optuna + PyTorch eager, in one run.

experiments/diabetes_resnet.yaml (50 trials of random search over block,
activation, width, depth, lr, weight decay, batch size and epochs, with
early stopping) run by `tunelab run` in one process, and the same study as
a Python script would run it: Optuna's RandomSampler over the same space,
the chapter's PyTorch model (tests/reference/chapter_models.py) trained
eagerly with Adam on a 60/20/20 split, early stopping after 10 epochs
without improvement. One thread each. Runs alternate, `--repeats` times
each (root seeds 1, 2, ...); the table gives the medians and their ratio.

    bench/study.py [--tunelab build/tunelab] [--repeats 3]
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")
sys.path.insert(0, HERE)
from diabetes import diabetes_split, eager_trial  # noqa: E402


def tunelab_seconds(tunelab, folder, seed):
    started = time.perf_counter()
    subprocess.run([tunelab, "run", os.path.join(ROOT, "experiments", "diabetes_resnet.yaml"),
                    "--set", f"seed={seed}", "--storage",
                    "sqlite:///" + os.path.join(folder, f"study-{seed}.db"), "--quiet",
                    "--keep-weights", "none"], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def reference_seconds(seed, trials=50):
    import optuna
    import torch

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    torch.set_num_threads(1)
    split = diabetes_split(seed)

    def objective(trial):
        best, _ = eager_trial(trial, split, width_log2=(4, 7), blocks=(1, 3), lr=(1e-4, 3e-2),
                              batch_log2=(4, 6), epochs=(20, 100, 20))
        return best if best == best else float("inf")

    started = time.perf_counter()
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=seed))
    study.optimize(objective, n_trials=trials)
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tunelab", default=os.path.join(ROOT, "build", "tunelab"))
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    tunelab, reference = [], []
    with tempfile.TemporaryDirectory() as folder:
        for seed in range(1, args.repeats + 1):
            tunelab.append(tunelab_seconds(args.tunelab, folder, seed))
            reference.append(reference_seconds(seed))
            print(f"seed {seed}: tunelab {tunelab[-1]:.1f} s, Optuna + eager {reference[-1]:.1f} s",
                  file=sys.stderr)
    t, r = statistics.median(tunelab), statistics.median(reference)
    print(f"diabetes_resnet.yaml, 50 trials, one process, medians of {args.repeats}\n")
    print("| tunelab | Optuna + PyTorch eager | ratio |")
    print("| --- | --- | --- |")
    print(f"| {t:.1f} s | {r:.1f} s | {r / t:.2f}x |")


if __name__ == "__main__":
    main()
