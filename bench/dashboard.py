#!/usr/bin/python3
"""A study with open dashboard pages against the same study without them.

4 worker processes run a 200-trial study (experiments/quickstart.yaml, each
trial 300 epochs without early stopping: about 40 s here) into an SQLite
store, once alone and once while `tunelab serve` shows it to 3
pages. Each page does what the browser's page does: every second it asks
the study's progress, and when that moved, it reads the study (trials,
importance) and the learning curves of the 5 best and the running trials.
Runs alternate, `--repeats` times each, on the same seeds; the table gives
the median times from the first trial's start to the last one's end (as the
store records them), their ratio, whether both recorded the same trials,
and any "database is locked" a worker or a page saw.

    bench/dashboard.py [--tunelab build/tunelab] [--trials 200] [--epochs 300] [--pages 3]
                       [--repeats 3]
"""
import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")


def get(port, path, params):
    url = f"http://127.0.0.1:{port}{path}?{urllib.parse.urlencode(params)}"
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


def page(port, study, stop, seen):
    """One open study page: its requests, until `stop`."""
    last = None
    while not stop.is_set():
        try:
            progress = get(port, "/api/progress", {"study": study})
            seen["requests"] += 1
            if progress != last:
                last = progress
                answer = get(port, "/api/study", {"name": study})
                done = sorted((t for t in answer["trials"] if t["value"] is not None),
                              key=lambda t: t["value"])[:5]
                running = [t for t in answer["trials"] if t["state"] == "RUNNING"]
                numbers = [t["number"] for t in done + running]
                if numbers:
                    get(port, "/api/curves", {"study": study,
                                              "trials": ",".join(map(str, numbers))})
                seen["requests"] += 2
        except urllib.error.HTTPError as e:
            body = e.read().decode()
            seen["errors"].append(body)
        except (urllib.error.URLError, ConnectionError):
            pass  # the server is starting
        stop.wait(1.0)


def study(args, folder, name, pages):
    store = os.path.join(folder, name + ".db")
    command = [args.tunelab, "run", os.path.join(ROOT, "experiments", "quickstart.yaml"),
               "--trials", str(args.trials), "--workers", "4", "--set", "search.timeout=1h",
               "--set", f"trainer.epochs={args.epochs}", "--set", "trainer.early_stopping.patience=0",
               "--storage", "sqlite:///" + store, "--quiet", "--keep-weights", "none"]
    seen = {"requests": 0, "errors": []}
    run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    server, threads, stop = None, [], threading.Event()
    if pages:
        while not os.path.exists(store) and run.poll() is None:
            time.sleep(0.05)
        server = subprocess.Popen([args.tunelab, "serve", "--port", "0", "--storage", store],
                                  stdout=subprocess.PIPE, text=True)
        port = int(server.stdout.readline().split("http://127.0.0.1:")[1].split("/")[0])
        for _ in range(pages):
            threads.append(threading.Thread(target=page, args=(port, "quickstart", stop, seen)))
            threads[-1].start()
    output = run.communicate()[0]
    stop.set()
    for t in threads:
        t.join()
    if server:
        server.terminate()
        server.wait()
    with sqlite3.connect(store) as db:
        trials = db.execute("SELECT number, state, params_json, value FROM trials "
                            "ORDER BY number").fetchall()
        # The study's own time, first trial's start to last trial's end: the
        # processes' start (LibTorch loading) is not the dashboard's doing.
        seconds = db.execute("SELECT (julianday(max(finished_at)) - julianday(min(started_at))) "
                             "* 86400 FROM trials").fetchone()[0]
    locked = output.count("database is locked") + sum("locked" in e for e in seen["errors"])
    return seconds, trials, locked, seen


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tunelab", default=os.path.join(ROOT, "build", "tunelab"))
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--epochs", type=int, default=300)
    parser.add_argument("--pages", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    seconds = {"alone": [], "watched": []}
    same, locked, requests, errors = True, 0, 0, []
    with tempfile.TemporaryDirectory() as folder:
        for r in range(args.repeats):
            alone = study(args, folder, f"alone-{r}", 0)
            watched = study(args, folder, f"watched-{r}", args.pages)
            seconds["alone"].append(alone[0])
            seconds["watched"].append(watched[0])
            same &= alone[1] == watched[1]
            locked += alone[2] + watched[2]
            requests += watched[3]["requests"]
            errors += watched[3]["errors"]
            print(f"run {r + 1}: alone {alone[0]:.1f} s, with {args.pages} pages {watched[0]:.1f} s "
                  f"({watched[3]['requests']} requests)", flush=True)
    a, w = statistics.median(seconds["alone"]), statistics.median(seconds["watched"])
    print(f"\nquickstart.yaml, {args.trials} trials of {args.epochs} epochs, 4 workers, SQLite; "
          f"medians of {args.repeats}\n")
    print("| alone | with {} pages | ratio | same trials | \"database is locked\" | page requests |"
          .format(args.pages))
    print("| --- | --- | --- | --- | --- | --- |")
    print(f"| {a:.1f} s | {w:.1f} s | {w / a:.3f} | {'yes' if same else 'NO'} | {locked} | "
          f"{requests} ({len(errors)} failed) |")
    for e in errors[:5]:
        print("page error:", e)


if __name__ == "__main__":
    main()
