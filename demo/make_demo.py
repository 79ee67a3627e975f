#!/usr/bin/env python3
"""Generate Vigil's demo workspace files.

Vigil embeds the files written here and uses them to seed a demo workspace the
first time it starts, so that evaluation, model comparison, fairness and drift
screens have something realistic to show before the user imports anything.

This script writes, into the output directory (first argument; default: the
folder this script lives in):

* ``data/credit_applications.csv``: a synthetic credit-scoring dataset, one row
  per application over 12 weeks starting 2026-01-05, in time order. The label
  ``default`` comes from a logistic formula of the features that includes a
  small bias against ``sex=F`` (so fairness analysis has something to find),
  and in the last 4 weeks incomes are higher and card utilization is shifted
  up (so drift monitoring over time windows has something to find). About 1 %
  of ``debt_ratio`` values are missing; both models impute them.
* ``models/credit_risk_v1.onnx``: logistic regression, trained on weeks 1-8.
* ``models/credit_risk_v2.onnx``: gradient-boosted trees on the same
  preprocessing, trained on weeks 1-8; the better of the two.
* ``demo.json``: the manifest Vigil reads to find and describe the files above.
  It holds no metrics: the app computes everything itself.

Each ONNX model has one input per feature column of the CSV, named like the
column (numeric columns as float [N,1], categorical ones as string [N,1]), and
two outputs: ``label`` (int64 [N]) and ``probabilities`` (float [N,2], column 1
is the probability of default). Every exported model is checked against
scikit-learn with onnxruntime; the script fails if they disagree.

The output is byte-identical from run to run with the library versions pinned
in requirements.txt: random numbers come from seeded numpy generators, the
script re-executes itself with PYTHONHASHSEED=0 (skl2onnx orders some of its
output by iterating Python sets) and single-threaded math libraries, and the
ONNX graphs get fixed names instead of skl2onnx's random ones.

Usage: python3 demo/make_demo.py demo
"""

import os
import sys

# Must happen before numpy and friends are imported.
_FIXED_ENV = {
    "PYTHONHASHSEED": "0",
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "VECLIB_MAXIMUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1",
}
if any(os.environ.get(k) != v for k, v in _FIXED_ENV.items()):
    os.environ.update(_FIXED_ENV)
    os.execv(sys.executable, [sys.executable] + sys.argv)

import datetime as dt  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import onnx  # noqa: E402
import onnx.numpy_helper  # noqa: E402
import onnxruntime as ort  # noqa: E402
import pandas as pd  # noqa: E402
import scipy  # noqa: E402
import sklearn  # noqa: E402
import skl2onnx  # noqa: E402
from skl2onnx import convert_sklearn  # noqa: E402
from skl2onnx.common.data_types import FloatTensorType, StringTensorType  # noqa: E402
from sklearn.compose import ColumnTransformer  # noqa: E402
from sklearn.ensemble import GradientBoostingClassifier  # noqa: E402
from sklearn.impute import SimpleImputer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import accuracy_score, roc_auc_score  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import OneHotEncoder, StandardScaler  # noqa: E402

N_ROWS = 4000
START = dt.datetime(2026, 1, 5)
WEEK_S = 7 * 24 * 3600
N_WEEKS = 12
TRAIN_WEEKS = 8  # models see weeks 1..8; weeks 9..12 are "production"
DRIFT_FROM_WEEK = 9  # weeks 9..12 carry the injected drift
DATA_SEED = 20260105
MODEL_SEED = 7

NUMERIC = [
    "age",
    "income",
    "debt_ratio",
    "credit_history_months",
    "num_late_payments",
    "utilization",
]
CATEGORICAL = ["region", "employment_type", "sex"]
FEATURES = NUMERIC + CATEGORICAL
TARGET = "default"
COLUMNS = ["id", "timestamp"] + FEATURES + [TARGET]

REGIONS = ["North", "South", "East", "West"]
EMPLOYMENT = ["salaried", "self_employed", "contract", "unemployed"]


