"""Residuals, leverage, influence, covariate patterns and GVIF against statsmodels and by hand."""

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
def spector_fit(spector: pd.DataFrame) -> logitfit.LogitResult:
    return logitfit.fit("GRADE ~ GPA + TUCE + PSI", spector)


@pytest.fixture(scope="module")
def reference(spector_fit: logitfit.LogitResult):
    design = spector_fit.design
    model = sm.GLM(design.successes, design.X, family=sm.families.Binomial())
    return model.fit(method="newton", tol=1e-12)


def test_residuals_match_statsmodels(spector_fit: logitfit.LogitResult, reference) -> None:
    table = logitfit.influence(spector_fit)
    assert_allclose(table["fitted"], reference.mu, rtol=RTOL)
    assert_allclose(table["resid_response"], reference.resid_response, rtol=RTOL)
    assert_allclose(table["resid_pearson"], reference.resid_pearson, rtol=RTOL)
    assert_allclose(table["resid_deviance"], reference.resid_deviance, rtol=RTOL)


def test_residuals_match_statas_published_values(spector_fit: logitfit.LogitResult) -> None:
    """Stata 11 ``predict, residuals`` / ``deviance`` after ``logit`` on the Spector data, from
    statsmodels' results_discrete.py (7 significant digits printed)."""
    table = logitfit.influence(spector_fit)
    assert_allclose(
        table["resid_pearson"].iloc[:4], [-0.1652382, -0.2515266, -0.4800059, -0.1630655], rtol=5e-6
    )
    assert_allclose(
        table["resid_deviance"].iloc[-4:], [0.5870719, 0.335292, -1.227311, 2.096639], rtol=5e-6
    )


def test_influence_matches_statsmodels(spector_fit: logitfit.LogitResult, reference) -> None:
    table = logitfit.influence(spector_fit)
    statsmodels_influence = reference.get_influence()
    assert_allclose(table["leverage"], statsmodels_influence.hat_matrix_diag, rtol=RTOL)
    assert_allclose(table["resid_pearson_std"], statsmodels_influence.resid_studentized, rtol=RTOL)
    assert_allclose(table["cooks_distance"], statsmodels_influence.cooks_distance[0], rtol=RTOL)
    dfbeta = table.filter(like="dfbeta_").to_numpy()
    dfbetas = table.filter(like="dfbetas_").to_numpy()
    assert_allclose(dfbeta, statsmodels_influence.d_params, rtol=RTOL, atol=1e-14)
    assert_allclose(dfbetas, statsmodels_influence.dfbetas, rtol=RTOL, atol=1e-14)
    assert_allclose(table["leverage"].sum(), spector_fit.n_params, rtol=1e-12)


def test_standardised_and_likelihood_residuals_by_formula(
    spector_fit: logitfit.LogitResult,
) -> None:
    table = logitfit.influence(spector_fit)
    h = table["leverage"]
    assert_allclose(table["resid_deviance_std"], table["resid_deviance"] / np.sqrt(1 - h))
    # R's rstudent.glm: sign(d) sqrt(d^2 + h r^2 / (1 - h)).
    expected = np.sign(table["resid_deviance"]) * np.sqrt(
        table["resid_deviance"] ** 2 + h * table["resid_pearson"] ** 2 / (1 - h)
    )
    assert_allclose(table["resid_likelihood"], expected, rtol=1e-14)


def test_dfbeta_is_close_to_a_brute_force_leave_one_out_refit(
    spector_fit: logitfit.LogitResult, spector: pd.DataFrame
) -> None:
    """The one-step approximation of the change when row i is dropped, checked on two rows."""
    table = logitfit.influence(spector_fit)
    for row in (4, 13):
        refit = logitfit.fit("GRADE ~ GPA + TUCE + PSI", spector.drop(index=row))
        exact = (spector_fit.coef - refit.coef).to_numpy()
        approximate = table.filter(like="dfbeta_").iloc[row].to_numpy()
        assert_allclose(approximate, exact, rtol=0.35, atol=0.05 * np.abs(exact).max())


