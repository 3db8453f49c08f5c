"""The result object: prediction, intervals, tables, and fit statistics by exact calculation."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose
from scipy import stats

import logitfit
from tests.conftest import PENGUIN_FORMULA, with_group


@pytest.fixture(scope="module")
def spector_fit() -> logitfit.LogitResult:
    from tests.conftest import DATA

    return logitfit.fit("GRADE ~ GPA + TUCE + PSI", pd.read_csv(DATA / "spector.csv"))


def test_null_model_equals_its_closed_form(spector_fit: logitfit.LogitResult) -> None:
    """Intercept only, no offset: the MLE is the event rate, l0 = E log p + (n - E) log(1 - p)."""
    events, n = 11.0, 32.0
    rate = events / n
    expected = events * np.log(rate) + (n - events) * np.log(1 - rate)
    assert_allclose(spector_fit.loglik_null, expected, rtol=1e-14)
    assert_allclose(spector_fit.null_deviance, -2 * expected, rtol=1e-14)
    assert spector_fit.df_null == 31 and spector_fit.df_resid == 28


def test_information_criteria_by_hand(spector_fit: logitfit.LogitResult) -> None:
    assert_allclose(spector_fit.aic, -2 * spector_fit.loglik + 2 * 4, rtol=1e-15)
    assert_allclose(spector_fit.bic, -2 * spector_fit.loglik + 4 * np.log(32), rtol=1e-15)
    assert_allclose(spector_fit.lr_pvalue, stats.chi2.sf(spector_fit.lr_stat, 3), rtol=1e-15)


def test_model_without_intercept_uses_the_offset_only_null() -> None:
    rng = np.random.default_rng(7)
    x = rng.normal(size=50)
    y = (rng.random(50) < 1 / (1 + np.exp(-x))).astype(int)
    result = logitfit.fit_arrays(x, y, intercept=False)
    # eta = 0 for every row under the null: D0 = 2 n log 2, on n degrees of freedom.
    assert_allclose(result.null_deviance, 2 * 50 * np.log(2), rtol=1e-14)
    assert result.df_null == 50 and result.lr_df == 1
    reference = sm.Logit(y, x[:, None]).fit(method="newton", tol=1e-12, disp=0)
    assert_allclose(result.coef, reference.params, rtol=1e-8)
    assert_allclose(result.std_errors, reference.bse, rtol=1e-8)
    report = logitfit.crosscheck(result)
    assert report.all_within and "Null-model quantities are left out" in str(report)
    # With frequency weights, each row counts w times; with an offset, the null is a pass.
    weights = rng.integers(1, 4, size=50)
    weighted = logitfit.fit_arrays(x, y, intercept=False, weights=weights)
    assert_allclose(weighted.null_deviance, 2 * weights.sum() * np.log(2), rtol=1e-14)
    offset = rng.normal(size=50)
    mu = 1 / (1 + np.exp(-offset))
    shifted = logitfit.fit_arrays(x, y, intercept=False, offset=offset)
    by_hand = -2 * np.sum(y * np.log(mu) + (1 - y) * np.log1p(-mu))
    assert_allclose(shifted.null_deviance, by_hand, rtol=1e-12)


def test_confidence_levels_and_odds_ratios(spector_fit: logitfit.LogitResult) -> None:
    for level in (0.5, 0.9, 0.99):
        interval = spector_fit.conf_int(level)
        half = stats.norm.ppf(0.5 + level / 2) * spector_fit.std_errors
        assert_allclose(interval["upper"] - spector_fit.coef, half, rtol=1e-12)
        assert_allclose(spector_fit.odds_ratio_conf_int(level), np.exp(interval), rtol=1e-14)
    assert_allclose(spector_fit.odds_ratios, np.exp(spector_fit.coef), rtol=1e-15)
    with pytest.raises(logitfit.DataError, match="strictly between 0 and 1"):
        spector_fit.conf_int(95)


def test_to_frame_is_tidy(spector_fit: logitfit.LogitResult) -> None:
    frame = spector_fit.to_frame(0.9)
    assert list(frame["term"]) == ["Intercept", "GPA", "TUCE", "PSI"]
    assert list(frame.columns[:5]) == ["term", "coef", "std_error", "z", "p_value"]
    assert_allclose(frame["conf_low"], spector_fit.conf_int(0.9)["lower"], rtol=1e-15)
    assert_allclose(frame["odds_ratio_high"], np.exp(frame["conf_high"]), rtol=1e-15)


def test_summary_shows_the_printed_digits_of_r_and_statsmodels(
    spector_fit: logitfit.LogitResult,
) -> None:
    text = spector_fit.summary()
    # Values as R's summary(glm(GRADE ~ GPA + TUCE + PSI, binomial)) prints them.
    for expected in ("-13.0213", "4.9313", "2.8261", "0.0083", "25.7793 on 28 df",
                     "41.1835 on 31 df", "AIC: 33.7793", "GRADE == 1"):  # fmt: skip
        assert expected in text


def test_to_dict_is_json_ready(spector_fit: logitfit.LogitResult) -> None:
    payload = json.loads(json.dumps(spector_fit.to_dict()))
    assert payload["coefficients"][1]["term"] == "GPA"
    assert_allclose(payload["coefficients"][1]["std_error"], spector_fit.std_errors["GPA"])
    assert_allclose(payload["statistics"]["bic"], spector_fit.bic)
    assert payload["estimation"]["converged"] is True


def test_predict_in_sample_matches_statsmodels(spector_fit: logitfit.LogitResult) -> None:
    X = spector_fit.design.X
    reference = sm.Logit(spector_fit.design.successes, X).fit(method="newton", tol=1e-12, disp=0)
    assert_allclose(spector_fit.predict(), reference.predict(X), rtol=1e-8)
    linear = spector_fit.predict(kind="link", std_errors=True)
    prediction = reference.get_prediction(X, which="linear")
    assert_allclose(linear["prediction"], prediction.predicted, rtol=1e-8)
    assert_allclose(linear["link_std_error"], prediction.se, rtol=1e-8)


def test_predict_reapplies_the_formula_to_new_data() -> None:
    data = with_group(400, seed=9)
    result = logitfit.fit("y ~ x1 + C(group) + np.log(x2)", data)
    new = pd.DataFrame({"x1": [0.5, -1.0], "x2": [2.0, 3.0], "group": ["d", "a"]})
    coef = result.coef
    eta = np.array(
        [
            coef["Intercept"]
            + 0.5 * coef["x1"]
            + coef["C(group)[T.d]"]
            + np.log(2) * coef["np.log(x2)"],
            coef["Intercept"] - 1.0 * coef["x1"] + np.log(3) * coef["np.log(x2)"],
        ]
    )
    assert_allclose(result.predict(new, kind="link"), eta, rtol=1e-12)
    assert_allclose(result.predict(new), 1 / (1 + np.exp(-eta)), rtol=1e-12)
    with pytest.raises(logitfit.FormulaError, match="Cannot apply the model's formula"):
        result.predict(new.drop(columns="x2"))


def test_predict_needs_the_offset_for_new_rows(spector_fit: logitfit.LogitResult) -> None:
    from tests.conftest import DATA

    spector = pd.read_csv(DATA / "spector.csv")
    with_offset = logitfit.fit("GRADE ~ GPA", spector, offset=np.full(32, 0.2))
    with pytest.raises(logitfit.DataError, match="pass offset="):
        with_offset.predict(spector.head(2))
    shifted = with_offset.predict(spector.head(2), kind="link", offset=[0.2, 0.2])
    assert_allclose(shifted, with_offset.predict(kind="link").head(2), rtol=1e-14)


def test_penguin_result_states_the_modelled_level(penguins: pd.DataFrame) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = logitfit.fit(PENGUIN_FORMULA, penguins, missing="drop")
    assert "Modelled event:  sex == 'male' (vs 'female')" in result.summary()
    flipped = logitfit.fit(PENGUIN_FORMULA, penguins, missing="drop", event="female")
    assert_allclose(flipped.coef, -result.coef, rtol=1e-10)
