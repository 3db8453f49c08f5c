"""Hosmer-Lemeshow, le Cessie-van Houwelingen, calibration and Brier from their definitions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose
from scipy import stats

import logitfit
from tests.conftest import PENGUIN_FORMULA, synthetic


@pytest.fixture(scope="module")
def result() -> logitfit.LogitResult:
    data = synthetic(1_000, 3, seed=41)
    return logitfit.fit("y ~ x1 + x2 + x3", data)


def test_hosmer_lemeshow_from_its_definition(result: logitfit.LogitResult) -> None:
    """Deciles of risk by type-2 quantiles, no ties: ten groups of 100, statistic by hand."""
    mu = result.predict().to_numpy()
    y = result.design.successes
    order = np.argsort(mu)
    statistic = 0.0
    for group in np.array_split(order, 10):
        observed, expected, n = y[group].sum(), mu[group].sum(), len(group)
        statistic += (observed - expected) ** 2 / (expected * (1 - expected / n))
    test = logitfit.hosmer_lemeshow(result)
    assert test.df == 8
    assert_allclose(test.statistic, statistic, rtol=1e-12)
    assert_allclose(test.p_value, stats.chi2.sf(statistic, 8), rtol=1e-12)
    assert (test.table["n"] == 100).all()
    assert_allclose(test.table["observed_events"].sum(), y.sum())
    assert_allclose(test.table["expected_events"].sum(), mu.sum(), rtol=1e-12)
    assert (test.table["prob_max"].to_numpy()[:-1] < test.table["prob_min"].to_numpy()[1:]).all()


def test_tied_probabilities_share_a_group() -> None:
    rng = np.random.default_rng(2)
    x = rng.integers(0, 6, size=300).astype(float)
    y = (rng.random(300) < 1 / (1 + np.exp(-(x - 2.5) / 2))).astype(int)
    fitted = logitfit.fit_arrays(x, y)
    groups = logitfit.risk_groups(fitted)
    frame = pd.DataFrame({"x": x, "group": groups})
    assert (frame.groupby("x")["group"].nunique() == 1).all()
    test = logitfit.hosmer_lemeshow(fitted)
    assert test.df == len(test.table) - 2 and len(test.table) <= 6


def test_le_cessie_van_houwelingen_by_weighted_least_squares(result: logitfit.LogitResult) -> None:
    mu = result.predict().to_numpy()
    y = result.design.successes
    variance = mu * (1 - mu)
    wls = sm.WLS(1 - 2 * mu, result.design.X, weights=variance).fit()
    std_error = np.sqrt(np.sum(variance * wls.resid**2))
    z = (np.sum((y - mu) ** 2) - variance.sum()) / std_error
    test = logitfit.le_cessie_van_houwelingen(result)
    assert_allclose(test["z"], z, rtol=1e-10)
    assert_allclose(test["p_value"], 2 * stats.norm.sf(abs(z)), rtol=1e-10)


def test_le_cessie_needs_binary_outcomes() -> None:
    data = pd.DataFrame({"x": [0.0, 1, 2, 3], "e": [1, 2, 3, 3], "n": [4, 4, 4, 4]})
    with pytest.raises(logitfit.DataError, match="binary outcomes"):
        logitfit.le_cessie_van_houwelingen(logitfit.fit("e ~ x", data, trials="n"))


def test_calibration_in_sample_is_exact(penguins: pd.DataFrame) -> None:
    fitted = logitfit.fit(PENGUIN_FORMULA, penguins, missing="drop")
    calib = logitfit.calibration(fitted)
    # The ML score equations make in-sample calibration-in-the-large 0 and the slope 1.
    assert_allclose(calib.intercept, 0.0, atol=1e-9)
    assert_allclose(calib.slope, 1.0, rtol=1e-9)
    mu, y = fitted.predict().to_numpy(), fitted.design.successes
    assert_allclose(calib.brier, np.mean((y - mu) ** 2), rtol=1e-13)
    assert_allclose(calib.table["n"].sum(), 333)
    assert_allclose(calib.table["observed_rate"] @ calib.table["n"], y.sum(), rtol=1e-13)


def test_brier_for_events_trials_counts_each_trial() -> None:
    data = pd.DataFrame({"x": [0.0, 1, 2, 3], "e": [1, 2, 2, 3], "n": [4, 4, 3, 4]})
    grouped = logitfit.fit("e ~ x", data, trials="n")
    rows = [(x, 1) for x, e in zip(data.x, data.e, strict=True) for _ in range(e)]
    rows += [(x, 0) for x, e, n in zip(data.x, data.e, data.n, strict=True) for _ in range(n - e)]
    binary = logitfit.fit("y ~ x", pd.DataFrame(rows, columns=["x", "y"]))
    assert_allclose(logitfit.brier_score(grouped), logitfit.brier_score(binary), rtol=1e-10)
