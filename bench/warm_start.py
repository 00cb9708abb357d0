#!/usr/bin/python3
"""Warm starts: a study that learns from an earlier one against the same study cold.

For each root seed s (--seeds, from --first-seed) an earlier study runs
--source-trials trials with seed s; then the same experiment with seed
s + 1000 runs --trials trials twice, cold and with `search.warm_start`
naming the earlier study. The table shows, per experiment, the median over
seeds of the best value after --trials trials, and how many trials each
needed to reach a given quality: the cold studies' median final best (so a
cold study needs all its trials for it half the time). A study that never
reaches it counts as --trials + 1.

Experiments: the analytic objectives of bench/samplers.py (5 dimensions for
rosenbrock and ackley), `diabetes`, experiments/quickstart.yaml (ResNet on
the diabetes data, val_loss), and `tradeoff`, experiments/
diabetes_tradeoff.yaml (val_rmse against n_params), whose quality is the
hypervolume of (val_rmse, log10 n_params) up to (100, 6), larger is better
(use a sampler of several objectives: tpe or nsga2).

    bench/warm_start.py [--tunelab build/tunelab] [--sampler gp] [--seeds 10]
                        [--first-seed 1] [--source-trials 30] [--trials 30]
                        [--experiments branin hartmann6 diabetes ...] [--jobs N]
"""
import argparse
import concurrent.futures
import math
import os
import statistics
import subprocess
import tempfile

import samplers
from multiobjective import complete_values, hypervolume

HERE = os.path.dirname(os.path.abspath(__file__))


EXPERIMENT_FILES = {"diabetes": "quickstart.yaml", "tradeoff": "diabetes_tradeoff.yaml"}
TRADEOFF_REFERENCE = [100, 6]


def run_study(tunelab, folder, experiment, name, seed, trials, sampler, warm_from=None):
    """Each complete trial's objective values, in trial order, of one study in
    a store of its own (a warm study reads its source from the source's
    store)."""
    store = os.path.join(folder, name + ".db")
    sets = ["seed=%d" % seed, "search.trials=%d" % trials, "search.sampler=" + sampler]
    if warm_from:
        sets.append("search.warm_start={study: %s, storage: %s}" %
                    (warm_from, os.path.join(folder, warm_from + ".db")))
    if experiment in EXPERIMENT_FILES:
        path = os.path.join(HERE, "..", "experiments", EXPERIMENT_FILES[experiment])
        sets.append("search.timeout=0")
    else:
        path = os.path.join(folder, name + ".yaml")
        with open(path, "w") as f:
            f.write(samplers.experiment_text(samplers.functions(5)[experiment], seed, trials,
                                             sampler))
    command = [tunelab, "run", path, "--study", name, "--storage", store, "--quiet",
               "--keep-weights", "none"]
    for s in sets:
        command += ["--set", s]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return complete_values(store)


def seed_runs(args, folder, experiment, seed):
    tag = "%s-%d" % (experiment, seed)
    run_study(args.tunelab, folder, experiment, "source-" + tag, seed, args.source_trials,
              args.sampler)
    cold = run_study(args.tunelab, folder, experiment, "cold-" + tag, seed + 1000, args.trials,
                     args.sampler)
    warm = run_study(args.tunelab, folder, experiment, "warm-" + tag, seed + 1000, args.trials,
                     args.sampler, warm_from="source-" + tag)
    return cold, warm


def quality(trials, experiment):
    """Lower is better: the best value, or the negated hypervolume of a
    study of two objectives."""
    if experiment != "tradeoff":
        return min(t[0] for t in trials)
    return -hypervolume([[rmse, math.log10(size)] for rmse, size in trials], TRADEOFF_REFERENCE)


def trials_to_reach(trials, target, budget, experiment):
    for i in range(len(trials)):
        if quality(trials[:i + 1], experiment) <= target:
            return i + 1
    return budget + 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tunelab", default=os.path.join(HERE, "..", "build", "tunelab"))
    parser.add_argument("--sampler", default="gp")
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--first-seed", type=int, default=1)
    parser.add_argument("--source-trials", type=int, default=30)
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument("--experiments", nargs="*",
                        default=["branin", "hartmann6", "rosenbrock5", "ackley5", "diabetes"])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    args.tunelab = os.path.abspath(args.tunelab)
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    print(f"{args.sampler}: {args.source_trials} trials of an earlier study (seed s), then "
          f"{args.trials} trials cold and warm-started (seed s + 1000); medians over "
          f"{args.seeds} root seeds\n")
    print("| experiment | quality (cold median final) | final, cold | final, warm | "
          "trials to reach it, cold | trials to reach it, warm |")
    print("| --- | --- | --- | --- | --- | --- |")
    # diabetes runs with its own sampler choice: the quickstart's space has
    # categorical dimensions, which gp takes as one-hot.
    with tempfile.TemporaryDirectory() as folder, \
            concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        for experiment in args.experiments:
            runs = list(pool.map(lambda s: seed_runs(args, folder, experiment, s), seeds))
            cold_best = [quality(c, experiment) for c, _ in runs]
            warm_best = [quality(w, experiment) for _, w in runs]
            target = statistics.median(cold_best)
            cold_reach = [trials_to_reach(c, target, args.trials, experiment) for c, _ in runs]
            warm_reach = [trials_to_reach(w, target, args.trials, experiment) for _, w in runs]
            # Shown as the value (hypervolume for tradeoff, larger is better).
            shown = (lambda q: -q) if experiment == "tradeoff" else (lambda q: q)
            print(f"| {experiment} | {shown(target):.4g} | {shown(statistics.median(cold_best)):.4g} | "
                  f"{shown(statistics.median(warm_best)):.4g} | {statistics.median(cold_reach):g} | "
                  f"{statistics.median(warm_reach):g} |", flush=True)

if __name__ == "__main__":
    main()
