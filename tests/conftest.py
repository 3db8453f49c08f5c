"""Shared fixtures: the bundled datasets and seeded synthetic designs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit

DATA = Path(__file__).resolve().parents[1] / "data"
PENGUIN_FORMULA = (
    "sex ~ bill_length_mm + bill_depth_mm + flipper_length_mm + body_mass_g + C(species)"
)


@pytest.fixture(scope="session")
def spector() -> pd.DataFrame:
    return pd.read_csv(DATA / "spector.csv")


@pytest.fixture(scope="session")
def penguins() -> pd.DataFrame:
    return pd.read_csv(DATA / "penguins.csv")


def synthetic(n_rows: int, n_predictors: int, seed: int, scale: float = 0.3) -> pd.DataFrame:
    """Gaussian predictors x1..xk and a 0/1 outcome drawn from a logistic model."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_rows, n_predictors))
    coef = rng.normal(scale=scale, size=n_predictors)
    y = rng.random(n_rows) < expit(-0.4 + X @ coef)
    frame = pd.DataFrame(X, columns=[f"x{j + 1}" for j in range(n_predictors)])
    frame["y"] = y.astype(int)
    return frame


def with_group(n_rows: int, seed: int) -> pd.DataFrame:
    """Two numeric predictors and a four-level group with different base rates."""
    rng = np.random.default_rng(seed)
    group = rng.choice(["a", "b", "c", "d"], size=n_rows)
    x1 = rng.normal(size=n_rows)
    x2 = rng.gamma(2.0, 2.0, size=n_rows)
    shift = pd.Series(group).map({"a": 0.0, "b": 0.5, "c": -0.7, "d": 1.0}).to_numpy()
    y = rng.random(n_rows) < expit(-1.0 + 0.8 * x1 - 0.1 * x2 + shift + 0.3 * x1 * (group == "b"))
    return pd.DataFrame({"x1": x1, "x2": x2, "group": group, "y": y.astype(int)})
