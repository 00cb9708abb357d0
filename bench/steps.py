#!/usr/bin/python3
"""Training steps per second: tunelab's trainer against PyTorch eager, in one run.

The chapter's ResNet [3, 3, 3] x 64 (ResNetBlock, ReLU) on make_regression
data (4096 rows, 20 features, standardised), Adam (lr 1e-3), MSE, one thread,
at each batch size. tunelab runs as a user runs it (`tunelab run`, no
validation split) with its fast path and with `trainer.fast_path: false`;
PyTorch eager trains the chapter's own model definition
(tests/reference/chapter_models.py) with the same loop. Each figure is the
median of --repeats runs, the runs interleaved so that a noisy machine
slows all of them alike.

    bench/steps.py [--tunelab build/tunelab] [--batches 128 32] [--epochs 5] [--repeats 5]
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
ROWS, FEATURES = 4096, 20


def tunelab_steps_per_second(tunelab, folder, batch, epochs, fast_path):
    store = os.path.join(folder, f"steps-{batch}-{fast_path}.db")
    if os.path.exists(store):
        os.remove(store)
    subprocess.run(
        [tunelab, "run", os.path.join(HERE, "..", "experiments", "seed_chapter.yaml"),
         "--storage", "sqlite:///" + store, "--quiet", "--keep-weights", "none",
         "--set", f"data.args={{n_samples: {ROWS}, n_features: {FEATURES}, noise: 0.1}}",
         "--set", "data.standardize={x: true, y: true}",
         "--set", f"trainer.batch_size={batch}", "--set", f"trainer.epochs={epochs}",
         "--set", f"trainer.fast_path={'true' if fast_path else 'false'}"],
        check=True, stdout=subprocess.DEVNULL)
    with sqlite3.connect(store) as db:
        seconds = db.execute("SELECT sum(seconds) FROM epochs").fetchone()[0]
    return steps_per_epoch(batch) * epochs / seconds


def steps_per_epoch(batch):
    # tunelab folds a last batch of one row into the one before; 4096 rows
    # divide by every power of two here.
    return -(-ROWS // batch)


def eager_steps_per_second(torch, model_module, batch, epochs):
    torch.set_num_threads(1)
    torch.manual_seed(0)
    x = torch.randn(ROWS, FEATURES)
    y = x @ torch.randn(FEATURES, 1) + 0.1 * torch.randn(ROWS, 1)
    x = (x - x.mean(0)) / x.std(0)
    y = (y - y.mean(0)) / y.std(0)
    model = model_module.ResNet(FEATURES, 1, num_blocks=[3, 3, 3], c_hidden=[64, 64, 64],
                                act_fn_name="relu", block_name="ResNetBlock")
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.MSELoss()
    model.train()
    started = time.perf_counter()
    for _ in range(epochs):
        order = torch.randperm(ROWS)
        for begin in range(0, ROWS, batch):
            rows = order[begin:begin + batch]
            optimizer.zero_grad()
            loss = loss_fn(model(x[rows]), y[rows])
            loss.backward()
            optimizer.step()
    return steps_per_epoch(batch) * epochs / (time.perf_counter() - started)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tunelab", default=os.path.join(HERE, "..", "build", "tunelab"))
    parser.add_argument("--batches", type=int, nargs="+", default=[128, 32])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    try:
        import torch
    except ImportError:
        sys.exit("bench/steps.py needs PyTorch: apt-get install python3-torch")
    sys.path.insert(0, os.path.join(HERE, "..", "tests", "reference"))
    import chapter_models

    print(f"steps per second, median of {args.repeats} runs of {args.epochs} epochs "
          f"({ROWS} rows), one thread, PyTorch {torch.__version__}\n")
    print("| batch | PyTorch eager | tunelab plain | tunelab fast path | fast / eager | fast / plain |")
    print("| --- | --- | --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory() as folder:
        for batch in args.batches:
            eager, plain, fast = [], [], []
            for _ in range(args.repeats):
                eager.append(eager_steps_per_second(torch, chapter_models, batch, args.epochs))
                plain.append(tunelab_steps_per_second(args.tunelab, folder, batch, args.epochs,
                                                      False))
                fast.append(tunelab_steps_per_second(args.tunelab, folder, batch, args.epochs,
                                                     True))
            e, p, f = (statistics.median(v) for v in (eager, plain, fast))
            print(f"| {batch} | {e:.0f} | {p:.0f} | {f:.0f} | {f / e:.2f}x | {f / p:.2f}x |")


if __name__ == "__main__":
    main()
