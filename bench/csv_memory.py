#!/usr/bin/python3
"""Peak memory of reading a CSV file, per MB of the file.

`tunelab validate` reads the whole table (every column, as the CSV reader
holds it) and then builds a data set of two of its columns only (`features:
[c0]`, target `c1`), so what its peak memory grows by with the file's size
is what the reader holds. Each file shape is written at several sizes; the
peak resident memory of validating each, less that of validating a file of a
few rows (LibTorch's own), is divided by the file's size.

Shapes: `digits` (50 columns of one-digit cells, `1,1,...`: the most cells
per byte, the reader's worst case), `numbers` (20 columns of decimals such
as `-12.375`) and `words` (10 columns of short words and numbers).

    bench/csv_memory.py [--tunelab build/tunelab] [--sizes 16,64,256] [--repeats 3]
"""
import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")


def header(columns):
    return ",".join(f"c{j}" for j in range(columns)) + "\n"


def rows(shape, rng):
    """An endless supply of lines of one shape."""
    if shape == "digits":
        line = ",".join("1" for _ in range(50)) + "\n"
        while True:
            yield line
    words = ["red", "green", "blue", "north", "south", "a", "bb", "ccc"]
    while True:
        if shape == "numbers":
            yield ",".join(f"{rng.uniform(-100, 100):.3f}" for _ in range(20)) + "\n"
        else:
            cells = [str(rng.randint(0, 99)), str(rng.randint(0, 9))]
            cells += [rng.choice(words) for _ in range(8)]
            yield ",".join(cells) + "\n"


def write_csv(path, shape, megabytes):
    rng = random.Random(7)
    columns = {"digits": 50, "numbers": 20, "words": 10}[shape]
    target = megabytes * 1_000_000
    with open(path, "w") as f:
        written = f.write(header(columns))
        for line in rows(shape, rng):
            if written >= target:
                break
            written += f.write(line)
    return os.path.getsize(path)


def peak_kib(command):
    """The child's peak resident memory, in KiB (ru_maxrss of that child alone)."""
    child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    if status != 0:
        sys.exit(f"failed: {' '.join(command)}\n{child.stderr.read().decode()}")
    return usage.ru_maxrss


def experiment(folder, csv):
    path = os.path.join(folder, "read.yaml")
    with open(path, "w") as f:
        f.write(f"""name: read
data:
  dataset: csv
  args: {{path: {csv}, target: c1, features: [c0]}}
model: {{name: resnet, num_blocks: [1], c_hidden: [8]}}
trainer: {{epochs: 1}}
""")
    return path


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tunelab", default=os.path.join(ROOT, "build", "tunelab"))
    parser.add_argument("--sizes", default="16,64,256", help="file sizes in MB")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    print("peak resident memory of `tunelab validate` beyond a few-row file's, per MB of the file;")
    print(f"medians of {args.repeats} runs\n")
    print("| shape | file MB | peak MB | beyond the baseline, per file MB |")
    print("| --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory() as folder:
        for shape in ["digits", "numbers", "words"]:
            small = os.path.join(folder, "small.csv")
            with open(small, "w") as f:
                f.write(header(50 if shape == "digits" else 20 if shape == "numbers" else 10))
                for _, line in zip(range(20), rows(shape, random.Random(1))):
                    f.write(line)
            command = [args.tunelab, "validate"]
            baseline = statistics.median(
                peak_kib(command + [experiment(folder, small)]) for _ in range(args.repeats))
            for megabytes in sizes:
                csv = os.path.join(folder, f"{shape}-{megabytes}.csv")
                size = write_csv(csv, shape, megabytes)
                peak = statistics.median(
                    peak_kib(command + [experiment(folder, csv)]) for _ in range(args.repeats))
                per_mb = (peak - baseline) * 1024 / size
                print(f"| {shape} | {size / 1e6:.0f} | {peak * 1024 / 1e6:.0f} | {per_mb:.2f} |")
                os.remove(csv)


if __name__ == "__main__":
    main()
