"""Vigil on the CPU vs the GPU: the kit's CNN and MLP over the digits data tiled to 17,970 rows,
at batch sizes 256 and 16,384, in one run. Standard library only.

Run from the repository root with `make bench-gpu`. It builds and runs Vigil's benchmark binary
(`cargo bench -p vigil-engine --features gpu --bench inference`) once per device, or runs the
binary named by VIGIL_BENCH_BINARY (built elsewhere with the `gpu` feature). The CPU uses every
core. "first pass" is the first whole pass over the rows: on the GPU it includes compiling the
shaders for that batch size, which happens once per model, batch shape and process.
"""
import json
import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[3]
KIT = ROOT / "tests/fixtures/kit"
OUT = ROOT / "target/bench-data"
BATCHES = [256, 16384]
# digits.csv has 1,797 rows: ten copies give more than one 16,384-row batch.
REPEAT = 10


def cases():
    kit = lambda p: str(KIT / p)
    return [
        {"name": "digits_mlp", "model": kit("models/digits_mlp_nozipmap.onnx"), "data": kit("data/digits.csv"), "exclude": ["target"], "batches": BATCHES, "repeat": REPEAT},
        {"name": "digits_cnn", "model": kit("models/digits_cnn.onnx"), "data": kit("data/digits.csv"), "exclude": ["target"], "batches": BATCHES, "repeat": REPEAT},
    ]


def run(device, cases_file):
    binary = os.environ.get("VIGIL_BENCH_BINARY")
    if binary:
        command = [binary, str(cases_file), "--device", device]
    else:
        command = ["cargo", "bench", "-q", "-p", "vigil-engine", "--features", "gpu", "--bench", "inference", "--", str(cases_file), "--device", device]
    output = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    cases_file = OUT / "gpu_cases.json"
    cases_file.write_text(json.dumps(cases()))
    cpu = {(r["name"], r["batch"]): r for r in run("cpu", cases_file)}
    gpu = {(r["name"], r["batch"]): r for r in run("gpu", cases_file)}
    some = next(iter(gpu.values()))
    print(f"GPU: {some['device']}; CPU: {os.cpu_count()} cores; rows/s, higher is better")
    print()
    print("| model | rows | batch | CPU rows/s | GPU rows/s | GPU / CPU | CPU first pass | GPU first pass |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for key, c in cpu.items():
        g = gpu[key]
        print(
            f"| {key[0]} | {c['rows']:,} | {key[1]:,} | {c['rows_per_second']:,.0f} | {g['rows_per_second']:,.0f} "
            f"| {g['rows_per_second'] / c['rows_per_second']:.2f}× | {c['first_pass_seconds'] * 1000:,.0f} ms "
            f"| {g['first_pass_seconds'] * 1000:,.0f} ms |"
        )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
