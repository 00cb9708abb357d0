#!/usr/bin/python3
"""Training steps per second: tunelab's trainer against PyTorch eager, in one run.

The chapter's ResNet [3, 3, 3] x 64 (ResNetBlock, ReLU) on make_regression
data (4096 rows, 20 features, standardised), Adam (lr 1e-3), MSE, one thread,
at each batch size; and the same network classifying 3 classes
(cross-entropy) from a table of the same size. tunelab runs as a user runs it (`tunelab run`, no
validation split) with its fast path and with `trainer.fast_path: false`;
PyTorch eager trains the chapter's own model definition
(tests/reference/chapter_models.py) with the same loop. Each figure is the
median of --repeats runs, the runs interleaved so that a noisy machine
slows all of them alike.

    bench/steps.py [--tunelab build/tunelab] [--batches 128 32] [--epochs 5] [--repeats 5]
                   [--tasks regression classification]

With --device cuda both train on the GPU (defaults: batches 128 and 512,
16384 rows, 6 epochs of which the first is not timed: it holds CUDA's and
cuBLAS's start-up and, for tunelab, the recording of the step's CUDA graph).
PyTorch eager uses its default Adam there (the foreach implementation).
"""
import argparse
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
FEATURES = 20
CLASSES = 3


def classes_csv(folder, rows):
    """A table of FEATURES normal columns and a label of CLASSES classes (the
    largest of three random projections), written once per run."""
    path = os.path.join(folder, f"classes-{rows}.csv")
    if not os.path.exists(path):
        rng = random.Random(0)
        weights = [[rng.gauss(0, 1) for _ in range(CLASSES)] for _ in range(FEATURES)]
        with open(path, "w") as out:
            out.write(",".join(f"x{j}" for j in range(FEATURES)) + ",label\n")
            for _ in range(rows):
                x = [rng.gauss(0, 1) for _ in range(FEATURES)]
                scores = [sum(x[j] * weights[j][k] for j in range(FEATURES)) for k in range(CLASSES)]
                label = max(range(CLASSES), key=lambda k: scores[k])
                out.write(",".join(f"{v:.6f}" for v in x) + f",c{label}\n")
    return path


def tunelab_steps_per_second(tunelab, folder, setup, batch, fast_path, task):
    store = os.path.join(folder, f"steps-{batch}-{fast_path}-{task}.db")
    if os.path.exists(store):
        os.remove(store)
    if task == "regression":
        data = ["--set", f"data.args={{n_samples: {setup.rows}, n_features: {FEATURES}, noise: 0.1}}",
                "--set", "data.standardize={x: true, y: true}"]
    else:
        data = ["--set", f"data={{dataset: csv, args: {{path: {classes_csv(folder, setup.rows)}}}, "
                "split: {train: 1.0}, standardize: {x: true}}",
                "--set", "trainer.loss=cross_entropy"]
    subprocess.run(
        [tunelab, "run", os.path.join(HERE, "..", "experiments", "seed_chapter.yaml"),
         "--storage", "sqlite:///" + store, "--quiet", "--keep-weights", "none", *data,
         "--set", f"device={setup.device}",
         "--set", f"trainer.batch_size={batch}", "--set", f"trainer.epochs={setup.epochs}",
         "--set", f"trainer.fast_path={'true' if fast_path else 'false'}"],
        check=True, stdout=subprocess.DEVNULL)
    with sqlite3.connect(store) as db:
        seconds = db.execute("SELECT sum(seconds) FROM epochs WHERE epoch > ?",
                             (setup.untimed_epochs,)).fetchone()[0]
    return steps_per_epoch(setup.rows, batch) * timed_epochs(setup) / seconds


