"""Vigil's end-to-end evaluation vs pandas + onnxruntime + scikit-learn + Fairlearn, same files, same run.

Run from the repository root with `make bench-eval` (or
`python3 crates/vigil-engine/benches/compare_evaluation_with_peers.py`). Needs numpy, pandas,
onnxruntime, scikit-learn, skl2onnx and fairlearn
(`pip install -r crates/vigil-engine/benches/requirements.txt`).

One evaluation is: read a labelled CSV, run a gradient-boosted model over every row, score it
(accuracy, precision/recall/F1, ROC AUC, log loss, confusion matrix) and break it down by two
sensitive attributes (`grp` and `seg`, each on its own). Both sides do that work on the same
file with the same ONNX model, in the same run of this script.

1. Set-up (timed, reported apart, not part of the comparison; kept between runs under
   target/bench-data/, not committed):
   - data: a seeded table (numpy `default_rng(7)`, --rows rows, default 1,000,000) with 20
     numeric columns f00..f19 (column i by i % 4: normal(0, 1), lognormal(0, 0.5),
     uniform(-2, 2), Poisson(3) as float; rounded to 4 decimals), `seg` (a..e, shares
     .30/.25/.20/.15/.10) and `grp` (g1..g3, shares .5/.3/.2); from row n // 2 on f00 += 0.3 and
     f01 *= 1.2; y ~ Bernoulli(sigmoid(0.8 f00 - 0.5 f01 + 0.3 f02 + 0.2 f03 + 0.4 [seg = a]
     + 0.5 [grp = g3] - 0.6)). The random draws come in exactly that order (numeric columns in
     order, seg, grp, then the uniform for y), so the table is the same as the published
     reference benchmark's. Written with pandas `to_csv(index=False)` to eval_<rows>.csv.
   - model: scikit-learn Pipeline(ColumnTransformer(StandardScaler on the numeric columns as
     float32, OneHotEncoder(handle_unknown="ignore") on seg and grp), GradientBoostingClassifier
     (100 trees, depth 3, random_state 0)) fitted on the CSV's first 20,000 rows, converted with
     skl2onnx (one [None, 1] input per column: float for f00..f19, string for seg and grp; opsets
     "" 17 and ai.onnx.ml 3; no ZipMap, so the outputs are `label` and `probabilities` [n, 2])
     and saved as eval_gbm_<rows>.onnx.
2. Vigil: runs its benchmark binary
   `cargo bench -q -p vigil-engine --bench evaluation -- MODEL DATA y grp,seg RESAMPLES` four
   times: with RAYON_NUM_THREADS=1 and with one thread per core, each with the app's default
   1,000 bootstrap resamples (Vigil's metrics include 95 % intervals, which the Python stack does
   not compute) and with 0 (no intervals: the same outputs as the Python stack, like for like).
   Its last stdout line is one JSON object; this script reads
   read_seconds, inference_seconds, metrics_seconds, fairness_seconds, total_seconds, rows,
   accuracy, roc_auc, log_loss, selection_rate and tpr (the last two shaped
   {attribute: {group: value}}). `--vigil-json FILE` reads that line (the last non-empty line of
   FILE) instead of running cargo.
   If target/release/vigil exists (or `--cli PATH`), the whole CLI process
   `vigil eval --model M --data D --target y --sensitive grp --sensitive seg --json TMP`
   (RAYON_NUM_THREADS=1) is also timed, as one informational row: it includes starting the
   process, loading the model and writing every row's prediction to JSON. `--no-cli` skips it.
3. The Python stack, stage by stage (wall seconds, each stage best of --repeat, default 1):
   - read_csv: `pandas.read_csv(DATA)` (C engine, default dtypes);
   - ort_feeds: one [n, 1] array per model input (float32 for f00..f19, object for seg, grp);
   - ort_gbm: an onnxruntime InferenceSession (CPUExecutionProvider, intra- and inter-op
     threads 1; creating it is counted, a few milliseconds) and one run over the whole table;
   - sklearn_metrics: accuracy, balanced accuracy; precision, recall and F1 with average
     binary, micro, macro, weighted (zero_division=0) and per class; ROC AUC on P(y = 1);
     log loss on the float64 probabilities; the confusion matrix;
   - fairlearn: for grp and then seg, a MetricFrame of count, selection rate, accuracy, TPR,
     FPR, TNR, FNR and precision (zero_division=0), read as by_group, overall, group_min(),
     group_max(), difference() (between groups and to overall) and ratio() (both methods);
     plus demographic_parity_difference/ratio, equalized_odds_difference (worst case and mean),
     equalized_odds_ratio and equal_opportunity_difference. Both attributes are one stage.
     (Fairlearn 0.15 passes each group's columns through `np.stack` element by element before
     calling a metric; that is where most of its time goes, as released. On 1,000,000 rows
     this stage takes minutes on one core: about 5 s at 20,000 rows, linear in rows.)
   End to end = the sum of the five stages.
4. Agreement (proof both sides did the same work): Vigil's accuracy must equal scikit-learn's
   within 1e-12, its ROC AUC within 1e-9, its log loss within 1e-6 (relative), and every
   group's selection rate and TPR Fairlearn's within 1e-12, for both attributes, and both sides
   must have seen the same number of rows. onnxruntime and Vigil may differ in the
   probabilities at float32 precision; the labels should be the same. Any disagreement is
   printed and the script exits with status 1 (after printing the table and writing --json).
5. Prints the machine, the versions and a Markdown table: seconds per stage for the Python
   stack and for Vigil and the ratio Python / Vigil. `--json OUT` writes every number.

The Python stack runs on one thread: OMP/OpenBLAS/MKL/numexpr threads are set to 1 before
numpy is imported, pyarrow's pools are set to one thread, threadpoolctl (when installed) caps any
BLAS/OpenMP pool left, onnxruntime gets one intra- and one inter-op thread (pandas, scikit-learn's
metrics and Fairlearn are single-threaded anyway). Vigil is timed on one thread
(RAYON_NUM_THREADS=1) and on every core, the way the app runs.
"""
from one_thread import pyarrow  # first: caps the thread pools before numpy loads