def test_covariate_patterns_equal_the_aggregated_binomial_fit() -> None:
    rng = np.random.default_rng(3)
    x1 = rng.integers(0, 4, size=400).astype(float)
    x2 = rng.integers(0, 3, size=400).astype(float)
    y = (rng.random(400) < 1 / (1 + np.exp(-(-0.5 + 0.4 * x1 - 0.3 * x2)))).astype(int)
    data = pd.DataFrame({"x1": x1, "x2": x2, "y": y})
    fitted = logitfit.fit("y ~ x1 + x2", data)
    patterns = logitfit.covariate_patterns(fitted)
    assert patterns.table.shape[0] == 12 and patterns.df == 9 and patterns.few_patterns
    grouped = data.groupby(["x1", "x2"], sort=False).agg(events=("y", "sum"), n=("y", "size"))
    grouped = grouped.reset_index()
    X = sm.add_constant(grouped[["x1", "x2"]].to_numpy())
    endog = np.column_stack([grouped["events"], grouped["n"] - grouped["events"]])
    glm = sm.GLM(endog, X, family=sm.families.Binomial()).fit(method="newton", tol=1e-12)
    hat = glm.get_influence().hat_matrix_diag
    table = patterns.table
    assert_allclose(table[["x1", "x2"]].to_numpy(), grouped[["x1", "x2"]].to_numpy())
    assert_allclose(table["events"], grouped["events"])
    assert_allclose(table["resid_pearson"], glm.resid_pearson, rtol=RTOL)
    assert_allclose(table["resid_deviance"], glm.resid_deviance, rtol=RTOL)
    assert_allclose(table["leverage"], hat, rtol=RTOL)
    assert_allclose(table["delta_chi2"], glm.resid_pearson**2 / (1 - hat), rtol=RTOL)
    assert_allclose(table["delta_deviance"], glm.resid_deviance**2 / (1 - hat), rtol=RTOL)
    assert_allclose(table["delta_beta"], glm.resid_pearson**2 * hat / (1 - hat) ** 2, rtol=RTOL)
    assert_allclose(patterns.pearson_chi2, glm.pearson_chi2, rtol=RTOL)
    assert_allclose(patterns.deviance, glm.deviance, rtol=RTOL)
    assert patterns.pattern_of_row.nunique() == 12


def test_gvif_for_single_columns_is_the_vif_and_factor_gvif_ignores_coding() -> None:
    data = with_group(1_000, seed=8)
    data["x3"] = data["x1"] + np.random.default_rng(0).normal(scale=0.5, size=1_000)
    fitted = logitfit.fit("y ~ x1 + x3 + C(group)", data)
    table = logitfit.variance_inflation(fitted)
    cov = fitted.cov.to_numpy()[1:, 1:]
    scale = np.sqrt(np.diag(cov))
    vif = np.diag(np.linalg.inv(cov / np.outer(scale, scale)))
    assert_allclose(table.loc[["x1", "x3"], "gvif"], vif[:2], rtol=1e-10)
    assert table.loc["C(group)", "df"] == 3
    recoded = logitfit.fit("y ~ x1 + x3 + C(group, contr.treatment('d'))", data)
    other = logitfit.variance_inflation(recoded)
    assert_allclose(other["gvif"].iloc[-1], table.loc["C(group)", "gvif"], rtol=1e-8)
    assert_allclose(table["gvif_adjusted"], table["gvif"] ** (1 / (2 * table["df"])), rtol=1e-14)


def test_binned_residuals_partition_the_observations(spector_fit: logitfit.LogitResult) -> None:
    table = logitfit.binned_residuals(spector_fit, bins=4)
    assert table["n"].sum() == 32 and len(table) == 4
    mu = spector_fit.predict().to_numpy()
    y = spector_fit.design.successes
    order = np.argsort(mu)
    first = order[:8]
    assert_allclose(table["mean_residual"].iloc[0], np.mean(y[first] - mu[first]), rtol=1e-12)
    assert_allclose(table["band"].iloc[0], 2 * np.sqrt(np.sum(mu[first] * (1 - mu[first]))) / 8)