def steps_per_epoch(rows, batch):
    # tunelab folds a last batch of one row into the one before; the row
    # counts here divide by every power of two used.
    return -(-rows // batch)


def timed_epochs(setup):
    return setup.epochs - setup.untimed_epochs


def eager_steps_per_second(torch, model_module, setup, batch, task):
    torch.set_num_threads(1)
    torch.manual_seed(0)
    rows = setup.rows
    x = torch.randn(rows, FEATURES)
    if task == "regression":
        y = x @ torch.randn(FEATURES, 1) + 0.1 * torch.randn(rows, 1)
        y = ((y - y.mean(0)) / y.std(0)).to(setup.device)
        outputs, loss_fn = 1, torch.nn.MSELoss()
    else:
        y = (x @ torch.randn(FEATURES, CLASSES)).argmax(1).to(setup.device)
        outputs, loss_fn = CLASSES, torch.nn.CrossEntropyLoss()
    x = ((x - x.mean(0)) / x.std(0)).to(setup.device)
    model = model_module.ResNet(FEATURES, outputs, num_blocks=[3, 3, 3], c_hidden=[64, 64, 64],
                                act_fn_name="relu", block_name="ResNetBlock").to(setup.device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    model.train()
    on_gpu = setup.device.startswith("cuda")
    for epoch in range(setup.epochs):
        if epoch == setup.untimed_epochs:
            if on_gpu:
                torch.cuda.synchronize()
            started = time.perf_counter()
        order = torch.randperm(rows, device=setup.device)
        for begin in range(0, rows, batch):
            index = order[begin:begin + batch]
            optimizer.zero_grad()
            loss = loss_fn(model(x[index]), y[index])
            loss.backward()
            optimizer.step()
    if on_gpu:
        torch.cuda.synchronize()
    return steps_per_epoch(rows, batch) * timed_epochs(setup) / (time.perf_counter() - started)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tunelab", default=os.path.join(HERE, "..", "build", "tunelab"))
    parser.add_argument("--device", default="cpu", help="cpu, cuda or cuda:K")
    parser.add_argument("--batches", type=int, nargs="+")
    parser.add_argument("--rows", type=int)
    parser.add_argument("--epochs", type=int)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--tasks", nargs="+", default=["regression", "classification"],
                        choices=["regression", "classification"])
    args = parser.parse_args()
    on_gpu = args.device.startswith("cuda")
    args.batches = args.batches or ([128, 512] if on_gpu else [128, 32])
    args.rows = args.rows or (16384 if on_gpu else 4096)
    args.epochs = args.epochs or (6 if on_gpu else 5)
    args.untimed_epochs = 1 if on_gpu else 0
    if args.epochs <= args.untimed_epochs:
        sys.exit(f"--epochs must be more than the {args.untimed_epochs} untimed")
    try:
        import torch
    except ImportError:
        sys.exit("bench/steps.py needs PyTorch: apt-get install python3-torch")
    if on_gpu and not torch.cuda.is_available():
        sys.exit(f"--device {args.device}: this PyTorch sees no CUDA device")
    sys.path.insert(0, os.path.join(HERE, "..", "tests", "reference"))
    import chapter_models

    where = torch.cuda.get_device_name(args.device) if on_gpu else "one thread"
    print(f"steps per second, median of {args.repeats} runs of {timed_epochs(args)} timed "
          f"epochs ({args.rows} rows), {where}, PyTorch {torch.__version__}\n")
    print("| batch | task | PyTorch eager | tunelab plain | tunelab fast path | fast / eager "
          "| fast / plain |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory() as folder:
        for batch in args.batches:
            for task in args.tasks:
                eager, plain, fast = [], [], []
                for _ in range(args.repeats):
                    eager.append(eager_steps_per_second(torch, chapter_models, args, batch, task))
                    plain.append(tunelab_steps_per_second(args.tunelab, folder, args, batch,
                                                          False, task))
                    fast.append(tunelab_steps_per_second(args.tunelab, folder, args, batch, True,
                                                         task))
                e, p, f = (statistics.median(v) for v in (eager, plain, fast))
                name = "regression (MSE)" if task == "regression" else f"{CLASSES} classes (CE)"
                print(f"| {batch} | {name} | {e:.0f} | {p:.0f} | {f:.0f} | {f / e:.2f}x "
                      f"| {f / p:.2f}x |")


if __name__ == "__main__":
    main()
