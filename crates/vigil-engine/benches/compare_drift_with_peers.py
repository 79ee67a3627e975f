"""Vigil's drift computation vs scipy and Evidently, same data, one thread each, one run.

Run from the repository root with `python3 crates/vigil-engine/benches/compare_drift_with_peers.py`.
Needs numpy, pandas, scipy and evidently 0.7.23 (`pip install -r crates/vigil-engine/benches/requirements.txt`).

1. Generates a seeded 1,000,000-row table (20 numeric columns num_00..num_19: normal, lognormal,
   uniform, Poisson counts and two mixtures, four of them with ~2 % missing values; 2 categorical
   columns cat_a (5 categories) and cat_b (12)), splits it into a 500,000-row reference and a
   500,000-row current half, and injects drift into the current half (5 numeric columns shifted
   or scaled, the category shares of cat_b moved). Both halves go to target/bench-data/ as
   drift_reference_500k.csv and drift_current_500k.csv (not committed; kept between runs).
2. Runs Vigil's benchmark binary (`cargo bench -p vigil-engine --bench drift -- REF CUR`) with
   RAYON_NUM_THREADS=1; its last stdout line is JSON with read_seconds (both CSVs) and
   drift_seconds (every column's statistics, tables already in memory). `--vigil-json FILE`
   reads that line from a file instead of running cargo.
3. scipy: reads both CSVs with pandas (timed, reported apart), then from the DataFrames in memory
   computes per column what Vigil computes — numeric: KS (`ks_2samp`, method auto), Wasserstein,
   PSI and Jensen–Shannon on the reference deciles; categorical: chi-square homogeneity
   (`chi2_contingency`, no correction) and goodness of fit (`chisquare`), PSI and Jensen–Shannon
   on the shares. The whole loop over the 22 columns is timed (best of --repeat).
4. Evidently: `Report([DataDriftPreset()])` over the same DataFrames with an explicit
   DataDefinition; `report.run(...)` plus `snapshot.dict()` are timed (best of --repeat), the
   wrapping of the DataFrames into `evidently.Dataset` is timed and reported apart.
5. Prints a Markdown table: seconds per stage and the ratios scipy / Vigil and Evidently / Vigil
   (compute only, against Vigil's drift_seconds), and pandas' CSV read time against Vigil's.
   `--json OUT` writes every number.

Every library runs on one thread: OMP/OpenBLAS/MKL/numexpr threads are set to 1 before numpy
is imported, pyarrow's pools are set to one thread, and threadpoolctl (when installed) caps
any BLAS/OpenMP pool left; Vigil runs with RAYON_NUM_THREADS=1.

Evidently 0.7.23 imports `pandas.core.dtypes.common.infer_dtype_from_object`, which pandas 3
removed; the script puts a stand-in there before importing Evidently (it is only used by a
legacy column-type test, not by the drift preset).
"""
import one_thread  # noqa: F401  (first: caps the thread pools before numpy loads)

import os

import argparse  # noqa: E402
import json  # noqa: E402
import pathlib  # noqa: E402
import platform  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import scipy  # noqa: E402
from scipy import stats  # noqa: E402
from scipy.spatial.distance import jensenshannon  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[3]
OUT = ROOT / "target/bench-data"
REFERENCE = OUT / "drift_reference_500k.csv"
CURRENT = OUT / "drift_current_500k.csv"
SEED = 20240611
ROWS = 1_000_000
NUMERIC = [f"num_{i:02d}" for i in range(20)]
CATEGORICAL = ["cat_a", "cat_b"]
PSI_FLOOR = 1e-4
DECILES = np.arange(1, 10) / 10.0


# ---------------------------------------------------------------- data