import os

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import pathlib  # noqa: E402
import platform  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import onnxruntime as ort  # noqa: E402
import sklearn  # noqa: E402
from sklearn import metrics as skm  # noqa: E402
import fairlearn  # noqa: E402
from fairlearn import metrics as flm  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[3]
OUT = ROOT / "target/bench-data"
DEFAULT_CLI = ROOT / "target/release/vigil"
SEED = 7
ROWS = 1_000_000
TRAIN_ROWS = 20_000
NUMERIC = [f"f{i:02d}" for i in range(20)]
CATEGORICAL = ["seg", "grp"]
TARGET = "y"
ATTRIBUTES = ["grp", "seg"]  # the order Vigil is given them in: `grp,seg`
VIGIL_KEYS = ("read_seconds", "inference_seconds", "metrics_seconds", "fairness_seconds", "total_seconds",
              "rows", "accuracy", "roc_auc", "log_loss", "selection_rate", "tpr")
ACCURACY_TOL = 1e-12
ROC_AUC_TOL = 1e-9
LOG_LOSS_REL_TOL = 1e-6
GROUP_TOL = 1e-12


# ---------------------------------------------------------------- set-up: data and model

def data_path(rows):
    return OUT / f"eval_{rows}.csv"


def model_path(rows):
    return OUT / f"eval_gbm_{rows}.onnx"


def generate_table(rows):
    """The seeded table; the order of the draws is part of its definition."""
    rng = np.random.default_rng(SEED)
    n = rows
    columns = {}
    for i, name in enumerate(NUMERIC):
        kind = i % 4
        if kind == 0:
            values = rng.normal(0, 1, n)
        elif kind == 1:
            values = rng.lognormal(0, 0.5, n)
        elif kind == 2:
            values = rng.uniform(-2, 2, n)
        else:
            values = rng.poisson(3, n).astype(np.float64)
        columns[name] = np.round(values, 4)
    frame = pd.DataFrame(columns)
    frame["seg"] = rng.choice(["a", "b", "c", "d", "e"], n, p=[0.3, 0.25, 0.2, 0.15, 0.1])
    frame["grp"] = rng.choice(["g1", "g2", "g3"], n, p=[0.5, 0.3, 0.2])
    half = n // 2
    f00 = frame["f00"].to_numpy(copy=True)
    f01 = frame["f01"].to_numpy(copy=True)
    f00[half:] += 0.3
    f01[half:] *= 1.2
    frame["f00"] = f00
    frame["f01"] = f01
    logit = (0.8 * frame["f00"] - 0.5 * frame["f01"] + 0.3 * frame["f02"] + 0.2 * frame["f03"]
             + 0.4 * (frame["seg"] == "a") + 0.5 * (frame["grp"] == "g3") - 0.6).to_numpy(np.float64)
    probability = 1.0 / (1.0 + np.exp(-logit))
    frame[TARGET] = (rng.uniform(0, 1, n) < probability).astype(np.int64)
    return frame


