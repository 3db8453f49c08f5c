"""Write ``collinear.csv``: a synthetic, ill-conditioned logistic design (618 rows).

``x4`` is ``x1 + x2 + x3`` plus a little noise (standard deviation ``S``). With ``S = 2e-4``
the R^2 of ``x4`` on ``x1..x3`` is about 0.99999999 (1 - S^2 / 3) and X'WX at the maximum
likelihood fit (W = mu (1 - mu), unscaled, intercept and g dummies included) has a 2-norm
condition number of about 3e8. (``S = 0.0095``, R^2 0.99997, gives only about 1.4e5.) Floats are
written with ``repr`` (shortest round-trip form), so the file reproduces the draws exactly.

Run ``python3 tests/data/make_collinear.py`` to rewrite the file beside this script.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

SEED = 20261201
N = 618
S = 2e-4  # standard deviation of x4 - (x1 + x2 + x3)
BETA = {"x1": 0.8, "x2": -0.5, "x3": 0.4, "x4": 0.6, "x5": 0.5, "x6": -0.4}
INTERCEPT = -0.3
G_EFFECT = {"a": 0.0, "b": 0.5, "c": -0.4}


def make() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(SEED)
    x1 = rng.standard_normal(N)
    x2 = rng.standard_normal(N)
    x3 = rng.standard_normal(N)
    x4 = x1 + x2 + x3 + rng.normal(0.0, S, N)
    x5 = rng.standard_normal(N)
    x6 = rng.standard_normal(N)
    g = rng.choice(np.array(["a", "b", "c"]), size=N)
    cols = {"x1": x1, "x2": x2, "x3": x3, "x4": x4, "x5": x5, "x6": x6}
    eta = INTERCEPT + sum(BETA[k] * v for k, v in cols.items())
    eta = eta + np.array([G_EFFECT[level] for level in g])
    y = rng.binomial(1, 1.0 / (1.0 + np.exp(-eta)))
    return {**cols, "g": g, "y": y}


def main() -> None:
    data = make()
    out = Path(__file__).with_name("collinear.csv")
    with out.open("w", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(list(data))
        for i in range(N):
            row = [data[k][i] for k in data]
            writer.writerow([repr(float(v)) if isinstance(v, np.floating) else str(v) for v in row])


if __name__ == "__main__":
    main()
