"""Every statistic against statsmodels (rtol 1e-8) and against published values.

The statsmodels design matrices are built here independently of logitfit's formula handling
(``sm.add_constant`` / ``pandas.get_dummies``), so the comparison checks the estimation and the
design construction together.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose

import logitfit
from tests.conftest import PENGUIN_FORMULA, synthetic, with_group

RTOL = 1e-8


def statsmodels_logit(y: np.ndarray, X: pd.DataFrame, offset: np.ndarray | None = None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sm.Logit(y, X, offset=offset).fit(method="newton", tol=1e-12, maxiter=100, disp=0)


def assert_matches_logit(result: logitfit.LogitResult, reference, rtol: float = RTOL) -> None:
    """Compare every quantity of a binary, unweighted fit with statsmodels Logit."""
    assert list(result.names) == list(reference.params.index)
    assert_allclose(result.coef, reference.params, rtol=rtol)
    assert_allclose(result.std_errors, reference.bse, rtol=rtol)
    assert_allclose(result.cov, reference.cov_params(), rtol=rtol)
    assert_allclose(result.z, reference.tvalues, rtol=rtol)
    assert_allclose(result.p_values, reference.pvalues, rtol=rtol)
    for level in (0.95, 0.9):
        assert_allclose(result.conf_int(level), reference.conf_int(alpha=1 - level), rtol=rtol)
    assert_allclose(result.loglik, reference.llf, rtol=rtol)
    assert_allclose(result.loglik_null, reference.llnull, rtol=rtol)
    # Binary data: the saturated log-likelihood is 0, so D = -2 l and D_0 = -2 l_0 exactly.
    assert_allclose(result.deviance, -2 * reference.llf, rtol=rtol)
    assert_allclose(result.null_deviance, -2 * reference.llnull, rtol=rtol)
    assert_allclose(result.aic, reference.aic, rtol=rtol)
    assert_allclose(result.bic, reference.bic, rtol=rtol)
    assert_allclose(result.lr_stat, reference.llr, rtol=rtol)
    # statsmodels fits its null model by BFGS (about 1e-10 relative). A relative error e in the
    # statistic S becomes about e * S / 2 in a small chi-square p-value (d log p / dS -> -1/2),
    # so the tolerance on the p-value scales with S; the exact null is tested in test_results.
    assert_allclose(
        result.lr_pvalue, reference.llr_pvalue, rtol=rtol * max(1.0, result.lr_stat / 2)
    )
    assert_allclose(result.mcfadden_r2, reference.prsquared, rtol=rtol)
    assert result.df_resid == reference.df_resid
    assert result.lr_df == reference.df_model
    assert result.converged


def statsmodels_glm(endog, X, **kwargs):
    # Newton, not the default IRLS: IRLS forms its covariance with the weights of the previous
    # iterate, which leaves statsmodels' own standard errors about 4e-8 off the final Hessian's.
    model = sm.GLM(endog, X, family=sm.families.Binomial(), **kwargs)
    return model.fit(method="newton", tol=1e-12, maxiter=100)


def assert_matches_glm(result: logitfit.LogitResult, reference, rtol: float = RTOL) -> None:
    """Compare every quantity with statsmodels GLM(Binomial)."""
    assert_allclose(result.coef, reference.params, rtol=rtol)
    assert_allclose(result.std_errors, reference.bse, rtol=rtol)
    assert_allclose(result.z, reference.tvalues, rtol=rtol)
    assert_allclose(result.p_values, reference.pvalues, rtol=rtol)
    assert_allclose(result.conf_int(0.95), reference.conf_int(alpha=0.05), rtol=rtol)
    assert_allclose(result.loglik, reference.llf, rtol=rtol)
    assert_allclose(result.loglik_null, reference.llnull, rtol=rtol)
    assert_allclose(result.deviance, reference.deviance, rtol=rtol)
    assert_allclose(result.null_deviance, reference.null_deviance, rtol=rtol)
    assert_allclose(result.aic, reference.aic, rtol=rtol)
    assert_allclose(result.bic, reference.bic_llf, rtol=rtol)
    assert_allclose(result.mcfadden_r2, reference.pseudo_rsquared(kind="mcf"), rtol=rtol)
    assert_allclose(result.df_resid, reference.df_resid, rtol=0)


def test_spector_matches_statsmodels(spector: pd.DataFrame) -> None:
    result = logitfit.fit("GRADE ~ GPA + TUCE + PSI", spector)
    X = sm.add_constant(spector[["GPA", "TUCE", "PSI"]]).rename(columns={"const": "Intercept"})
    assert_matches_logit(result, statsmodels_logit(spector["GRADE"].to_numpy(), X))


def test_spector_matches_published_stata_values(spector: pd.DataFrame) -> None:
    """Stata 11 ``logit grade gpa tuce psi``, as recorded in statsmodels' test suite
    (statsmodels/discrete/tests/results/results_discrete.py, class Spector, method logit),
    data of Spector & Mazzeo (1980) from Greene, Econometric Analysis.

    Stata stops iterating at its default tolerances, so its printed 12 digits agree with the
    exact maximum-likelihood estimate (on which logitfit and statsmodels agree to 1e-14) only to
    about 1.3e-7 relative; the tolerance 5e-7 reflects Stata's stopping rule, not ours.
    """
    result = logitfit.fit("GRADE ~ GPA + TUCE + PSI", spector)
    order = ["GPA", "TUCE", "PSI", "Intercept"]
    stata_params = [2.82611297201, 0.0951576702557, 2.37868772835, -13.0213483201]
    stata_bse = [1.26294114526, 0.141554207662, 1.06456430165, 4.93132462871]
    stata_z = [2.237723415, 0.6722348408, 2.234423721, -2.640537645]
    assert_allclose(result.coef[order], stata_params, rtol=5e-7)
    assert_allclose(result.std_errors[order], stata_bse, rtol=5e-7)
    assert_allclose(result.z[order], stata_z, rtol=5e-7)
    assert_allclose(result.loglik, -12.8896334653335, rtol=5e-7)
    assert_allclose(result.loglik_null, -20.5917296966173, rtol=5e-7)
    assert_allclose(result.lr_stat, 15.4041924625676, rtol=5e-7)
    # The p-value magnifies the 1.3e-7 gap in the statistic about fivefold at this point.
    assert_allclose(result.lr_pvalue, 0.00150187761112892, rtol=1e-6)
    assert_allclose(result.mcfadden_r2, 0.374038332124624, rtol=5e-7)
    assert_allclose(result.aic, 33.779266930667, rtol=5e-7)
    assert_allclose(result.bic, 39.642210541866, rtol=5e-7)


def test_penguins_match_statsmodels(penguins: pd.DataFrame) -> None:
    result = logitfit.fit(PENGUIN_FORMULA, penguins, missing="drop")
    complete = penguins.dropna(
        subset=["sex", "bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
    )
    assert result.design.n_rows == complete.shape[0] == 333
    assert len(result.design.dropped_rows) == 11
    assert result.design.event == "sex == 'male' (vs 'female')"
    dummies = pd.get_dummies(complete["species"], drop_first=True, dtype=float)
    X = pd.concat(
        [
            pd.Series(1.0, index=complete.index, name="Intercept"),
            complete[["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]],
            dummies.rename(columns=lambda level: f"C(species)[T.{level}]"),
        ],
        axis=1,
    )
    y = (complete["sex"] == "male").to_numpy(dtype=float)
    assert_matches_logit(result, statsmodels_logit(y, X))


@pytest.mark.parametrize(
    ("n_rows", "n_predictors", "seed"), [(500, 3, 1), (5_000, 10, 2), (100_000, 50, 3)]
)
def test_synthetic_sets_match_statsmodels(n_rows: int, n_predictors: int, seed: int) -> None:
    data = synthetic(n_rows, n_predictors, seed)
    predictors = [f"x{j + 1}" for j in range(n_predictors)]
    result = logitfit.fit_arrays(data[predictors], data["y"])
    X = sm.add_constant(data[predictors]).rename(columns={"const": "Intercept"})
    assert_matches_logit(result, statsmodels_logit(data["y"].to_numpy(), X))


def test_factor_with_interaction_matches_statsmodels() -> None:
    data = with_group(3_000, seed=4)
    result = logitfit.fit("y ~ x1 * C(group) + np.log(x2)", data)
    reference = statsmodels_logit(data["y"].to_numpy(), pd.DataFrame(result.design.X))
    reference_params = pd.Series(reference.params.to_numpy(), index=result.names)
    assert_allclose(result.coef, reference_params, rtol=RTOL)
    assert_allclose(result.std_errors, reference.bse.to_numpy(), rtol=RTOL)
    assert_allclose(result.loglik, reference.llf, rtol=RTOL)
    # The design itself, built independently: 1 + x1 + 3 group dummies + log(x2) + 3 interactions.
    group = pd.get_dummies(data["group"], drop_first=True, dtype=float).to_numpy()
    expected = np.column_stack(
        [np.ones(len(data)), data["x1"], group, np.log(data["x2"]), group * data[["x1"]].to_numpy()]
    )
    assert list(result.names) == [
        "Intercept", "x1", "C(group)[T.b]", "C(group)[T.c]", "C(group)[T.d]", "np.log(x2)",
        "x1:C(group)[T.b]", "x1:C(group)[T.c]", "x1:C(group)[T.d]",
    ]  # fmt: skip
    assert_allclose(result.design.X, expected, rtol=1e-15)


def test_offset_matches_statsmodels_logit(spector: pd.DataFrame) -> None:
    offset = np.linspace(-0.5, 0.5, spector.shape[0])
    result = logitfit.fit("GRADE ~ GPA + PSI", spector, offset=offset)
    X = sm.add_constant(spector[["GPA", "PSI"]]).rename(columns={"const": "Intercept"})
    assert_matches_logit(result, statsmodels_logit(spector["GRADE"].to_numpy(), X, offset=offset))


def test_frequency_weights_match_glm_and_replicated_rows(spector: pd.DataFrame) -> None:
    weights = np.tile([1.0, 2.0, 3.0, 1.0], 8)
    result = logitfit.fit("GRADE ~ GPA + TUCE + PSI", spector, weights=weights)
    X = sm.add_constant(spector[["GPA", "TUCE", "PSI"]])
    glm = statsmodels_glm(spector["GRADE"], X, freq_weights=weights)
    assert_matches_glm(result, glm)
    # Exact equivalence: a row of weight k is k identical rows.
    replicated = spector.loc[spector.index.repeat(weights.astype(int))].reset_index(drop=True)
    expanded = logitfit.fit("GRADE ~ GPA + TUCE + PSI", replicated)
    for name in ("coef", "std_errors"):
        assert_allclose(getattr(result, name), getattr(expanded, name), rtol=1e-10)
    for name in ("loglik", "deviance", "null_deviance", "aic", "bic", "df_resid"):
        assert_allclose(getattr(result, name), getattr(expanded, name), rtol=1e-10)


def test_events_trials_match_glm() -> None:
    rng = np.random.default_rng(5)
    x = rng.normal(size=60)
    trials = rng.integers(1, 25, size=60).astype(float)
    events = rng.binomial(trials.astype(int), 1 / (1 + np.exp(-(0.3 - 0.8 * x)))).astype(float)
    data = pd.DataFrame({"x": x, "events": events, "n": trials})
    result = logitfit.fit("events ~ x", data, trials="n")
    endog = np.column_stack([events, trials - events])
    glm = statsmodels_glm(endog, sm.add_constant(x))
    assert_matches_glm(result, glm)
    assert not result.design.is_binary


def test_events_trials_equal_the_expanded_binary_fit() -> None:
    """Same likelihood up to a constant: identical estimates and standard errors."""
    data = pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0], "events": [1, 2, 4, 5], "n": [6, 6, 6, 6]})
    grouped = logitfit.fit("events ~ x", data, trials="n")
    rows = [(x, 1) for x, e in zip(data.x, data.events, strict=True) for _ in range(e)]
    rows += [
        (x, 0) for x, e, n in zip(data.x, data.events, data.n, strict=True) for _ in range(n - e)
    ]
    binary = logitfit.fit("y ~ x", pd.DataFrame(rows, columns=["x", "y"]))
    assert_allclose(grouped.coef, binary.coef, rtol=1e-10)
    assert_allclose(grouped.std_errors, binary.std_errors, rtol=1e-10)
    assert_allclose(grouped.lr_stat, binary.lr_stat, rtol=1e-10)


def test_crosscheck_feature_reports_agreement(spector: pd.DataFrame) -> None:
    report = logitfit.crosscheck(logitfit.fit("GRADE ~ GPA + TUCE + PSI", spector))
    assert report.reference == "statsmodels Logit"
    assert report.all_within
    assert {"coef[GPA]", "std_error[PSI]", "bic", "null_deviance"} <= set(report.table["quantity"])
    assert report.table["rel_diff"].max() < 1e-10
    weighted = logitfit.crosscheck(logitfit.fit("GRADE ~ GPA", spector, weights=np.full(32, 2.0)))
    assert weighted.reference == "statsmodels GLM(Binomial)"
    assert weighted.all_within


def test_crosscheck_flags_a_disagreement(spector: pd.DataFrame) -> None:
    """The check can fail: a fit stopped after one Newton step disagrees with statsmodels."""
    with pytest.warns(logitfit.ConvergenceWarning):
        rough = logitfit.fit("GRADE ~ GPA + TUCE + PSI", spector, max_iter=1)
    report = logitfit.crosscheck(rough)
    assert not report.all_within
    assert "SOME QUANTITIES DISAGREE" in str(report)