def ensure_data(rows):
    """Writes eval_<rows>.csv if missing; returns the seconds it took (None when it was there)."""
    path = data_path(rows)
    if path.exists():
        return None
    OUT.mkdir(parents=True, exist_ok=True)
    begin = time.perf_counter()
    frame = generate_table(rows)
    tmp = path.with_suffix(".csv.tmp")
    frame.to_csv(tmp, index=False)
    tmp.replace(path)
    return time.perf_counter() - begin


def ensure_model(rows):
    """Trains and converts the GBM if eval_gbm_<rows>.onnx is missing; returns the seconds or None."""
    path = model_path(rows)
    if path.exists():
        return None
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import GradientBoostingClassifier
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import FloatTensorType, StringTensorType

    begin = time.perf_counter()
    train = pd.read_csv(data_path(rows), nrows=TRAIN_ROWS)
    features = train[NUMERIC + CATEGORICAL].copy()
    features[NUMERIC] = features[NUMERIC].astype(np.float32)
    clf = GradientBoostingClassifier(n_estimators=100, max_depth=3, random_state=0)
    pipeline = Pipeline([
        ("pre", ColumnTransformer([
            ("num", StandardScaler(), NUMERIC),
            ("cat", OneHotEncoder(handle_unknown="ignore"), CATEGORICAL),
        ])),
        ("clf", clf),
    ])
    pipeline.fit(features, train[TARGET].to_numpy(np.int64))
    initial_types = ([(c, FloatTensorType([None, 1])) for c in NUMERIC]
                     + [(c, StringTensorType([None, 1])) for c in CATEGORICAL])
    onnx_model = convert_sklearn(pipeline, initial_types=initial_types,
                                 target_opset={"": 17, "ai.onnx.ml": 3},
                                 options={id(clf): {"zipmap": False}})
    OUT.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".onnx.tmp")
    tmp.write_bytes(onnx_model.SerializeToString())
    tmp.replace(path)
    return time.perf_counter() - begin


# ---------------------------------------------------------------- Vigil

def vigil_numbers(args, model, data, threads=1, resamples=1000):
    """Vigil's stage timings with `threads` worker threads and `resamples` bootstrap resamples."""
    if args.vigil_json:
        text = pathlib.Path(args.vigil_json).read_text()
        source = f"file {args.vigil_json}"
    else:
        env = dict(os.environ, RAYON_NUM_THREADS=str(threads))
        command = ["cargo", "bench", "-q", "-p", "vigil-engine", "--bench", "evaluation", "--",
                   str(model), str(data), TARGET, ",".join(ATTRIBUTES), str(resamples)]
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            sys.stderr.write(done.stderr)
            sys.exit(f"Vigil's benchmark failed (exit {done.returncode}): {' '.join(command)}")
        text = done.stdout
        source = "cargo bench -p vigil-engine --bench evaluation"
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        sys.exit(f"no output from Vigil ({source})")
    try:
        result = json.loads(lines[-1])
    except json.JSONDecodeError as error:
        sys.exit(f"Vigil's last line ({source}) is not JSON ({error}): {lines[-1]}")
    missing = [key for key in VIGIL_KEYS if key not in result]
    if missing:
        sys.exit(f"Vigil's JSON ({source}) lacks {', '.join(missing)}: {lines[-1]}")
    result["source"] = source
    result["threads"] = threads
    result["bootstrap_resamples"] = resamples
    return result


