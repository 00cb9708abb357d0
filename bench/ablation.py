#!/usr/bin/python3
"""What each training technique moves on real tables: an ablation table in
the manner of RealMLP's (Holzmuller et al. 2024, table B.1).

Every row changes one thing in the study bench/tabular.py runs (TPE over
learning rate, weight decay, width, depth, dropout and batch size of the
`resnet` model; PyTorch's initialisation, AdamW, a constant learning rate,
standardised inputs, the target as it is), on the same tables, splits and
seeds, and gives the change in test error against that study on each table
(median over the seeds; negative is better), their geometric mean, and the
median wall time of a study. The last row is the study's ensemble
(search.ensemble, greedy, up to 10 picks) against its best single trial, which
costs no training.

    bench/ablation.py [--tunelab build/tunelab] [--trials 20] [--seeds 1 2 3]
                      [--tables breast_cancer wine diabetes diamonds]

Needs Debian's python3-sklearn and python3-pandas (scripts/setup.sh with
TUNELAB_WITH_REFERENCES=1).
"""
import argparse
import math
import os
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tabular  # noqa: E402

# (row, --set values for every table, --set values for regressions only,
#  space dimensions left out)
VARIANTS = [
    ("model.init: kaiming (the chapter's)", ["model.init=kaiming"], [], []),
    ("no dropout searched", [], [], ["model.dropout"]),
    ("trainer.schedule: cosine", ["trainer.schedule=cosine"], [], []),
    ("trainer.schedule: coslog4 (RealMLP's)", ["trainer.schedule=coslog4"], [], []),
    ("Adam beta2 0.95 (RealMLP's)", ["trainer.optimizer_args={betas: [0.9, 0.95]}"], [], []),
    ("data.scaling: robust, smooth_clip", ["data.scaling=robust", "data.smooth_clip=true"], [],
     []),
    ("data.scaling: quantile", ["data.scaling=quantile"], [], []),
    ("data.target_transform: log", [], ["data.target_transform=log"], []),
    ("data.numeric_embedding: plr", ["data.numeric_embedding=plr"], [], []),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tunelab", default=os.path.join(tabular.ROOT, "build", "tunelab"))
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--tables", nargs="+", default=list(tabular.TABLES),
                        choices=list(tabular.TABLES))
    parser.add_argument("--rows", nargs="+", metavar="TEXT",
                        help="only the rows whose label contains one of these")
    args = parser.parse_args()
    variants = [v for v in VARIANTS
                if not args.rows or any(text in v[0] for text in args.rows)]

    def study(name, seed, sets=(), regression_sets=(), without=(), ensemble=0):
        learn, test, target, task = tabular.load_table(name, seed)
        sets = list(sets) + (list(regression_sets) if task == "regression" else [])
        with tempfile.TemporaryDirectory() as folder:
            return tabular.tunelab_study(args.tunelab, folder, learn, test, target, task,
                                         args.trials, seed, sets, ensemble, without)

    def floor(name):
        # A classifier without a mistake counts half of one, as in tabular.py.
        learn, test, _, task = tabular.load_table(name, args.seeds[0])
        return 0.5 / len(test) if task == "classification" else 0.0

    print(f"change in test error against bench/tabular.py's tunelab study (median of seeds "
          f"{args.seeds}, {args.trials} trials; negative is better)\n")
    print("| change | " + " | ".join(args.tables) + " | geometric mean | study s |")
    print("| --- " * (len(args.tables) + 3) + "|")

    base, ensemble, base_seconds = {}, {}, []
    for name in args.tables:
        runs = [study(name, seed, ensemble=10) for seed in args.seeds]
        base[name] = statistics.median(r[0] for r in runs)
        ensemble[name] = statistics.median(r[1] for r in runs)
        base_seconds += [r[2] for r in runs]

    def row(label, errors, seconds):
        ratios = [max(errors[n], floor(n)) / max(base[n], floor(n)) for n in args.tables]
        cells = [f"{100 * (r - 1):+.1f}%" for r in ratios]
        geometric = math.exp(statistics.mean(math.log(r) for r in ratios))
        print(f"| {label} | " + " | ".join(cells) + f" | {100 * (geometric - 1):+.1f}% | "
              f"{seconds} |", flush=True)

    print("| (the study itself: test error) | "
          + " | ".join(f"{base[n]:.4g}" for n in args.tables)
          + f" | | {statistics.median(base_seconds):.0f} |", flush=True)
    for label, sets, regression_sets, without in variants:
        errors, seconds = {}, []
        for name in args.tables:
            runs = [study(name, seed, sets, regression_sets, without) for seed in args.seeds]
            errors[name] = statistics.median(r[0] for r in runs)
            seconds += [r[2] for r in runs]
        row(label, errors, f"{statistics.median(seconds):.0f}")
    row("the study's ensemble (up to 10 greedy picks) instead of its best trial", ensemble,
        "+0 (no training)")


if __name__ == "__main__":
    main()
