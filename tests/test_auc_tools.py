"""The AUC's bootstrap interval and DeLong's paired test, against pROC."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import logitfit
from tests.r_auc import PROC_BOOTSTRAP, PROC_DELONG

COLUMNS = ["sex", "bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
FULL = "sex ~ bill_length_mm + bill_depth_mm + flipper_length_mm + body_mass_g + C(species)"
SMALL = "sex ~ bill_length_mm + bill_depth_mm + C(species)"


@pytest.fixture(scope="module")
def models(penguins: pd.DataFrame) -> tuple[logitfit.LogitResult, logitfit.LogitResult]:
    complete = penguins.dropna(subset=COLUMNS)
    return logitfit.fit(FULL, complete), logitfit.fit(SMALL, complete)


def test_delong_paired_test_matches_proc(models: tuple) -> None:
    test = logitfit.auc_test(*models)
    for name, expected in PROC_DELONG.items():
        assert_allclose(getattr(test, name), expected, rtol=1e-10), name
    assert_allclose(test.difference, test.auc1 - test.auc2, rtol=1e-15)
    assert_allclose(test.auc1, logitfit.auc(models[0]).auc, rtol=1e-14)


def test_bootstrap_interval_agrees_with_proc_within_monte_carlo_error(models: tuple) -> None:
    interval = logitfit.auc_interval(models[1], n_boot=4000, seed=7)
    low, _, high = PROC_BOOTSTRAP
    assert_allclose(interval.auc, PROC_DELONG["auc2"], rtol=1e-12)
    # Different random draws: the 2.5% and 97.5% quantiles of 4000 resampled AUCs each carry a
    # Monte Carlo standard error of about 0.001 here.
    assert abs(interval.conf_low - low) < 0.004 and abs(interval.conf_high - high) < 0.004
    again = logitfit.auc_interval(models[1], n_boot=4000, seed=7)
    assert (again.conf_low, again.conf_high) == (interval.conf_low, interval.conf_high)
    delong = logitfit.auc(models[1])
    assert abs(interval.conf_low - delong.conf_low) < 0.01  # close to DeLong's normal interval


def test_refused_inputs(models: tuple, spector: pd.DataFrame) -> None:
    other = logitfit.fit("GRADE ~ GPA", spector)
    with pytest.raises(logitfit.DataError, match="same rows"):
        logitfit.auc_test(models[0], other)
    with pytest.raises(logitfit.DataError, match="rank the rows identically"):
        logitfit.auc_test(models[0], models[0])
    weighted = logitfit.fit("GRADE ~ GPA", spector, weights=np.full(32, 2.0))
    with pytest.raises(logitfit.DataError, match="without weights"):
        logitfit.auc_interval(weighted)
    with pytest.raises(logitfit.DataError, match="n_boot must be"):
        logitfit.auc_interval(other, n_boot=0)