def generate_table(rng):
    """The 1M-row table, every column drawn from one distribution (no drift yet)."""
    n = ROWS
    columns = {}
    # Normals with various locations and scales.
    for i, (mu, sd) in enumerate([(0, 1), (50, 10), (-3, 0.5), (1000, 250), (5, 2), (0, 0.01)]):
        columns[f"num_{i:02d}"] = rng.normal(mu, sd, n)
    # Lognormals (heavy right tails).
    for i, (mu, sigma) in enumerate([(0, 1), (3, 0.5), (8, 1.2), (-1, 0.3)], start=6):
        columns[f"num_{i:02d}"] = rng.lognormal(mu, sigma, n)
    # Uniforms.
    for i, (low, high) in enumerate([(0, 1), (-100, 100), (10, 11), (0, 1e6)], start=10):
        columns[f"num_{i:02d}"] = rng.uniform(low, high, n)
    # Integer counts (Poisson; the small ones have few distinct values and many ties).
    for i, lam in enumerate([0.5, 3, 10, 40], start=14):
        columns[f"num_{i:02d}"] = rng.poisson(lam, n)
    # A bimodal mixture of normals and an exponential.
    mode = rng.random(n) < 0.3
    columns["num_18"] = np.where(mode, rng.normal(-2, 0.5, n), rng.normal(3, 1, n))
    columns["num_19"] = rng.exponential(2.0, n)
    frame = pd.DataFrame(columns)
    # ~2 % missing values in four columns (one of each kind but the mixtures).
    for name in ("num_02", "num_08", "num_12", "num_16"):
        frame[name] = frame[name].astype(np.float64).mask(rng.random(n) < 0.02)
    cat_a_levels = ["red", "green", "blue", "yellow", "black"]
    frame["cat_a"] = rng.choice(cat_a_levels, n, p=[0.35, 0.25, 0.2, 0.15, 0.05])
    cat_b_levels = [f"b{i:02d}" for i in range(12)]
    weights = np.linspace(12, 1, 12)
    frame["cat_b"] = rng.choice(cat_b_levels, n, p=weights / weights.sum())
    return frame


def inject_drift(current, rng):
    """Drift in 5 numeric columns and in the shares of cat_b; the rest stays as it was."""
    n = len(current)
    current["num_01"] = current["num_01"] + 2.0  # location shift of 0.2 sd
    current["num_04"] = 5 + (current["num_04"] - 5) * 1.3  # 30 % wider
    current["num_07"] = current["num_07"] * 1.15  # lognormal scaled
    current["num_11"] = current["num_11"] + 10.0  # uniform shifted by 5 % of its range
    bump = rng.random(n) < 0.25
    current["num_15"] = current["num_15"] + bump.astype(np.int64)  # Poisson mean 3 → 3.25
    move = rng.random(n) < 0.10
    current.loc[move, "cat_b"] = rng.choice(["b10", "b11"], int(move.sum()))  # rare ones grow
    return current


def ensure_data():
    if REFERENCE.exists() and CURRENT.exists():
        return
    OUT.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    frame = generate_table(rng)
    half = ROWS // 2
    reference = frame.iloc[:half].reset_index(drop=True)
    current = inject_drift(frame.iloc[half:].reset_index(drop=True), rng)
    for part, path in ((reference, REFERENCE), (current, CURRENT)):
        tmp = path.with_suffix(".csv.tmp")
        part.to_csv(tmp, index=False, float_format="%.10g")
        tmp.replace(path)


# ---------------------------------------------------------------- Vigil

def vigil_numbers(args):
    if args.vigil_json:
        text = pathlib.Path(args.vigil_json).read_text()
        source = f"file {args.vigil_json}"
    else:
        env = dict(os.environ, RAYON_NUM_THREADS="1")
        text = subprocess.run(
            ["cargo", "bench", "-q", "-p", "vigil-engine", "--bench", "drift", "--", str(REFERENCE), str(CURRENT)],
            cwd=ROOT, env=env, check=True, capture_output=True, text=True,
        ).stdout
        source = "cargo bench -p vigil-engine --bench drift"
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        sys.exit(f"no output from Vigil ({source})")
    result = json.loads(lines[-1])
    for key in ("read_seconds", "drift_seconds"):
        if key not in result:
            sys.exit(f"Vigil's JSON ({source}) has no {key!r}: {lines[-1]}")
    result["source"] = source
    return result


# ---------------------------------------------------------------- scipy

def psi(reference_shares, current_shares):
    r = np.maximum(reference_shares, PSI_FLOOR)
    c = np.maximum(current_shares, PSI_FLOOR)
    return float(np.sum((c - r) * np.log(c / r)))