def vigil_cli(args, model, data):
    """Times the whole `vigil eval` process; None when there is no binary or --no-cli."""
    if args.no_cli:
        return None
    cli = pathlib.Path(args.cli) if args.cli else DEFAULT_CLI
    if not cli.exists():
        if args.cli:
            sys.exit(f"--cli {cli}: no such file")
        return None
    env = dict(os.environ, RAYON_NUM_THREADS="1")
    with tempfile.TemporaryDirectory(prefix="vigil-bench-eval-") as tmp:
        out = pathlib.Path(tmp) / "eval.json"
        command = [str(cli), "eval", "--model", str(model), "--data", str(data), "--target", TARGET]
        for attribute in ATTRIBUTES:
            command += ["--sensitive", attribute]
        command += ["--json", str(out)]
        best, failure, json_bytes = float("inf"), None, None
        for _ in range(max(1, args.repeat)):
            begin = time.perf_counter()
            done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
            seconds = time.perf_counter() - begin
            if done.returncode != 0:
                failure = f"exit {done.returncode}: {done.stderr.strip()[-2000:]}"
                break
            best = min(best, seconds)
            json_bytes = out.stat().st_size if out.exists() else None
    if failure:
        print(f"warning: `{' '.join(command)}` failed ({failure}); no CLI row", file=sys.stderr)
        return {"binary": str(cli), "command": command, "error": failure}
    return {"binary": str(cli), "command": command, "seconds": best, "json_bytes": json_bytes}


# ---------------------------------------------------------------- the Python stack

def read_csv(data):
    return pd.read_csv(data)


def ort_feeds(frame):
    feeds = {}
    for name in NUMERIC:
        feeds[name] = frame[name].to_numpy(np.float32).reshape(-1, 1)
    for name in CATEGORICAL:
        feeds[name] = frame[name].to_numpy(dtype=object).reshape(-1, 1)
    return feeds


def ort_gbm(model, feeds):
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(str(model), sess_options=options, providers=["CPUExecutionProvider"])
    label, probabilities = session.run(["label", "probabilities"], feeds)
    return label.reshape(-1), probabilities


def sklearn_metrics(y, label, probabilities):
    out = {
        "accuracy": skm.accuracy_score(y, label),
        "balanced_accuracy": skm.balanced_accuracy_score(y, label),
    }
    for average in ("binary", "micro", "macro", "weighted", None):
        key = average or "per_class"
        out[f"precision_{key}"] = skm.precision_score(y, label, average=average, zero_division=0)
        out[f"recall_{key}"] = skm.recall_score(y, label, average=average, zero_division=0)
        out[f"f1_{key}"] = skm.f1_score(y, label, average=average, zero_division=0)
    out["roc_auc"] = skm.roc_auc_score(y, probabilities[:, 1])
    out["log_loss"] = skm.log_loss(y, probabilities.astype(np.float64))
    out["confusion_matrix"] = skm.confusion_matrix(y, label)
    return out


FAIRLEARN_METRICS = {
    "count": flm.count,
    "selection_rate": flm.selection_rate,
    "accuracy": skm.accuracy_score,
    "true_positive_rate": flm.true_positive_rate,
    "false_positive_rate": flm.false_positive_rate,
    "true_negative_rate": flm.true_negative_rate,
    "false_negative_rate": flm.false_negative_rate,
    "precision": lambda y_true, y_pred: skm.precision_score(y_true, y_pred, zero_division=0),
}


def fairlearn_stage(frame, y, label):
    out = {}
    for attribute in ATTRIBUTES:
        sensitive = frame[attribute]
        mf = flm.MetricFrame(metrics=FAIRLEARN_METRICS, y_true=y, y_pred=label, sensitive_features=sensitive)
        out[attribute] = {
            "by_group": mf.by_group,
            "overall": mf.overall,
            "group_min": mf.group_min(),
            "group_max": mf.group_max(),
            "difference_between_groups": mf.difference(),
            "difference_to_overall": mf.difference(method="to_overall"),
            "ratio_between_groups": mf.ratio(),
            "ratio_to_overall": mf.ratio(method="to_overall"),
            "demographic_parity_difference": flm.demographic_parity_difference(y, label, sensitive_features=sensitive),
            "demographic_parity_ratio": flm.demographic_parity_ratio(y, label, sensitive_features=sensitive),
            "equalized_odds_difference": flm.equalized_odds_difference(y, label, sensitive_features=sensitive),
            "equalized_odds_difference_mean": flm.equalized_odds_difference(y, label, sensitive_features=sensitive, agg="mean"),
            "equalized_odds_ratio": flm.equalized_odds_ratio(y, label, sensitive_features=sensitive),
            "equal_opportunity_difference": flm.equal_opportunity_difference(y, label, sensitive_features=sensitive),
        }
    return out


