#!/usr/bin/python3
"""The same parallel study on an SQLite store and on a PostgreSQL store.

Each study runs with `--workers N` on a fresh store: an SQLite file, and a
new database on a throwaway PostgreSQL server started for the benchmark
(tests/postgresql_cluster.sh; over TCP on 127.0.0.1, fsync off, as in the tests). The
two give the same trials (the script checks every trial's params and
value), so the wall times compare like for like. Runs alternate, `--repeats`
times each; the table gives the medians and their ratio. Branin with TPE
(200 trials of microseconds each) shows the store's own cost; the
diabetes ResNet study shows it next to real training.

    bench/stores.py [--tunelab build/tunelab] [--workers 3] [--repeats 3]
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
STUDIES = {
    "branin, tpe, 200 trials": ["experiments/branin.yaml", "--set", "search.sampler=tpe",
                                "--set", "search.trials=200"],
    "diabetes_resnet, 50 trials": ["experiments/diabetes_resnet.yaml"],
}
TRIALS_SQL = "SELECT number, state, params_json, value FROM trials ORDER BY number"


def sqlite_trials(url):
    with sqlite3.connect(url[len("sqlite:///"):]) as db:
        return [(str(n), s, p, repr(float(v))) for n, s, p, v in db.execute(TRIALS_SQL)]


def postgresql_trials(url):
    out = subprocess.run(["psql", "-XAtq", "-F", "\t", url, "-c", TRIALS_SQL], check=True,
                         capture_output=True, text=True).stdout
    return [(n, s, p, repr(float(v))) for n, s, p, v in
            (line.split("\t") for line in out.splitlines())]


def run(tunelab, study, url, workers):
    started = time.perf_counter()
    subprocess.run([tunelab, "run", *study, "--storage", url, "--quiet", "--keep-weights", "none",
                    "--workers", str(workers)], check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tunelab", default=os.path.join(ROOT, "build", "tunelab"))
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    server = subprocess.run([os.path.join(ROOT, "tests", "postgresql_cluster.sh"), "start"],
                            capture_output=True, text=True)
    if server.returncode != 0:
        sys.exit("no PostgreSQL server: " + server.stderr.strip())
    folder_of_server = server.stdout.strip()
    with open(os.path.join(folder_of_server, "port")) as f:
        base = f"postgresql://tunelab@127.0.0.1:{f.read().strip()}"
    made = 0

    def new_postgresql():
        nonlocal made
        made += 1
        name = f"bench_{made}"
        subprocess.run(["psql", "-XAtq", f"{base}/postgres", "-c", f"CREATE DATABASE {name}"],
                       check=True)
        return f"{base}/{name}"

    try:
        with tempfile.TemporaryDirectory() as folder:
            print(f"{args.workers} workers, medians of {args.repeats}\n")
            print(f"| study | SQLite s | PostgreSQL s | PostgreSQL / SQLite |")
            print(f"| --- | --- | --- | --- |")
            for study_name, study in STUDIES.items():
                seconds = {"sqlite": [], "postgresql": []}
                reference = None
                for repeat in range(args.repeats):
                    for store in seconds:
                        if store == "sqlite":
                            url = "sqlite:///" + os.path.join(folder, f"{made}-{repeat}.db")
                            made += 1
                        else:
                            url = new_postgresql()
                        seconds[store].append(run(args.tunelab, study, url, args.workers))
                        trials = (sqlite_trials if store == "sqlite" else postgresql_trials)(url)
                        if reference is None:
                            reference = trials
                        elif trials != reference:
                            sys.exit(f"{study_name}, {store}: the trials differ from the first run's")
                s, p = statistics.median(seconds["sqlite"]), statistics.median(seconds["postgresql"])
                print(f"| {study_name} | {s:.2f} | {p:.2f} | {p / s:.2f} |")
            print("\nthe same trials (params and values) on both stores")
    finally:
        subprocess.run([os.path.join(ROOT, "tests", "postgresql_cluster.sh"), "stop",
                        folder_of_server])


if __name__ == "__main__":
    main()