def make_dataset() -> pd.DataFrame:
    rng = np.random.default_rng(DATA_SEED)
    n = N_ROWS

    # Arrival times, uniform over the 12 weeks, whole seconds, sorted.
    seconds = np.sort(rng.integers(0, N_WEEKS * WEEK_S, size=n))
    week = seconds // WEEK_S + 1  # 1-based
    drifted = week >= DRIFT_FROM_WEEK

    region = rng.choice(REGIONS, size=n, p=[0.30, 0.25, 0.25, 0.20])
    employment = rng.choice(EMPLOYMENT, size=n, p=[0.62, 0.14, 0.16, 0.08])
    sex = rng.choice(["F", "M"], size=n, p=[0.48, 0.52])

    age = np.clip(np.round(rng.normal(41, 12, size=n)), 21, 75).astype(np.int64)

    income_factor = np.select(
        [employment == "self_employed", employment == "contract", employment == "unemployed"],
        [1.05, 0.85, 0.35],
        default=1.0,
    )
    # Income grows with age until ~50, then flattens.
    age_curve = 1.0 + 0.012 * (np.minimum(age, 50) - 35)
    income = 52_000 * income_factor * age_curve * rng.lognormal(0.0, 0.38, size=n)
    # Drift: incomes in the last weeks are about 10 % higher.
    income = np.where(drifted, income * 1.1, income)
    income = (np.round(income / 100) * 100).astype(np.int64)
    income = np.maximum(income, 6_000)

    debt_ratio = np.round(np.clip(rng.beta(2.2, 5.0, size=n) * 1.1, 0.0, 1.0), 3)

    history_max = (age - 18) * 12
    credit_history_months = np.round(history_max * rng.beta(2.5, 2.0, size=n)).astype(np.int64)

    utilization = rng.beta(2.0, 3.2, size=n)
    # Drift: utilization shifted up in the last weeks.
    utilization = np.where(drifted, utilization + 0.08, utilization)
    utilization = np.round(np.clip(utilization, 0.0, 1.0), 3)

    late_rate = 0.35 + 1.2 * utilization + 0.6 * (employment == "unemployed")
    num_late_payments = rng.poisson(late_rate).astype(np.int64)

    # Probability of default: a logistic formula with thresholds, a U-shape in
    # age and an interaction (so the tree model has something to gain over the
    # linear one), plus a small bias against sex=F.
    logit = (
        -3.9
        + 0.90 * ((age - 43) / 12.0) ** 2
        - 0.80 * np.log(income / 50_000)
        + 1.00 * (income < 25_000)
        + 1.50 * debt_ratio
        + 3.00 * np.maximum(0.0, debt_ratio - 0.45)
        + 1.80 * debt_ratio * ((employment == "unemployed") | (employment == "contract"))
        + 9.00 * np.maximum(0.0, utilization - 0.6)
        - 0.005 * np.minimum(credit_history_months, 240)
        + 1.30 * (num_late_payments >= 2)
        + np.select(
            [employment == "self_employed", employment == "contract", employment == "unemployed"],
            [0.30, 0.30, 0.60],
            default=0.0,
        )
        + np.select([region == "South", region == "East", region == "West"], [0.20, -0.10, 0.05], default=0.0)
        + 0.40 * (sex == "F")  # the injected bias
    )
    p_default = 1.0 / (1.0 + np.exp(-logit))
    default = (rng.random(n) < p_default).astype(np.int64)

    # About 1 % of debt ratios are missing (after the label was drawn).
    debt_ratio = np.where(rng.random(n) < 0.01, np.nan, debt_ratio)

    if not (np.diff(seconds) > 0).all():
        raise SystemExit("timestamps are not strictly increasing; pick another DATA_SEED")
    timestamps = [(START + dt.timedelta(seconds=int(s))).strftime("%Y-%m-%dT%H:%M:%S") for s in seconds]
    df = pd.DataFrame(
        {
            "id": np.arange(1, n + 1, dtype=np.int64),
            "timestamp": timestamps,
            "age": age,
            "income": income,
            "debt_ratio": debt_ratio,
            "credit_history_months": credit_history_months,
            "num_late_payments": num_late_payments,
            "utilization": utilization,
            "region": region,
            "employment_type": employment,
            "sex": sex,
            "default": default,
        },
        columns=COLUMNS,
    )
    df["week"] = week  # helper, not written
    return df


def csv_field(value) -> str:
    if isinstance(value, (float, np.floating)):
        value = float(value)
        if math.isnan(value):
            return ""
        return repr(value)  # shortest round-trip form
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    return str(value)


def write_csv(df: pd.DataFrame, path: Path) -> None:
    lines = [",".join(COLUMNS)]
    for row in df[COLUMNS].itertuples(index=False, name=None):
        lines.append(",".join(csv_field(v) for v in row))
    path.write_bytes(("\n".join(lines) + "\n").encode("ascii"))


def check_csv(df: pd.DataFrame, path: Path) -> None:
    """Read the CSV back and make sure it holds exactly the generated values."""
    back = pd.read_csv(path, keep_default_na=False, na_values=[""], dtype={"timestamp": str})
    if list(back.columns) != COLUMNS:
        raise SystemExit(f"CSV header mismatch: {list(back.columns)}")
    for col in COLUMNS:
        a, b = df[col].to_numpy(), back[col].to_numpy()
        if a.dtype.kind == "f":
            same = np.array_equal(a, b, equal_nan=True)
        else:
            same = (a.astype(str) == b.astype(str)).all()
        if not same:
            raise SystemExit(f"CSV round-trip mismatch in column {col!r}")
    if back[COLUMNS].drop(columns="debt_ratio").isna().any().any():
        raise SystemExit("unexpected missing values outside debt_ratio")


