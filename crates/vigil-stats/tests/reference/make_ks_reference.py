#!/usr/bin/env python3
"""Reference values for Vigil's Kolmogorov-Smirnov p-values, from scipy.

Writes ks_reference.json next to this script:
- `kstwo`: scipy.stats.kstwo.sf(d, n) over a grid of n and d that crosses every region of
  the asymptotic method (body, tail, far tail);
- `two_sample`: scipy.stats.ks_2samp on samples both sides can generate bit-for-bit
  (Weyl sequences, see `sample` below), exact and asymptotic.

    python make_ks_reference.py     # scipy 1.17.1 made the committed file
"""
import json
import math
import os

import scipy
from scipy.stats import ks_2samp, kstwo


def sample(n, step, power, shift):
    """x_i = frac(i * step) ** power + shift, for i = 1..n: plain IEEE arithmetic."""
    return [math.fmod(i * step, 1.0) ** power + shift for i in range(1, n + 1)]


def main():
    grid = []
    for n in (141, 500, 1000, 3389, 20000, 250000):
        for z in (0.3, 0.6, 0.9, 1.2, 1.5, 2.0, 3.0, 5.0, 8.0):
            d = z / math.sqrt(n)
            if d < 1:
                grid.append({"n": n, "d": d, "sf": float(kstwo.sf(d, n))})
    pairs = []
    for n1, n2, power, shift in ((3000, 2000, 1.0, 0.0), (3000, 2000, 1.1, 0.0),
                                 (3000, 2000, 1.3, 0.0), (700, 700, 1.0, 0.05),
                                 (12000, 11000, 1.02, 0.0), (12000, 11000, 1.05, 0.0),
                                 (40000, 30000, 1.0, 0.01), (40000, 30000, 1.03, 0.0)):
        a = sample(n1, 0.6180339887498949, 1.0, 0.0)
        b = sample(n2, 0.7548776662466927, power, shift)
        r = ks_2samp(a, b)
        pairs.append({"n1": n1, "n2": n2, "power": power, "shift": shift,
                      "statistic": float(r.statistic), "pvalue": float(r.pvalue)})
    out = {"scipy": scipy.__version__, "kstwo": grid, "two_sample": pairs}
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "ks_reference.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
