"""Vigil vs onnxruntime, same models, same data, same batch sizes, one thread each, in one run.

Run from the repository root with `make bench` (or `python3 crates/vigil-engine/benches/compare_with_onnxruntime.py`).
Needs numpy, pandas and onnxruntime (`pip install -r crates/vigil-engine/benches/requirements.txt`).

1. Generates two 1,000,000-row tables under target/bench-data/ (seeded resamples of the kit's
   credit and diabetes data; not committed).
2. Runs Vigil's benchmark binary (`cargo bench -p vigil-engine --bench inference`) with
   RAYON_NUM_THREADS=1 and collects rows/s per model and batch size.
3. Runs onnxruntime (intra- and inter-op threads = 1) over the same rows and batches, binding
   columns to inputs the way Vigil does. On both sides the CSV is parsed before timing; turning
   columns into input arrays and running the model are timed.
4. Repeats steps 2 and 3 REPEATS times (default 3, environment variable BENCH_REPEATS) and
   keeps each side's best throughput per model and batch size: this machine's speed wanders
   by tens of percent between runs, and the best of several is the steadiest estimate of
   what each side can do.
5. Prints a Markdown table with both throughputs and the ratio Vigil / onnxruntime.

BENCH_CASES=name,name… runs only those cases (names as in the table, e.g. digits_cnn).
"""
import json
import os
import pathlib
import subprocess
import sys
import time

import numpy as np
import onnxruntime as ort
import pandas as pd

ROOT = pathlib.Path(__file__).resolve().parents[3]
KIT = ROOT / "tests/fixtures/kit"
OUT = ROOT / "target/bench-data"
MIN_SECONDS = 0.5
REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))


def large_table(source, name, rows=1_000_000, seed=7):
    path = OUT / name
    if not path.exists():
        frame = pd.read_csv(KIT / "data" / source)
        frame.sample(n=rows, replace=True, random_state=seed).to_csv(path, index=False)
    return path


def cases():
    OUT.mkdir(parents=True, exist_ok=True)
    credit_1m = large_table("credit.csv", "credit_1m.csv")
    diabetes_1m = large_table("diabetes.csv", "diabetes_1m.csv")
    kit = lambda p: str(KIT / p)
    small = [1, 256, 0]
    large = [256, 0]
    return [
        {"name": "breast_cancer_logreg", "model": kit("models/breast_cancer_logreg_nozipmap.onnx"), "data": kit("data/breast_cancer.csv"), "exclude": ["target"], "batches": small},
        {"name": "wine_logreg", "model": kit("models/wine_logreg_nozipmap.onnx"), "data": kit("data/wine.csv"), "exclude": ["target"], "batches": small},
        {"name": "digits_mlp", "model": kit("models/digits_mlp_nozipmap.onnx"), "data": kit("data/digits.csv"), "exclude": ["target"], "batches": small},
        {"name": "digits_cnn", "model": kit("models/digits_cnn.onnx"), "data": kit("data/digits.csv"), "exclude": ["target"], "batches": small},
        {"name": "credit_rf", "model": kit("models/credit_rf_nozipmap.onnx"), "data": kit("data/credit_current_none.csv"), "exclude": ["default"], "batches": small},
        {"name": "credit_gbm", "model": kit("models/credit_gbm_nozipmap.onnx"), "data": kit("data/credit_current_none.csv"), "exclude": ["default"], "batches": small},
        {"name": "diabetes_linreg", "model": kit("models/diabetes_linreg.onnx"), "data": kit("data/diabetes.csv"), "exclude": ["target"], "batches": small},
        {"name": "diabetes_rf", "model": kit("models/diabetes_rf.onnx"), "data": kit("data/diabetes.csv"), "exclude": ["target"], "batches": small},
        {"name": "credit_rf (1M rows)", "model": kit("models/credit_rf_nozipmap.onnx"), "data": str(credit_1m), "exclude": ["default"], "batches": large},
        {"name": "credit_gbm (1M rows)", "model": kit("models/credit_gbm_nozipmap.onnx"), "data": str(credit_1m), "exclude": ["default"], "batches": large},
        {"name": "diabetes_linreg (1M rows)", "model": kit("models/diabetes_linreg.onnx"), "data": str(diabetes_1m), "exclude": ["target"], "batches": large},
        {"name": "diabetes_rf (1M rows)", "model": kit("models/diabetes_rf.onnx"), "data": str(diabetes_1m), "exclude": ["target"], "batches": large},
    ]