def preprocessing() -> ColumnTransformer:
    numeric = Pipeline(
        [
            ("impute", SimpleImputer(strategy="median")),
            ("scale", StandardScaler()),
        ]
    )
    return ColumnTransformer(
        [
            ("num", numeric, NUMERIC),
            ("cat", OneHotEncoder(handle_unknown="ignore"), CATEGORICAL),
        ]
    )


def model_inputs(df: pd.DataFrame) -> pd.DataFrame:
    x = df[FEATURES].copy()
    for col in NUMERIC:
        # What the ONNX model sees is float32; train and compare on the same values.
        x[col] = x[col].astype(np.float32).astype(np.float64)
    return x


def onnx_feeds(x: pd.DataFrame) -> dict:
    feeds = {}
    for col in FEATURES:
        if col in NUMERIC:
            feeds[col] = x[col].to_numpy(dtype=np.float32).reshape(-1, 1)
        else:
            feeds[col] = x[col].to_numpy(dtype=object).reshape(-1, 1)
    return feeds


def _restore_double_mean(model: onnx.ModelProto, scaler: StandardScaler) -> None:
    """Give the double-precision Sub of the "div_cast" scaler the exact means.

    skl2onnx rounds the scaler's means to float before storing them as the
    double constant of the Sub node, which moves some standardized values by
    one float ulp relative to scikit-learn. Put the float64 means back.
    """
    subs = [n for n in model.graph.node if n.op_type == "Sub"]
    if len(subs) != 1:
        raise SystemExit(f"expected one Sub node for the scaler, found {len(subs)}")
    const = subs[0].input[1]
    inits = [i for i in model.graph.initializer if i.name == const]
    if len(inits) != 1 or inits[0].data_type != onnx.TensorProto.DOUBLE:
        raise SystemExit(f"scaler Sub constant {const!r} is not a double initializer")
    stored = onnx.numpy_helper.to_array(inits[0])
    if not np.array_equal(stored.reshape(-1), scaler.mean_.astype(np.float32).astype(np.float64)):
        raise SystemExit("scaler Sub constant is not the float-rounded mean; skl2onnx changed?")
    inits[0].CopyFrom(onnx.numpy_helper.from_array(scaler.mean_.astype(np.float64).reshape(stored.shape), const))


def export(pipe: Pipeline, graph_name: str) -> onnx.ModelProto:
    initial_types = [
        (col, FloatTensorType([None, 1]) if col in NUMERIC else StringTensorType([None, 1])) for col in FEATURES
    ]
    clf = pipe.named_steps["clf"]
    scaler = pipe.named_steps["prep"].named_transformers_["num"].named_steps["scale"]
    model = convert_sklearn(
        pipe,
        name=graph_name,
        initial_types=initial_types,
        target_opset={"": 17, "ai.onnx.ml": 3},
        options={
            id(clf): {"zipmap": False},
            # Standardize in double precision, then round to float, exactly as
            # scikit-learn does before its trees compare against thresholds;
            # a float-only Scaler op can land one ulp to the other side of a
            # split point and flip a tree's decision.
            id(scaler): {"div": "div_cast"},
        },
    )
    _restore_double_mean(model, scaler)
    # Belt and braces on top of PYTHONHASHSEED: a stable opset_import order.
    opsets = sorted(((o.domain, o.version) for o in model.opset_import))
    del model.opset_import[:]
    for domain, version in opsets:
        model.opset_import.add(domain=domain, version=version)
    model.graph.name = graph_name
    onnx.checker.check_model(model, full_check=True)
    return model


