"""Streaming a large dataset vs reading it whole: time and peak memory of the same evaluation.

Run from the repository root with `make bench-stream` (or
`python3 crates/vigil-engine/benches/compare_streaming_with_whole.py`). Needs what
`make bench-eval` needs (`pip install -r crates/vigil-engine/benches/requirements.txt`): the
table and the gradient-boosted model are that benchmark's, made the same way.

A dataset file at least VIGIL_STREAM_MIN_BYTES long (default 256 MiB) is streamed: scanned once
(every record checked, the profile settled), then read in chunks of 65,536 rows while the model
runs, keeping only the columns the result needs. Below it, the file is read whole. This script
runs Vigil's evaluation benchmark binary on the same files both ways — VIGIL_STREAM_MIN_BYTES=0
(streamed) and a threshold above any file (whole) — with one thread and with one per core, and
reports each run's wall seconds and peak resident memory (the benchmark process's own high-water
mark, VmHWM, which it reads from /proc/self/status at its end: a child's ru_maxrss would count
this script's memory at the fork), and the streamed/whole ratios. Both ways must give the same accuracy, ROC AUC and log loss.

Tables (kept under target/bench-data/, not committed):
- eval_1000000.csv: `make bench-eval`'s table (1,000,000 rows, 20 numeric features, `seg`,
  `grp`, `y`);
- eval_4000000.csv: the same rows four times over (4,000,000 rows);
- eval_wide_1000000.csv: eval_1000000.csv plus 80 numeric columns the model does not use
  (x00..x79, seeded normal(0, 1) rounded to 4 decimals), as tables with ids, metadata and
  unused features have.
The work per run is that benchmark's: GBM inference, metrics without bootstrap intervals,
fairness by `grp` and by `seg`.
"""

from one_thread import pyarrow  # noqa: F401  (first: caps the thread pools before numpy loads)

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

import compare_evaluation_with_peers as peers  # noqa: E402

ROWS = 1_000_000
EXTRA_COLUMNS = 80
WHOLE = str(1 << 62)  # a threshold above any file: read whole


def long_table():
    """The 1,000,000-row table four times over (header once)."""
    path = peers.OUT / "eval_4000000.csv"
    if not path.exists():
        source = peers.data_path(ROWS).read_bytes()
        header, body = source.split(b"\n", 1)
        tmp = path.with_suffix(".csv.tmp")
        with open(tmp, "wb") as out:
            out.write(header + b"\n")
            for _ in range(4):
                out.write(body)
        tmp.replace(path)
    return path


def wide_table():
    """The 1,000,000-row table with 80 more numeric columns the model does not use."""
    path = peers.OUT / f"eval_wide_{ROWS}.csv"
    if not path.exists():
        write_wide_table(path)
    return path


def write_wide_table(path):
    import pandas as pd
    frame = pd.read_csv(peers.data_path(ROWS))
    rng = np.random.default_rng(11)
    extra = pd.DataFrame({f"x{i:02d}": np.round(rng.normal(0, 1, ROWS), 4)
                          for i in range(EXTRA_COLUMNS)})
    tmp = path.with_suffix(".csv.tmp")
    pd.concat([frame, extra], axis=1).to_csv(tmp, index=False)
    tmp.replace(path)


def bench_binary():
    """Builds Vigil's evaluation benchmark and returns its executable."""
    command = ["cargo", "bench", "-q", "-p", "vigil-engine", "--bench", "evaluation", "--no-run",
               "--message-format=json"]
    done = subprocess.run(command, cwd=peers.ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        sys.exit(f"building the benchmark failed: {' '.join(command)}")
    for line in done.stdout.splitlines():
        message = json.loads(line)
        if message.get("target", {}).get("name") == "evaluation" and message.get("executable"):
            return message["executable"]
    sys.exit("cargo did not name the evaluation benchmark's executable")


def run(binary, model, data, threads, threshold):
    """One evaluation: (wall seconds, peak MiB, the binary's JSON line)."""
    env = dict(os.environ, RAYON_NUM_THREADS=str(threads), VIGIL_STREAM_MIN_BYTES=threshold)
    command = [binary, str(model), str(data), peers.TARGET, ",".join(peers.ATTRIBUTES), "0"]
    begin = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = process.stdout.read(), process.stderr.read()
    status = process.wait()
    wall = time.perf_counter() - begin
    if status != 0:
        sys.stderr.write(err.decode())
        sys.exit(f"Vigil's benchmark failed: {' '.join(command)}")
    lines = [line for line in out.decode().splitlines() if line.strip()]
    result = json.loads(lines[-1])
    if result.get("peak_memory_mib") is None:
        sys.exit("the benchmark could not read its peak memory (needs Linux's /proc/self/status)")
    return wall, result["peak_memory_mib"], result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.parse_args()
    peers.ensure_data(ROWS)
    peers.ensure_model(ROWS)
    model = peers.model_path(ROWS)
    tables = [peers.data_path(ROWS), long_table(), wide_table()]
    binary = bench_binary()
    cores = os.cpu_count() or 1
    print(f"{'file':<24} {'rows':>9} {'cols':>4} {'MiB':>5} {'thr':>3} "
          f"{'whole s':>8} {'whole MiB':>9} {'stream s':>8} {'stream MiB':>10} "
          f"{'time':>6} {'memory':>6}")
    for data in tables:
        size_mib = data.stat().st_size / (1 << 20)
        with open(data) as f:
            columns = len(f.readline().split(","))
        for threads in sorted({1, cores}):
            whole = run(binary, model, data, threads, WHOLE)
            streamed = run(binary, model, data, threads, "0")
            for key in ("rows", "accuracy", "roc_auc", "log_loss"):
                if whole[2][key] != streamed[2][key]:
                    sys.exit(f"{data.name}: {key} differs: whole {whole[2][key]}, "
                             f"streamed {streamed[2][key]}")
            print(f"{data.name:<24} {whole[2]['rows']:>9,} {columns:>4} {size_mib:>5.0f} {threads:>3} "
                  f"{whole[0]:>8.2f} {whole[1]:>9.0f} {streamed[0]:>8.2f} {streamed[1]:>10.0f} "
                  f"{streamed[0] / whole[0]:>5.2f}x {streamed[1] / whole[1]:>5.2f}x")
            for name, result in (("whole", whole), ("streamed", streamed)):
                stages = ", ".join(f"{key.removesuffix('_seconds')} {result[2][key]:.2f}"
                                   for key in ("read_seconds", "inference_seconds",
                                               "metrics_seconds", "fairness_seconds"))
                print(f"    {name:<8} stages (s): {stages}")
    print("time and memory: streamed / whole (below 1 is better); the same accuracy, ROC AUC "
          "and log loss both ways.")


if __name__ == "__main__":
    main()