def best_of(repeat, work):
    best, result = float("inf"), None
    for _ in range(repeat):
        begin = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - begin)
    return best, result


def python_stack(model, data, repeat):
    seconds = {}
    seconds["read_csv"], frame = best_of(repeat, lambda: read_csv(data))
    seconds["ort_feeds"], feeds = best_of(repeat, lambda: ort_feeds(frame))
    seconds["ort_gbm"], (label, probabilities) = best_of(repeat, lambda: ort_gbm(model, feeds))
    y = frame[TARGET].to_numpy(np.int64)
    label = label.astype(np.int64, copy=False)
    seconds["sklearn_metrics"], scores = best_of(repeat, lambda: sklearn_metrics(y, label, probabilities))
    seconds["fairlearn"], fairness = best_of(repeat, lambda: fairlearn_stage(frame, y, label))
    seconds["total"] = sum(seconds[k] for k in ("read_csv", "ort_feeds", "ort_gbm", "sklearn_metrics", "fairlearn"))
    return {"seconds": seconds, "rows": len(frame), "metrics": scores, "fairness": fairness,
            "positive_predictions": int(label.sum()), "positive_labels": int(y.sum())}


# ---------------------------------------------------------------- agreement

def agreement(vigil, python):
    """(check, ok, detail) for every number both sides must share."""
    checks = []
    scores = python["metrics"]

    def close(name, ours, theirs, tol, relative=False):
        try:
            ours_f, theirs_f = float(ours), float(theirs)
        except (TypeError, ValueError):
            checks.append((name, False, f"Vigil {ours!r}, Python {theirs!r}"))
            return
        bound = tol * abs(theirs_f) if relative else tol
        diff = abs(ours_f - theirs_f)
        ok = diff <= bound or (math.isnan(ours_f) and math.isnan(theirs_f))
        checks.append((name, ok, f"Vigil {ours_f!r}, Python {theirs_f!r}, |diff| {diff:.3g} (tolerance {bound:.3g})"))

    checks.append(("rows", int(vigil["rows"]) == python["rows"], f"Vigil {vigil['rows']}, Python {python['rows']}"))
    close("accuracy", vigil["accuracy"], scores["accuracy"], ACCURACY_TOL)
    close("roc_auc", vigil["roc_auc"], scores["roc_auc"], ROC_AUC_TOL)
    close("log_loss (relative)", vigil["log_loss"], scores["log_loss"], LOG_LOSS_REL_TOL, relative=True)
    for key, column in (("selection_rate", "selection_rate"), ("tpr", "true_positive_rate")):
        for attribute in ATTRIBUTES:
            theirs = python["fairness"][attribute]["by_group"][column]
            ours = (vigil.get(key) or {}).get(attribute)
            if not isinstance(ours, dict):
                checks.append((f"{key}[{attribute}]", False, f"Vigil has no {key} for {attribute!r}"))
                continue
            extra = sorted(set(map(str, ours)) - set(map(str, theirs.index)))
            if extra:
                checks.append((f"{key}[{attribute}]", False, f"groups only Vigil has: {extra}"))
            for group, value in theirs.items():
                if str(group) not in ours:
                    checks.append((f"{key}[{attribute}={group}]", False, f"Vigil has no group {group!r}"))
                    continue
                close(f"{key}[{attribute}={group}]", ours[str(group)], value, GROUP_TOL)
    return checks


# ---------------------------------------------------------------- output

def plain(value):
    """JSON-ready copy: pandas and numpy objects to lists/dicts, NaN and infinities to None."""
    if isinstance(value, pd.DataFrame):
        return {str(column): plain(value[column]) for column in value.columns}
    if isinstance(value, pd.Series):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return [plain(v) for v in value.tolist()]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def ratio(python_seconds, vigil_seconds):
    if not vigil_seconds or vigil_seconds <= 0:
        return None
    return python_seconds / vigil_seconds


def ratio_text(value):
    return "—" if value is None else f"{value:.1f}×"


