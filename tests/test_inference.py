"""Profile intervals, tests per term, pseudo-R2 and marginal effects against independent routes."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose
from scipy import stats

import logitfit
from tests.conftest import PENGUIN_FORMULA, with_group

RTOL = 1e-8


@pytest.fixture(scope="module")
def grouped() -> pd.DataFrame:
    return with_group(800, seed=31)


@pytest.fixture(scope="module")
def result(grouped: pd.DataFrame) -> logitfit.LogitResult:
    return logitfit.fit("y ~ x1 + x2 + C(group)", grouped)


def constrained_deviance(result: logitfit.LogitResult, j: int, value: float) -> float:
    """Deviance with coefficient j fixed at value, refitted by statsmodels (independently)."""
    X = result.design.X
    others = np.delete(X, j, axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = sm.GLM(
            result.design.successes, others, family=sm.families.Binomial(), offset=value * X[:, j]
        )
        return float(model.fit(method="newton", tol=1e-13, maxiter=100).deviance)


def test_profile_bounds_solve_the_deviance_equation(result: logitfit.LogitResult) -> None:
    table = logitfit.profile_conf_int(result, level=0.95)
    target = stats.chi2.ppf(0.95, 1)
    for j, name in enumerate(result.names):
        for bound in ("profile_low", "profile_high"):
            gap = constrained_deviance(result, j, table.loc[name, bound]) - result.deviance
            assert_allclose(gap, target, rtol=1e-8)
        assert table.loc[name, "profile_low"] < result.coef[name] < table.loc[name, "profile_high"]
    assert_allclose(table["wald_low"], result.conf_int()["lower"], rtol=1e-15)


def test_profile_and_wald_disagree_on_small_skewed_data(spector: pd.DataFrame) -> None:
    fitted = logitfit.fit("GRADE ~ GPA + TUCE + PSI", spector)
    table = logitfit.profile_conf_int(fitted, level=0.9)
    # 32 rows: the intercept's profile interval is markedly asymmetric, Wald's is not.
    assert table.loc["Intercept", "disagree"]
    lower_gap = fitted.coef["Intercept"] - table.loc["Intercept", "profile_low"]
    upper_gap = table.loc["Intercept", "profile_high"] - fitted.coef["Intercept"]
    assert lower_gap > 1.2 * upper_gap
    gap = constrained_deviance(fitted, 0, table.loc["Intercept", "profile_low"]) - fitted.deviance
    assert_allclose(gap, stats.chi2.ppf(0.9, 1), rtol=1e-8)


def test_profile_bound_is_infinite_under_separation() -> None:
    rng = np.random.default_rng(0)
    group = np.repeat(["a", "b", "c"], 30)
    y = (rng.random(90) < 0.5).astype(int)
    y[group == "c"] = 0
    data = pd.DataFrame({"group": group, "y": y})
    with pytest.warns(logitfit.SeparationWarning):
        fitted = logitfit.fit("y ~ C(group)", data)
    table = logitfit.profile_conf_int(fitted)
    assert table.loc["C(group)[T.c]", "profile_low"] == -np.inf
    assert np.isfinite(table.loc["C(group)[T.c]", "profile_high"])


def test_lr_tests_by_term_equal_statsmodels_refits(
    result: logitfit.LogitResult, grouped: pd.DataFrame
) -> None:
    table = logitfit.lr_tests_by_term(result).table.set_index("term")
    assert list(table.index) == ["x1", "x2", "C(group)"]
    assert table.loc["C(group)", "df"] == 3
    full = sm.Logit(result.design.successes, result.design.X).fit(disp=0, tol=1e-12)
    for term, drop in (("x1", [1]), ("x2", [2]), ("C(group)", [3, 4, 5])):
        reduced = sm.Logit(result.design.successes, np.delete(result.design.X, drop, axis=1)).fit(
            disp=0, method="newton", tol=1e-12
        )
        statistic = 2 * (full.llf - reduced.llf)
        assert_allclose(table.loc[term, "lr_stat"], statistic, rtol=RTOL)
        assert_allclose(table.loc[term, "p_value"], stats.chi2.sf(statistic, len(drop)), rtol=1e-7)
        assert_allclose(table.loc[term, "aic"], reduced.aic, rtol=RTOL)


def test_wald_tests_by_term_equal_statsmodels(result: logitfit.LogitResult) -> None:
    table = logitfit.wald_tests_by_term(result).table.set_index("term")
    reference = sm.Logit(result.design.successes, result.design.X).fit(disp=0, tol=1e-12)
    for term, columns in (("x1", [1]), ("C(group)", [3, 4, 5])):
        restriction = np.eye(result.n_params)[columns]
        wald = reference.wald_test(restriction, scalar=True, use_f=False)
        assert_allclose(table.loc[term, "wald_stat"], wald.statistic, rtol=RTOL)
        assert_allclose(table.loc[term, "p_value"], wald.pvalue, rtol=1e-7)
    # One-column terms: the Wald chi-square is z squared.
    assert_allclose(table.loc["x2", "wald_stat"], result.z["x2"] ** 2, rtol=1e-12)
    # The robust covariance carries over.
    robust = logitfit.wald_tests_by_term(result.with_covariance("HC0")).table.set_index("term")
    assert_allclose(robust.loc["x1", "wald_stat"], result.with_covariance("HC0").z["x1"] ** 2)


def test_nested_lr_test(grouped: pd.DataFrame) -> None:
    small = logitfit.fit("y ~ x1", grouped)
    large = logitfit.fit("y ~ x1 + x2 + C(group)", grouped)
    test = logitfit.lr_test(small, large)
    assert test.df == 4
    assert_allclose(test.statistic, 2 * (large.loglik - small.loglik), rtol=1e-12)
    assert_allclose(test.p_value, stats.chi2.sf(test.statistic, 4), rtol=1e-12)
    with pytest.raises(logitfit.DataError, match="must be the larger one"):
        logitfit.lr_test(large, small)
    with pytest.raises(logitfit.DataError, match="not nested: x2"):
        logitfit.lr_test(
            logitfit.fit("y ~ x2", grouped), logitfit.fit("y ~ x1 + C(group)", grouped)
        )
    with pytest.raises(logitfit.DataError, match="same rows"):
        logitfit.lr_test(logitfit.fit("y ~ x1", grouped.iloc[:700]), large)


def test_pseudo_r2_measures(penguins: pd.DataFrame) -> None:
    fitted = logitfit.fit(PENGUIN_FORMULA, penguins, missing="drop")
    measures = logitfit.pseudo_r2(fitted).to_frame().iloc[0]
    glm = sm.GLM(fitted.design.successes, fitted.design.X, family=sm.families.Binomial()).fit(
        method="newton", tol=1e-12
    )
    assert_allclose(measures["mcfadden"], glm.pseudo_rsquared(kind="mcf"), rtol=RTOL)
    assert_allclose(measures["cox_snell"], glm.pseudo_rsquared(kind="cs"), rtol=RTOL)
    n = fitted.n_obs
    cox_snell = 1 - np.exp(2 * (fitted.loglik_null - fitted.loglik) / n)
    assert_allclose(measures["nagelkerke"], cox_snell / (1 - np.exp(2 * fitted.loglik_null / n)))
    mu, y = fitted.predict().to_numpy(), fitted.design.successes
    assert_allclose(measures["tjur"], mu[y == 1].mean() - mu[y == 0].mean(), rtol=1e-12)


def test_average_marginal_effects_match_statsmodels(result: logitfit.LogitResult) -> None:
    effects = logitfit.marginal_effects(result).table
    reference = sm.Logit(result.design.successes, result.design.X).fit(disp=0, tol=1e-12)
    frame = reference.get_margeff(at="overall", method="dydx").summary_frame()
    assert_allclose(effects["ame"], frame["dy/dx"], rtol=RTOL)
    assert_allclose(effects["std_error"], frame["Std. Err."], rtol=RTOL)
    assert_allclose(effects["conf_low"], frame["Conf. Int. Low"], rtol=RTOL)
    reference_hc0 = sm.Logit(result.design.successes, result.design.X).fit(
        disp=0, tol=1e-12, cov_type="HC0"
    )
    robust = logitfit.marginal_effects(result.with_covariance("HC0")).table
    expected = reference_hc0.get_margeff(at="overall").summary_frame()["Std. Err."]
    assert_allclose(robust["std_error"], expected, rtol=RTOL)


def test_predicted_probability_intervals_match_statsmodels(result: logitfit.LogitResult) -> None:
    glm = sm.GLM(result.design.successes, result.design.X, family=sm.families.Binomial()).fit(
        method="newton", tol=1e-12
    )
    new = pd.DataFrame({"x1": [0.0, 2.0], "x2": [1.0, 8.0], "group": ["a", "c"]})
    ours = result.predict_interval(new, level=0.9)
    X_new = np.array([[1, 0.0, 1.0, 0, 0, 0], [1, 2.0, 8.0, 0, 1, 0]])
    theirs = glm.get_prediction(X_new).conf_int(alpha=0.1)
    assert_allclose(ours[["lower", "upper"]], theirs, rtol=RTOL)
    assert_allclose(ours["probability"], glm.predict(X_new), rtol=RTOL)
    assert (ours["lower"] < ours["probability"]).all() and (
        ours["probability"] < ours["upper"]
    ).all()


def test_lr_tests_by_term_on_badly_scaled_predictors(penguins: pd.DataFrame) -> None:
    """Grams and millimetres side by side: each reduced model is refitted from a neutral start."""
    fitted = logitfit.fit(PENGUIN_FORMULA, penguins, missing="drop")
    table = logitfit.lr_tests_by_term(fitted).table.set_index("term")
    X, y = fitted.design.X, fitted.design.successes
    full = sm.Logit(y, X).fit(disp=0, method="newton", tol=1e-12)
    for term, drop in (("bill_length_mm", [1]), ("body_mass_g", [4]), ("C(species)", [5, 6])):
        reduced = sm.Logit(y, np.delete(X, drop, axis=1)).fit(disp=0, method="newton", tol=1e-12)
        assert_allclose(table.loc[term, "lr_stat"], 2 * (full.llf - reduced.llf), rtol=RTOL)