def numeric_statistics(reference, current):
    ref = reference.to_numpy(np.float64)
    cur = current.to_numpy(np.float64)
    ref = ref[np.isfinite(ref)]
    cur = cur[np.isfinite(cur)]
    ks = stats.ks_2samp(ref, cur)
    wasserstein = stats.wasserstein_distance(ref, cur)
    edges = np.unique(np.quantile(ref, DECILES))
    bins = len(edges) + 1
    ref_counts = np.bincount(np.searchsorted(edges, ref, side="right"), minlength=bins)
    cur_counts = np.bincount(np.searchsorted(edges, cur, side="right"), minlength=bins)
    ref_shares = ref_counts / ref_counts.sum()
    cur_shares = cur_counts / cur_counts.sum()
    return {
        "missing_reference": int(len(reference) - len(ref)),
        "missing_current": int(len(current) - len(cur)),
        "ks_statistic": float(ks.statistic),
        "ks_pvalue": float(ks.pvalue),
        "wasserstein": float(wasserstein),
        "psi": psi(ref_shares, cur_shares),
        "js_distance": float(jensenshannon(ref_shares, cur_shares)),
        "js_distance_base2": float(jensenshannon(ref_shares, cur_shares, base=2)),
        "drifted": bool(ks.pvalue < 0.05),
    }


def categorical_statistics(reference, current):
    ref_counts = reference.value_counts(dropna=True)
    cur_counts = current.value_counts(dropna=True)
    categories = ref_counts.index.union(cur_counts.index)
    ref = ref_counts.reindex(categories, fill_value=0).to_numpy(np.float64)
    cur = cur_counts.reindex(categories, fill_value=0).to_numpy(np.float64)
    n_ref, n_cur = ref.sum(), cur.sum()
    chi2, p, dof, _ = stats.chi2_contingency(np.vstack([ref, cur]), correction=False)
    with np.errstate(divide="ignore", invalid="ignore"):
        gof = stats.chisquare(cur, f_exp=ref * (n_cur / n_ref))
    ref_shares, cur_shares = ref / n_ref, cur / n_cur
    return {
        "categories": int(len(categories)),
        "chi2_homogeneity": float(chi2),
        "chi2_homogeneity_pvalue": float(p),
        "chi2_goodness_of_fit": float(gof.statistic),
        "chi2_goodness_of_fit_pvalue": float(gof.pvalue),
        "psi": psi(ref_shares, cur_shares),
        "js_distance": float(jensenshannon(ref_shares, cur_shares)),
        "js_distance_base2": float(jensenshannon(ref_shares, cur_shares, base=2)),
        "drifted": bool(p < 0.05),
    }


def scipy_drift(reference, current):
    results = {}
    for name in NUMERIC:
        results[name] = numeric_statistics(reference[name], current[name])
    for name in CATEGORICAL:
        results[name] = categorical_statistics(reference[name], current[name])
    return results


# ---------------------------------------------------------------- Evidently

def import_evidently():
    import pandas.core.dtypes.common as pandas_common

    if not hasattr(pandas_common, "infer_dtype_from_object"):
        # Removed in pandas 3; Evidently 0.7.23 imports it at module level (legacy
        # TestColumnsType only). Same result for dtypes, which is all Evidently passes it.
        pandas_common.infer_dtype_from_object = lambda dtype: pd.api.types.pandas_dtype(dtype).type
    import evidently
    from evidently import DataDefinition, Dataset, Report
    from evidently.presets import DataDriftPreset

    return evidently, DataDefinition, Dataset, Report, DataDriftPreset


def evidently_drift(reference, current, repeat):
    evidently, DataDefinition, Dataset, Report, DataDriftPreset = import_evidently()
    definition = DataDefinition(numerical_columns=NUMERIC, categorical_columns=CATEGORICAL)
    begin = time.perf_counter()
    reference_data = Dataset.from_pandas(reference, data_definition=definition)
    current_data = Dataset.from_pandas(current, data_definition=definition)
    wrap_seconds = time.perf_counter() - begin
    best, result = float("inf"), None
    for _ in range(repeat):
        begin = time.perf_counter()
        report = Report([DataDriftPreset()])
        snapshot = report.run(current_data=current_data, reference_data=reference_data)
        result = snapshot.dict()
        best = min(best, time.perf_counter() - begin)
    drifted, methods = None, {}
    for metric in result.get("metrics", []):
        config = metric.get("config", {})
        if config.get("type", "").endswith("DriftedColumnsCount"):
            drifted = int(metric["value"]["count"])
        elif config.get("type", "").endswith("ValueDrift"):
            methods[config["column"]] = {"method": config.get("method"), "threshold": config.get("threshold"), "value": metric.get("value")}
    return {"version": evidently.__version__, "wrap_seconds": wrap_seconds, "seconds": best, "drifted": drifted, "columns": methods}