def versions():
    out = {"python": platform.python_version(), "numpy": np.__version__, "pandas": pd.__version__,
           "pyarrow": pyarrow.__version__ if pyarrow else None, "onnxruntime": ort.__version__,
           "scikit-learn": sklearn.__version__, "fairlearn": fairlearn.__version__}
    for module in ("skl2onnx", "onnx", "threadpoolctl"):
        try:
            out[module] = __import__(module).__version__
        except ImportError:
            out[module] = None
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS, help=f"rows in the table (default {ROWS:,})")
    parser.add_argument("--repeat", type=int, default=1, help="best of N for each Python stage and the CLI (default 1)")
    parser.add_argument("--vigil-json", metavar="FILE", help="read Vigil's JSON line from FILE instead of running cargo")
    parser.add_argument("--cli", metavar="PATH", help=f"the vigil binary to time end to end (default {DEFAULT_CLI.relative_to(ROOT)} if it exists)")
    parser.add_argument("--no-cli", action="store_true", help="do not time the vigil CLI")
    parser.add_argument("--json", metavar="OUT", help="write every number to OUT")
    args = parser.parse_args()
    if args.rows <= 0:
        parser.error("--rows must be positive")
    repeat = max(1, args.repeat)
    data, model = data_path(args.rows), model_path(args.rows)

    generation_seconds = ensure_data(args.rows)
    training_seconds = ensure_model(args.rows)

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    # The app's default (1,000 bootstrap resamples for the intervals) and, like for like with the
    # Python stack (which computes no intervals), none; on one thread and on every core.
    configs = [(1, 1000), (1, 0)] + ([(cores, 1000), (cores, 0)] if cores > 1 else [])
    runs = {(t, r): vigil_numbers(args, model, data, t, r) for t, r in configs}
    vigil = runs[(1, 1000)]
    cli = vigil_cli(args, model, data)
    python = python_stack(model, data, repeat)
    checks = []
    for (t, r), run in runs.items():
        for name, ok, detail in agreement(run, python):
            checks.append((f"[{t} thread{'s' if t > 1 else ''}, {r} resamples] {name}", ok, detail))
    agree = all(ok for _, ok, _ in checks)

    seconds = python["seconds"]
    inference = seconds["ort_feeds"] + seconds["ort_gbm"]
    stage_rows = [
        ("read CSV: pandas.read_csv vs Vigil", seconds["read_csv"], "read_seconds"),
        ("inference: feeds + onnxruntime run vs Vigil (GBM, 100 trees)", inference, "inference_seconds"),
        ("metrics: scikit-learn vs Vigil (with 1,000-resample bootstrap intervals)", seconds["sklearn_metrics"], "metrics_seconds"),
        ("fairness (2 attributes): Fairlearn vs Vigil", seconds["fairlearn"], "fairness_seconds"),
        ("end to end", seconds["total"], "total_seconds"),
    ]

    cpus = os.cpu_count()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cpus
    found = versions()
    print(f"{platform.processor() or platform.machine()}, {cpus} CPUs ({usable} usable); the Python stack on one thread "
          f"(OMP/OpenBLAS/MKL=1, pyarrow pools of 1, onnxruntime 1+1 threads); Vigil on one thread (RAYON_NUM_THREADS=1) "
          f"and on every core")
    print(", ".join(f"{k} {v}" for k, v in found.items() if v) + f"; Vigil from {vigil['source']}")
    print(f"{python['rows']:,} rows ({data.relative_to(ROOT)}), {len(NUMERIC)} numeric + {len(CATEGORICAL)} categorical "
          f"columns, GBM {model.relative_to(ROOT)}; seconds, lower is better; Python stages best of {repeat}")
    setup = []
    if generation_seconds is not None:
        setup.append(f"generating the data took {generation_seconds:.1f} s")
    if training_seconds is not None:
        setup.append(f"training and converting the model took {training_seconds:.1f} s")
    print("Set-up (not counted): " + ("; ".join(setup) if setup else "data and model from earlier runs") + ".")
    print()
    columns = [t for t, r in configs if r == 1000]
    header = "| stage | Python stack s | " + " | ".join(
        f"Vigil, {t} thread{'s' if t > 1 else ''} s | Python / Vigil" for t in columns) + " |"
    print(header)
    print("|---|---:|" + "---:|---:|" * len(columns))
    for name, theirs, key in stage_rows:
        cells = " | ".join(f"{runs[(t, 1000)][key]:.3f} | {ratio_text(ratio(theirs, runs[(t, 1000)][key]))}" for t in columns)
        print(f"| {name} | {theirs:.3f} | {cells} |")
    # Like for like: the same outputs as the Python stack, without bootstrap intervals.
    cells = " | ".join(f"{runs[(t, 0)]['total_seconds']:.3f} | {ratio_text(ratio(seconds['total'], runs[(t, 0)]['total_seconds']))}" for t in columns)
    plain_metrics = " / ".join(f"{runs[(t, 0)]['metrics_seconds']:.3f}" for t in columns)
    print(f"| end to end without intervals (like for like; Vigil's metrics {plain_metrics} s) | {seconds['total']:.3f} | {cells} |")
    if cli and "seconds" in cli:
        name = "vigil CLI end to end, one thread (process, incl. writing the 1M-row JSON)"
        if python["rows"] != 1_000_000:
            name = f"vigil CLI end to end, one thread (process, incl. writing the {python['rows']:,}-row JSON)"
        blanks = " | ".join(["", ""] * (len(columns) - 1))
        print(f"| {name} | {seconds['total']:.3f} | {cli['seconds']:.3f} | {ratio_text(ratio(seconds['total'], cli['seconds']))} |{(' ' + blanks + ' |') if blanks else ''}")
    print()
    print(f"Python inference split: building the feeds {seconds['ort_feeds']:.3f} s, session + run {seconds['ort_gbm']:.3f} s.")
    scores = python["metrics"]
    print(f"Python: accuracy {scores['accuracy']:.6f}, ROC AUC {scores['roc_auc']:.6f}, log loss {scores['log_loss']:.6f}; "
          f"Vigil: accuracy {float(vigil['accuracy']):.6f}, ROC AUC {float(vigil['roc_auc']):.6f}, log loss {float(vigil['log_loss']):.6f}.")
    print()
    print("Agreement (every Vigil run against the Python stack):")
    for (t, r) in runs:
        label = f"[{t} thread{'s' if t > 1 else ''}, {r} resamples]"
        mine = [(name, ok, detail) for name, ok, detail in checks if name.startswith(label)]
        failed = [c for c in mine if not c[1]]
        print(f"  {label} {len(mine) - len(failed)} of {len(mine)} checks ok")
        for name, _, detail in failed:
            print(f"    FAIL {name}: {detail}")
    for name, ok, detail in checks:
        if name.startswith("[1 thread, 1000 resamples]"):
            print(f"  {'ok  ' if ok else 'FAIL'} {name}: {detail}")
    print("Both sides agree." if agree else "DISAGREEMENT: the two sides did not compute the same numbers.")
    sys.stdout.flush()

    if args.json:
        numbers = {
            "machine": {"cpus": cpus, "usable_cpus": usable, "processor": platform.processor(),
                        "machine": platform.machine(), "threads_per_library": 1},
            "versions": found,
            "data": {"csv": str(data), "model": str(model), "rows": python["rows"], "train_rows": TRAIN_ROWS, "seed": SEED,
                     "numeric_columns": NUMERIC, "categorical_columns": CATEGORICAL, "target": TARGET,
                     "sensitive_attributes": ATTRIBUTES},
            "setup_seconds": {"generation": generation_seconds, "training_and_conversion": training_seconds},
            "repeat": repeat,
            "vigil": vigil,
            "vigil_runs": [dict(run, threads=t, bootstrap_resamples=r) for (t, r), run in runs.items()],
            "vigil_cli": cli,
            "python": {
                "seconds": seconds,
                "inference_seconds": inference,
                "positive_predictions": python["positive_predictions"],
                "positive_labels": python["positive_labels"],
                "metrics": python["metrics"],
                "fairness": python["fairness"],
            },
            "ratios_python_over_vigil": {
                "read": ratio(seconds["read_csv"], vigil["read_seconds"]),
                "inference": ratio(inference, vigil["inference_seconds"]),
                "metrics": ratio(seconds["sklearn_metrics"], vigil["metrics_seconds"]),
                "fairness": ratio(seconds["fairlearn"], vigil["fairness_seconds"]),
                "total": ratio(seconds["total"], vigil["total_seconds"]),
                "total_over_cli": ratio(seconds["total"], cli["seconds"]) if cli and "seconds" in cli else None,
            },
            "agreement": {"ok": agree, "checks": [{"check": n, "ok": ok, "detail": d} for n, ok, d in checks]},
        }
        pathlib.Path(args.json).write_text(json.dumps(plain(numbers), indent=2, default=str))

    if not agree:
        sys.exit(1)


if __name__ == "__main__":
    main()