def check_onnx(model_bytes: bytes, pipe: Pipeline, x: pd.DataFrame, what: str) -> None:
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    sess = ort.InferenceSession(model_bytes, opts, providers=["CPUExecutionProvider"])
    got_inputs = [(i.name, i.type) for i in sess.get_inputs()]
    want_inputs = [(c, "tensor(float)" if c in NUMERIC else "tensor(string)") for c in FEATURES]
    if got_inputs != want_inputs:
        raise SystemExit(f"{what}: unexpected ONNX inputs {got_inputs}")
    if [o.name for o in sess.get_outputs()] != ["label", "probabilities"]:
        raise SystemExit(f"{what}: unexpected ONNX outputs {[o.name for o in sess.get_outputs()]}")
    label, proba = sess.run(None, onnx_feeds(x))
    want_label = pipe.predict(x)
    want_proba = pipe.predict_proba(x)
    if proba.shape != (len(x), 2):
        raise SystemExit(f"{what}: probabilities have shape {proba.shape}")
    mismatched = int((label.reshape(-1) != want_label).sum())
    worst = float(np.abs(proba.astype(np.float64) - want_proba).max())
    if mismatched or worst > 1e-5:
        raise SystemExit(f"{what}: ONNX disagrees with scikit-learn ({mismatched} labels differ, max |dp| = {worst:.3g})")
    print(f"  {what}: onnxruntime matches scikit-learn on {len(x)} rows (max |dp| = {worst:.2g})")


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent
    (out / "data").mkdir(parents=True, exist_ok=True)
    (out / "models").mkdir(parents=True, exist_ok=True)

    df = make_dataset()
    csv_path = out / "data" / "credit_applications.csv"
    write_csv(df, csv_path)
    check_csv(df, csv_path)
    print(f"dataset: {len(df)} rows, default rate {df[TARGET].mean():.3f}, {df['debt_ratio'].isna().sum()} missing debt_ratio")

    x_all = model_inputs(df)
    train = df["week"] <= TRAIN_WEEKS
    x_train, y_train = x_all[train], df.loc[train, TARGET]
    x_test, y_test = x_all[~train], df.loc[~train, TARGET]

    models = [
        (
            "credit_risk_v1",
            LogisticRegression(max_iter=1000),
            "Logistic regression on standardized numeric features (median-imputed) "
            "and one-hot encoded region, employment type and sex. Trained on weeks 1-8.",
        ),
        (
            "credit_risk_v2",
            GradientBoostingClassifier(n_estimators=60, max_depth=3, learning_rate=0.1, random_state=MODEL_SEED),
            "Gradient-boosted trees (60 trees, depth 3) on the same preprocessing as v1. Trained on weeks 1-8.",
        ),
    ]
    versions = []
    for name, clf, notes in models:
        pipe = Pipeline([("prep", preprocessing()), ("clf", clf)])
        pipe.fit(x_train, y_train)
        proba = pipe.predict_proba(x_test)[:, 1]
        print(
            f"{name}: weeks {TRAIN_WEEKS + 1}-{N_WEEKS} accuracy {accuracy_score(y_test, pipe.predict(x_test)):.4f}, "
            f"ROC AUC {roc_auc_score(y_test, proba):.4f} (not written anywhere)"
        )
        model = export(pipe, name)
        data = model.SerializeToString()
        check_onnx(data, pipe, x_all, name)
        (out / "models" / f"{name}.onnx").write_bytes(data)
        versions.append({"file": f"models/{name}.onnx", "notes": notes})

    manifest = {
        "models": [
            {
                "name": "credit-risk",
                "description": "Predicts the probability that a credit applicant defaults on a loan. "
                "Both versions were trained on the first 8 weeks of credit-applications.",
                "versions": versions,
                # A lifecycle to look at: gates, both versions approved in turn, then a rollback.
                "gates": {"minAccuracy": 0.8, "maxEqualizedOddsDifference": 0.2},
                "lifecycle": [
                    {"action": "promote", "version": 1, "alias": "production",
                     "comment": "Baseline: accuracy 0.83 on weeks 1-12, equalized odds within 0.2."},
                    {"action": "promote", "version": 2, "alias": "production",
                     "comment": "Gradient boosting beats v1 by 5 points of accuracy on the same data."},
                    {"action": "rollback",
                     "comment": "Income drift from week 9: keep the simpler model until v2 is re-checked."},
                ],
            }
        ],
        "datasets": [
            {
                "name": "credit-applications",
                "file": "data/credit_applications.csv",
                "description": "Synthetic credit applications over 12 weeks starting 2026-01-05, one row per "
                "application in time order; 'default' is 1 if the applicant defaulted. Applicant "
                "incomes and utilization shift in the last 4 weeks.",
                "timestamp_column": "timestamp",
                "target_column": TARGET,
                "sensitive_columns": ["sex"],
                # Monitoring: weekly windows; the training weeks are the reference.
                "monitoring": {"window": "week", "reference_windows": TRAIN_WEEKS, "exclude": ["id"]},
            }
        ],
        "generated_with": {
            "numpy": np.__version__,
            "pandas": pd.__version__,
            "scikit-learn": sklearn.__version__,
            "scipy": scipy.__version__,
            "skl2onnx": skl2onnx.__version__,
            "onnx": onnx.__version__,
            "onnxruntime": ort.__version__,
        },
    }
    (out / "demo.json").write_bytes((json.dumps(manifest, indent=2) + "\n").encode("ascii"))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
