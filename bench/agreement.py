"""Largest relative difference from statsmodels, per quantity, over the test datasets.

Run: python bench/agreement.py   (prints a Markdown table; used for the figures in notes)
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd

import logitfit

DATA = Path(__file__).resolve().parents[1] / "data"


def synthetic(n_rows: int, n_predictors: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_rows, n_predictors))
    coef = rng.normal(scale=0.3, size=n_predictors)
    y = rng.random(n_rows) < 1 / (1 + np.exp(-(-0.4 + X @ coef)))
    frame = pd.DataFrame(X, columns=[f"x{j + 1}" for j in range(n_predictors)])
    return frame.assign(y=y.astype(int))


def fits() -> dict[str, logitfit.LogitResult]:
    spector = pd.read_csv(DATA / "spector.csv")
    penguins = pd.read_csv(DATA / "penguins.csv")
    formula = "sex ~ bill_length_mm + bill_depth_mm + flipper_length_mm + body_mass_g + C(species)"
    results = {
        "spector": logitfit.fit("GRADE ~ GPA + TUCE + PSI", spector),
        "penguins": logitfit.fit(formula, penguins, missing="drop"),
        "spector weighted (GLM)": logitfit.fit(
            "GRADE ~ GPA + TUCE + PSI", spector, weights=np.tile([1.0, 2.0, 3.0, 1.0], 8)
        ),
    }
    for n_rows, k, seed in [(500, 3, 1), (5_000, 10, 2), (100_000, 50, 3)]:
        data = synthetic(n_rows, k, seed)
        results[f"synthetic {n_rows} x {k}"] = logitfit.fit_arrays(
            data.drop(columns="y"), data["y"]
        )
    rng = np.random.default_rng(5)
    x = rng.normal(size=60)
    trials = rng.integers(1, 25, size=60).astype(float)
    events = rng.binomial(trials.astype(int), 1 / (1 + np.exp(-(0.3 - 0.8 * x)))).astype(float)
    results["events/trials (GLM)"] = logitfit.fit_arrays(x, events, trials=trials)
    return results


def main() -> None:
    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, result in fits().items():
            table = logitfit.crosscheck(result).table
            table["kind"] = table["quantity"].str.replace(r"\[.*\]$", "", regex=True)
            rows.append(table.groupby("kind")["rel_diff"].max().rename(name))
    summary = pd.concat(rows, axis=1)
    summary["largest"] = summary.max(axis=1)
    print(summary.map(lambda v: f"{v:.1e}").to_markdown())


if __name__ == "__main__":
    main()
