"""Robust and cluster-robust covariances against statsmodels and exact finite-sample factors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose

import logitfit
from tests.conftest import with_group

RTOL = 1e-8


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    frame = with_group(600, seed=21)
    frame["firm"] = np.repeat(np.arange(30), 20)
    return frame


@pytest.fixture(scope="module")
def result(data: pd.DataFrame) -> logitfit.LogitResult:
    return logitfit.fit("y ~ x1 + x2 + C(group)", data)


def statsmodels_fit(result: logitfit.LogitResult, **kwargs):
    return sm.Logit(result.design.successes, result.design.X).fit(
        method="newton", tol=1e-12, disp=0, **kwargs
    )


def test_hc0_matches_statsmodels(result: logitfit.LogitResult) -> None:
    robust = result.with_covariance("HC0")
    reference = statsmodels_fit(result, cov_type="HC0")
    assert_allclose(robust.cov, reference.cov_params(), rtol=RTOL)
    assert_allclose(robust.std_errors, reference.bse, rtol=RTOL)
    assert_allclose(robust.p_values, reference.pvalues, rtol=RTOL)
    assert_allclose(robust.conf_int(), reference.conf_int(), rtol=RTOL)
    assert_allclose(robust.coef, result.coef, rtol=0)  # only the covariance changes


def test_hc1_is_hc0_times_n_over_n_minus_p(result: logitfit.LogitResult) -> None:
    """sandwich::vcovHC(type = "HC1"); statsmodels' Logit returns HC0 under the name HC1."""
    n, p = result.n_obs, result.n_params
    hc0 = result.with_covariance("HC0").cov
    assert_allclose(result.with_covariance("HC1").cov, hc0 * n / (n - p), rtol=1e-14)


def test_cr1_matches_statsmodels_up_to_documented_factors(
    result: logitfit.LogitResult, data: pd.DataFrame
) -> None:
    clustered = result.with_covariance("CR1", data["firm"])
    n, p, groups = result.n_obs, result.n_params, 30
    plain = statsmodels_fit(
        result, cov_type="cluster", cov_kwds={"groups": data["firm"], "use_correction": False}
    )
    # Stata's ML cluster factor G/(G-1) on top of the uncorrected sandwich.
    assert_allclose(clustered.cov, plain.cov_params() * groups / (groups - 1), rtol=RTOL)
    corrected = statsmodels_fit(result, cov_type="cluster", cov_kwds={"groups": data["firm"]})
    # statsmodels' default also multiplies by (n - 1) / (n - p), as sandwich's vcovCL(type="HC1").
    assert_allclose(clustered.cov, corrected.cov_params() * (n - p) / (n - 1), rtol=RTOL)
    assert "30 clusters" in clustered.summary()


def test_singleton_clusters_are_hc0_times_n_over_n_minus_1(result: logitfit.LogitResult) -> None:
    n = int(result.n_obs)
    singletons = result.with_covariance("CR1", np.arange(n))
    hc0 = result.with_covariance("HC0").cov
    assert_allclose(singletons.cov, hc0 * n / (n - 1), rtol=1e-12)


def test_fit_accepts_cov_type_and_a_cluster_column(data: pd.DataFrame) -> None:
    direct = logitfit.fit("y ~ x1 + x2", data, cov_type="CR1", cluster="firm")
    later = logitfit.fit("y ~ x1 + x2", data).with_covariance("CR1", data["firm"])
    assert_allclose(direct.std_errors, later.std_errors, rtol=1e-15)
    arrays = logitfit.fit_arrays(data[["x1", "x2"]], data["y"], cov_type="HC0")
    assert_allclose(arrays.std_errors, later.with_covariance("HC0").std_errors, rtol=1e-12)


def test_cluster_labels_follow_dropped_rows(data: pd.DataFrame) -> None:
    holed = data.copy()
    holed.loc[[0, 5], "x1"] = np.nan
    dropped = logitfit.fit("y ~ x1", holed, missing="drop", cov_type="CR1", cluster="firm")
    complete = logitfit.fit("y ~ x1", holed.dropna(), cov_type="CR1", cluster="firm")
    assert_allclose(dropped.std_errors, complete.std_errors, rtol=1e-14)


def test_weighted_hc0_equals_replicated_rows(data: pd.DataFrame) -> None:
    small = data.head(120)
    weights = np.tile([1.0, 2.0, 3.0], 40)
    weighted = logitfit.fit("y ~ x1 + x2", small, weights=weights, cov_type="HC0")
    replicated = small.loc[small.index.repeat(weights.astype(int))]
    expanded = logitfit.fit("y ~ x1 + x2", replicated, cov_type="HC0")
    assert_allclose(weighted.std_errors, expanded.std_errors, rtol=1e-10)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"cov_type": "HC3"}, "cov_type must be one of"),
        ({"cov_type": "CR1"}, "needs cluster="),
        ({"cov_type": "HC0", "cluster": "firm"}, "only used with cov_type='CR1'"),
        ({"cov_type": "CR1", "cluster": "nope"}, "cluster column 'nope'"),
    ],
)
def test_bad_covariance_choices(data: pd.DataFrame, kwargs: dict, message: str) -> None:
    with pytest.raises(logitfit.LogitfitError, match=message):
        logitfit.fit("y ~ x1", data, **kwargs)


def test_one_cluster_is_refused(data: pd.DataFrame) -> None:
    with pytest.raises(logitfit.DataError, match="at least two clusters"):
        logitfit.fit("y ~ x1", data, cov_type="CR1", cluster=np.zeros(600))