def feeds_for(session, frame, exclude):
    """Columns to inputs as Vigil binds them: by name, else every feature column in order."""
    inputs = session.get_inputs()
    named = [i for i in inputs if i.name in frame.columns]
    feeds = {}
    for i in named:
        column = frame[i.name]
        feeds[i.name] = column.astype(str).to_numpy().reshape(-1, 1) if i.type == "tensor(string)" else column.to_numpy(np.float64).astype(np.float32).reshape(-1, 1)
    rest = [i for i in inputs if i not in named]
    if rest:
        (only,) = rest
        columns = [c for c in frame.columns if c not in exclude and c.lower() != "id" and c != "timestamp"]
        values = frame[columns].to_numpy(np.float64).astype(np.float32)
        trailing = [d for d in only.shape[1:]]
        shape = [-1] + trailing if all(isinstance(d, int) for d in trailing) and trailing else [-1, len(columns)]
        feeds[only.name] = values.reshape(shape)
    return feeds


def onnxruntime_rows_per_second(case):
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(case["model"], options, providers=["CPUExecutionProvider"])
    frame = pd.read_csv(case["data"])
    rows = len(frame)
    results = {}
    for batch in case["batches"]:
        size = rows if batch == 0 else batch
        def one_pass():
            # Columns become input arrays inside the timed pass, as Vigil binds columns to
            # tensors inside its timed pass: both measure "table in memory → predictions".
            feeds = feeds_for(session, frame, case["exclude"])
            for start in range(0, rows, size):
                session.run(None, {k: v[start:start + size] for k, v in feeds.items()})
        one_pass()
        passes, begin = 0, time.perf_counter()
        while passes == 0 or time.perf_counter() - begin < MIN_SECONDS:
            one_pass()
            passes += 1
        results[batch] = rows / ((time.perf_counter() - begin) / passes)
    return rows, results


def main():
    spec = cases()
    wanted = os.environ.get("BENCH_CASES")
    if wanted:
        spec = [c for c in spec if c["name"] in wanted.split(",")]
    cases_file = OUT / "cases.json"
    cases_file.write_text(json.dumps(spec))
    env = dict(os.environ, RAYON_NUM_THREADS="1")
    measured, peers, rows_of = {}, {}, {}
    for _ in range(REPEATS):
        vigil = subprocess.run(
            ["cargo", "bench", "-q", "-p", "vigil-engine", "--bench", "inference", "--", str(cases_file)],
            cwd=ROOT, env=env, check=True, capture_output=True, text=True,
        ).stdout
        for line in vigil.splitlines():
            if line.startswith("{"):
                r = json.loads(line)
                key = (r["name"], r["batch"])
                measured[key] = max(measured.get(key, 0.0), r["rows_per_second"])
        for case in spec:
            rows, peer = onnxruntime_rows_per_second(case)
            rows_of[case["name"]] = rows
            for batch, value in peer.items():
                key = (case["name"], batch)
                peers[key] = max(peers.get(key, 0.0), value)
    print(f"onnxruntime {ort.__version__}, numpy {np.__version__}; one thread each; best of {REPEATS} runs each; rows/s, higher is better")
    print()
    print("| model | rows | batch | Vigil rows/s | onnxruntime rows/s | Vigil / onnxruntime |")
    print("|---|---:|---:|---:|---:|---:|")
    for case in spec:
        for batch in case["batches"]:
            key = (case["name"], batch)
            ours, theirs = measured[key], peers[key]
            label = "whole" if batch == 0 else str(batch)
            print(f"| {case['name']} | {rows_of[case['name']]:,} | {label} | {ours:,.0f} | {theirs:,.0f} | {ours / theirs:.2f}× |")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
