"""ROC, AUC with DeLong's variance, and classification tables against brute-force counts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose
from scipy import stats

import logitfit
from tests.conftest import synthetic


@pytest.fixture(scope="module")
def result() -> logitfit.LogitResult:
    data = synthetic(400, 2, seed=51, scale=0.8)
    data["x2"] = data["x2"].round(0)  # coarse values make tied fitted probabilities
    return logitfit.fit("y ~ x1 + x2", data)


def brute_force(result: logitfit.LogitResult) -> tuple[float, float]:
    """Mann-Whitney AUC and DeLong's variance by explicit pairwise comparison (O(P N))."""
    mu, y = result.predict().to_numpy(), result.design.successes
    pos, neg = mu[y == 1], mu[y == 0]
    psi = (pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])
    area = psi.mean()
    v10, v01 = psi.mean(axis=1), psi.mean(axis=0)
    variance = v10.var(ddof=1) / len(pos) + v01.var(ddof=1) / len(neg)
    return float(area), float(variance)


def test_auc_and_delong_interval_by_brute_force(result: logitfit.LogitResult) -> None:
    area, variance = brute_force(result)
    found = logitfit.auc(result, level=0.9)
    assert_allclose(found.auc, area, rtol=1e-13)
    assert_allclose(found.std_error, np.sqrt(variance), rtol=1e-12)
    half = stats.norm.ppf(0.95) * np.sqrt(variance)
    assert_allclose([found.conf_low, found.conf_high], [area - half, area + half], rtol=1e-12)


def test_roc_curve_integrates_to_the_auc(result: logitfit.LogitResult) -> None:
    curve = logitfit.roc_curve(result)
    assert curve.iloc[0].tolist() == [np.inf, 0.0, 0.0]
    assert_allclose(curve.iloc[-1, 1:].to_numpy(dtype=float), [1.0, 1.0])
    # Trapezoids count ties as one half, exactly like the Mann-Whitney statistic.
    area = np.trapezoid(curve["true_positive_rate"], curve["false_positive_rate"])
    assert_allclose(area, logitfit.auc(result).auc, rtol=1e-13)


def test_classification_table_matches_statsmodels_pred_table(result: logitfit.LogitResult) -> None:
    mu = result.predict().to_numpy()
    cutoff = 0.4321
    assert not np.any(mu == cutoff)  # statsmodels uses >, logitfit >=: equal away from ties
    reference = sm.Logit(result.design.successes, result.design.X).fit(disp=0)
    (tn, fp), (fn, tp) = reference.pred_table(threshold=cutoff)
    table = logitfit.classification_table(result, cutoff).to_frame().iloc[0]
    assert_allclose(table[["true_positive", "false_negative", "false_positive", "true_negative"]],
                    [tp, fn, fp, tn])  # fmt: skip
    assert_allclose(table["sensitivity"], tp / (tp + fn))
    assert_allclose(table["specificity"], tn / (tn + fp))
    assert_allclose(table["ppv"], tp / (tp + fp))
    assert_allclose(table["npv"], tn / (tn + fn))
    assert_allclose(table["accuracy"], (tp + tn) / 400)


def test_cutoff_at_a_fitted_probability_counts_it_as_an_event(
    result: logitfit.LogitResult,
) -> None:
    mu = result.predict().to_numpy()
    cutoff = float(np.sort(mu)[200])
    table = logitfit.classification_table(result, cutoff).to_frame().iloc[0]
    assert table["true_positive"] + table["false_positive"] == np.sum(mu >= cutoff)


def test_sensitivity_specificity_across_cutoffs(result: logitfit.LogitResult) -> None:
    sweep = logitfit.sensitivity_specificity(result)
    assert len(sweep) == 101
    assert sweep["sensitivity"].is_monotonic_decreasing
    assert sweep["specificity"].is_monotonic_increasing
    assert sweep.loc[0.0, "sensitivity"] == 1.0 and np.isnan(sweep.loc[1.0, "ppv"])
    with pytest.raises(logitfit.DataError, match="cutoff"):
        logitfit.classification_table(result, 1.5)


def test_weighted_auc_equals_replicated_rows() -> None:
    data = synthetic(150, 2, seed=52)
    weights = np.tile([1.0, 3.0, 2.0], 50)
    weighted = logitfit.fit("y ~ x1 + x2", data, weights=weights)
    replicated = logitfit.fit("y ~ x1 + x2", data.loc[data.index.repeat(weights.astype(int))])
    left, right = logitfit.auc(weighted), logitfit.auc(replicated)
    assert_allclose([left.auc, left.std_error], [right.auc, right.std_error], rtol=1e-9)
    pd.testing.assert_frame_equal(
        logitfit.sensitivity_specificity(weighted),
        logitfit.sensitivity_specificity(replicated),
        rtol=1e-9,
    )