# ---------------------------------------------------------------- main

def best_of(repeat, work):
    best, result = float("inf"), None
    for _ in range(repeat):
        begin = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - begin)
    return best, result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="best of N for the peers' timings (default 1)")
    parser.add_argument("--vigil-json", metavar="FILE", help="read Vigil's JSON line from FILE instead of running cargo")
    parser.add_argument("--no-evidently", action="store_true", help="skip Evidently")
    parser.add_argument("--json", metavar="OUT", help="write every number to OUT")
    args = parser.parse_args()
    repeat = max(1, args.repeat)

    ensure_data()
    vigil = vigil_numbers(args)

    def read_both():
        return pd.read_csv(REFERENCE), pd.read_csv(CURRENT)

    pandas_read, (reference, current) = best_of(repeat, read_both)
    scipy_seconds, scipy_results = best_of(repeat, lambda: scipy_drift(reference, current))
    scipy_drifted = sum(r["drifted"] for r in scipy_results.values())
    peer = None if args.no_evidently else evidently_drift(reference, current, repeat)

    cpus = os.cpu_count()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cpus
    ours = vigil["drift_seconds"]
    print(f"{platform.processor() or platform.machine()}, {cpus} CPUs ({usable} usable); every library on one thread "
          f"(RAYON_NUM_THREADS=1 for Vigil, OMP/OpenBLAS/MKL=1 and pyarrow pools of 1 for the peers)")
    versions = f"numpy {np.__version__}, pandas {pd.__version__}, scipy {scipy.__version__}"
    if peer:
        versions += f", evidently {peer['version']}"
    print(f"{versions}; Vigil from {vigil['source']}")
    print(f"{len(reference):,} reference rows, {len(current):,} current rows, {len(NUMERIC)} numeric + "
          f"{len(CATEGORICAL)} categorical columns; seconds, lower is better; peers best of {repeat}")
    print()
    print("| stage | Vigil s | peer s | peer / Vigil |")
    print("|---|---:|---:|---:|")
    print(f"| drift, all columns: scipy (KS, Wasserstein, PSI, JS, chi²) | {ours:.3f} | {scipy_seconds:.3f} | {scipy_seconds / ours:.1f}× |")
    if peer:
        print(f"| drift, all columns: Evidently DataDriftPreset (run + dict) | {ours:.3f} | {peer['seconds']:.3f} | {peer['seconds'] / ours:.1f}× |")
    print(f"| read both CSVs: pandas.read_csv | {vigil['read_seconds']:.3f} | {pandas_read:.3f} | {pandas_read / vigil['read_seconds']:.1f}× |")
    print()
    line = f"Columns flagged as drifted: Vigil {vigil.get('drifted_default', '?')} (its default verdict), scipy {scipy_drifted} (KS / chi² p < 0.05)"
    if peer:
        line += f", Evidently {peer['drifted'] if peer['drifted'] is not None else '?'}"
        line += f". Wrapping the DataFrames as evidently.Dataset took {peer['wrap_seconds']:.3f} s (not counted)"
    print(line + ".")
    sys.stdout.flush()

    if args.json:
        numbers = {
            "machine": {"cpus": cpus, "usable_cpus": usable, "processor": platform.processor(), "threads_per_library": 1},
            "versions": {"python": platform.python_version(), "numpy": np.__version__, "pandas": pd.__version__, "scipy": scipy.__version__,
                         "evidently": peer["version"] if peer else None},
            "data": {"reference": str(REFERENCE), "current": str(CURRENT), "rows_reference": len(reference), "rows_current": len(current),
                     "numeric_columns": NUMERIC, "categorical_columns": CATEGORICAL},
            "repeat": repeat,
            "vigil": vigil,
            "pandas_read_seconds": pandas_read,
            "scipy": {"seconds": scipy_seconds, "drifted": scipy_drifted, "columns": scipy_results},
            "evidently": peer,
            "ratios": {
                "scipy_over_vigil": scipy_seconds / ours,
                "evidently_over_vigil": peer["seconds"] / ours if peer else None,
                "pandas_read_over_vigil_read": pandas_read / vigil["read_seconds"],
            },
        }
        pathlib.Path(args.json).write_text(json.dumps(numbers, indent=2, default=str))


if __name__ == "__main__":
    main()
