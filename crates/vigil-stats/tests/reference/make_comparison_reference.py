#!/usr/bin/env python3
"""Reference values for Vigil's paired comparison tests.

Writes comparison_reference.json next to this script, for samples both sides can generate
bit-for-bit (`sample` below):
- McNemar's exact test from statsmodels (`mcnemar(table, exact=True)`);
- DeLong's test by the published formula itself (DeLong, DeLong & Clarke-Pearson 1988): the
  placement values V10/V01 from all positive-negative pairs (O(m n), a different algorithm from
  Vigil's midranks), their sample covariances, z and the two-sided normal p-value.

    python make_comparison_reference.py     # statsmodels 0.15.0, scipy 1.17.1
"""
import json
import math
import os

import numpy as np
import scipy
import statsmodels
from scipy.stats import norm
from statsmodels.stats.contingency_tables import mcnemar


def sample(n, label_share, sharpness_a, sharpness_b):
    """Labels and two score columns, rounded to 2 decimals so that ties occur."""
    y, a, b = [], [], []
    for i in range(1, n + 1):
        positive = math.fmod(i * 0.6180339887498949, 1.0) < label_share
        y.append(positive)
        noise_a = math.fmod(i * 0.7548776662466927, 1.0)
        noise_b = math.fmod(i * 0.5698402909980532, 1.0)
        a.append(math.floor((noise_a * (1 - sharpness_a) + sharpness_a * positive) * 100 + 0.5) / 100)
        b.append(math.floor((noise_b * (1 - sharpness_b) + sharpness_b * positive) * 100 + 0.5) / 100)
    return y, a, b


def delong(y, a, b):
    y = np.array(y)
    def placements(s):
        s = np.array(s)
        pos, neg = s[y], s[~y]
        psi = (pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])
        return psi.mean(), psi.mean(axis=1), psi.mean(axis=0)
    auc_a, v10a, v01a = placements(a)
    auc_b, v10b, v01b = placements(b)
    m, n = len(v10a), len(v01a)
    s10 = np.cov(np.vstack([v10a, v10b]))
    s01 = np.cov(np.vstack([v01a, v01b]))
    var = (s10[0, 0] + s10[1, 1] - 2 * s10[0, 1]) / m + (s01[0, 0] + s01[1, 1] - 2 * s01[0, 1]) / n
    z = (auc_b - auc_a) / math.sqrt(var)
    return {"auc_first": auc_a, "auc_second": auc_b, "z": z, "pvalue": 2 * norm.sf(abs(z))}


def main():
    cases = []
    for n, share, sa, sb in ((200, 0.4, 0.3, 0.35), (1000, 0.3, 0.25, 0.3), (60, 0.5, 0.5, 0.2)):
        y, a, b = sample(n, share, sa, sb)
        correct_a = [(s >= 0.5) == t for s, t in zip(a, y)]
        correct_b = [(s >= 0.5) == t for s, t in zip(b, y)]
        table = [[sum(x and z for x, z in zip(correct_a, correct_b)), sum(x and not z for x, z in zip(correct_a, correct_b))],
                 [sum(z and not x for x, z in zip(correct_a, correct_b)), sum(not x and not z for x, z in zip(correct_a, correct_b))]]
        mc = mcnemar(table, exact=True)
        cases.append({"n": n, "label_share": share, "sharpness_a": sa, "sharpness_b": sb,
                      "mcnemar": {"statistic": float(mc.statistic), "pvalue": float(mc.pvalue)},
                      "delong": {k: float(v) for k, v in delong(y, a, b).items()}})
    out = {"statsmodels": statsmodels.__version__, "scipy": scipy.__version__, "cases": cases}
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "comparison_reference.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
