"""Issue 11: no silent wrong answer. Each test failed on the code before the fix it names."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose
from scipy import stats

import logitfit
from logitfit.fitting import null_model
from logitfit.inference import profile
from tests import r_reference
from tests.conftest import DATA, with_group

HERE = Path(__file__).resolve().parent / "data"
COLLINEAR_FORMULA = "y ~ x1 + x2 + x3 + x4 + x5 + x6 + C(g)"
R_NAMES = ["(Intercept)", "x1", "x2", "x3", "x4", "x5", "x6", "gb", "gc"]


def constrained_deviance(result: logitfit.LogitResult, j: int, value: float) -> float:
    """Deviance with coefficient j held at value, refitted by statsmodels from R's start."""
    X = result.design.X
    model = sm.GLM(
        result.design.successes,
        np.delete(X, j, axis=1),
        family=sm.families.Binomial(),
        offset=value * X[:, j],
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(model.fit(method="newton", tol=1e-14, maxiter=200).deviance)


def test_profile_intervals_on_an_ill_conditioned_design() -> None:
    """Before: x1's upper bound 2375.7 (exact 1346.7), x4's [-823.3, 213.8] (exact
    [-1345.2, 728.4]) on 618 rows where x4 ~ x1 + x2 + x3 (cond(X'WX) 3e8), with no warning."""
    data = pd.read_csv(HERE / "collinear.csv")
    result = logitfit.fit(COLLINEAR_FORMULA, data)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no bound may be left unverified here
        table = logitfit.profile_conf_int(result)
    exact = r_reference.COLLINEAR_GLM["confint_profile_exact"]  # R, root-found (see module)
    critical = stats.chi2.ppf(0.95, 1)
    for j, (name, r_name) in enumerate(zip(result.names, R_NAMES, strict=True)):
        bounds = table.loc[name, ["profile_low", "profile_high"]].to_numpy(dtype=float)
        assert_allclose(bounds, exact[r_name], rtol=1e-7)
        for bound in bounds:  # the independent route: statsmodels' constrained refit
            gap = constrained_deviance(result, j, bound) - result.deviance
            assert_allclose(gap, critical, rtol=1e-8)
    # MASS::confint (grid and spline, so only to about 4e-5 of the width).
    for name, r_name in zip(result.names, R_NAMES, strict=True):
        low, high = r_reference.COLLINEAR_GLM["confint_profile"][r_name]
        width = high - low
        assert abs(table.loc[name, "profile_low"] - low) < 1e-4 * width
        assert abs(table.loc[name, "profile_high"] - high) < 1e-4 * width


def test_unverifiable_bounds_are_nan_with_a_warning(
    monkeypatch: pytest.MonkeyPatch, spector: pd.DataFrame
) -> None:
    result = logitfit.fit("GRADE ~ GPA + TUCE + PSI", spector)
    real_newton = profile.newton

    def one_step(objective, start, **options):  # type: ignore[no-untyped-def]
        return real_newton(objective, start, max_iter=1)

    monkeypatch.setattr(profile, "newton", one_step)
    with pytest.warns(logitfit.UnverifiedWarning, match="bound of 'GPA' is NaN: the constrained"):
        table = logitfit.profile_conf_int(result)
    assert table[["profile_low", "profile_high"]].isna().all().all()


def test_a_failing_root_finder_gives_nan_not_the_bracket_end(
    monkeypatch: pytest.MonkeyPatch, spector: pd.DataFrame
) -> None:
    result = logitfit.fit("GRADE ~ GPA + TUCE + PSI", spector)

    def failing(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("Failed to converge after 100 iterations")

    monkeypatch.setattr(profile.optimize, "brentq", failing)
    with pytest.warns(logitfit.UnverifiedWarning, match="root finder failed"):
        table = logitfit.profile_conf_int(result)
    assert table[["profile_low", "profile_high"]].isna().all().all()


@pytest.fixture(scope="module")
def endometrial() -> pd.DataFrame:
    return pd.read_csv(DATA / "endometrial.csv")


def test_firth_fits_use_the_penalised_likelihood(endometrial: pd.DataFrame) -> None:
    """Before: profile_conf_int gave the intercept's estimate as its lower bound and inf for
    PI's upper bound; lr_tests_by_term gave a zero statistic with converged=False."""
    fitted = logitfit.fit("HG ~ NV + PI + EH", endometrial, method="firth")
    table = logitfit.profile_conf_int(fitted)
    logistf_ci = {  # R logistf, as recorded in tests/test_firth.py
        "Intercept": [1.0825371, 7.20928050],
        "NV": [0.6097244, 7.85463171],
        "PI": [-0.1244587, 0.04045547],
        "EH": [-4.3651832, -1.23272106],
    }
    for term, bounds in logistf_ci.items():
        assert_allclose(table.loc[term, ["profile_low", "profile_high"]], bounds, rtol=1e-5)
    terms = logitfit.lr_tests_by_term(fitted).table.set_index("term")
    assert terms["converged"].all()
    tests = logitfit.firth_tests(fitted).table
    assert tests is not None
    for term in ("NV", "PI", "EH"):  # one-column terms: the per-coefficient PLR tests
        assert_allclose(terms.loc[term, "lr_stat"], tests.loc[term, "chi2"], rtol=1e-12)
    # Heinze & Schemper (2002), Table II: PLR p-values of NV, PI, EH.
    assert_allclose(terms["p_value"], [0.0091, 0.3875, 0.0000], atol=5e-5)
    with pytest.raises(logitfit.DataError, match="penalised likelihood"):
        logitfit.lr_test(logitfit.fit("HG ~ NV", endometrial, method="firth"), fitted)
    with pytest.raises(logitfit.DataError, match="inverse information"):
        fitted.with_covariance("HC0")


@pytest.mark.parametrize(
    ("method", "options", "message"),
    [
        ("firth", {"max_iter": 1, "bogus": 3}, "Unknown option for method='firth': bogus"),
        ("newton", {"learning_rate": 0.1}, "Unknown option for method='newton': learning_rate"),
        ("newton", {"max_iter": 0}, "max_iter must be a whole number of at least 1"),
        ("gradient_descent", {"learning_rate": -1.0}, "learning_rate must be a positive"),
        ("bfgs", {}, "method must be one of"),
    ],
)
def test_options_are_checked_by_name_at_the_entry_point(
    endometrial: pd.DataFrame, method: str, options: dict[str, float], message: str
) -> None:
    with pytest.raises(logitfit.DataError, match=message):
        logitfit.fit("HG ~ NV + PI + EH", endometrial, method=method, **options)  # type: ignore[arg-type]
    with pytest.raises(logitfit.DataError, match=message):
        logitfit.fit_arrays(endometrial[["PI", "EH"]], endometrial["HG"], method=method, **options)  # type: ignore[arg-type]


def test_firth_honours_max_iter(endometrial: pd.DataFrame) -> None:
    with pytest.warns(logitfit.ConvergenceWarning, match="did not converge in 1 iterations"):
        fitted = logitfit.fit("HG ~ NV + PI + EH", endometrial, method="firth", max_iter=1)
    assert fitted.n_iter == 1 and not fitted.converged


def test_lr_tests_respect_marginality_as_r_drop1_and_car_type2() -> None:
    birthwt = pd.read_csv(HERE / "birthwt.csv")
    fitted = logitfit.fit("low ~ age * smoke + lwt + C(race)", birthwt)
    drop1_tests = logitfit.lr_tests_by_term(fitted)
    drop1 = drop1_tests.table.set_index("term")
    # R lists lwt, factor(race), age:smoke only: age and smoke are in age:smoke.
    assert list(drop1.index) == ["lwt", "C(race)", "age:smoke"]
    assert "age (in age:smoke)" in drop1_tests.note
    reference = r_reference.BIRTHWT_INTERACTION_DROP1
    for ours, theirs in (("lwt", "lwt"), ("C(race)", "factor(race)"), ("age:smoke", "age:smoke")):
        assert_allclose(drop1.loc[ours, "lr_stat"], reference[theirs]["LRT"], rtol=1e-7)
        assert_allclose(drop1.loc[ours, "aic"], reference[theirs]["AIC"], rtol=1e-9)
        assert_allclose(drop1.loc[ours, "p_value"], reference[theirs]["Pr(>Chi)"], rtol=1e-6)
    type2 = logitfit.lr_tests_by_term(fitted, kind="type2").table.set_index("term")
    anova = r_reference.BIRTHWT_INTERACTION_ANOVA_II
    names = {"age": "age", "smoke": "smoke", "lwt": "lwt", "C(race)": "factor(race)"}
    names["age:smoke"] = "age:smoke"
    for ours, theirs in names.items():
        # R's glm stops at a relative deviance change of 1e-8: LR statistics agree to ~1e-7.
        assert_allclose(type2.loc[ours, "lr_stat"], anova[theirs]["LR Chisq"], rtol=1e-6)
        assert type2.loc[ours, "df"] == anova[theirs]["Df"]
    with pytest.raises(logitfit.DataError, match="kind must be"):
        logitfit.lr_tests_by_term(fitted, kind="type3")  # type: ignore[arg-type]


@pytest.fixture
def one_newton_step(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every auxiliary refit stops after one Newton step, unconverged."""
    real_newton = profile.newton
    monkeypatch.setattr(
        profile, "newton", lambda objective, start, **o: real_newton(objective, start, max_iter=1)
    )


@pytest.mark.usefixtures("one_newton_step")
def test_unconverged_term_refit_is_nan_with_a_warning(spector: pd.DataFrame) -> None:
    result = logitfit.fit("GRADE ~ GPA + TUCE + PSI", spector)
    with pytest.warns(logitfit.UnverifiedWarning, match="likelihood-ratio test of 'GPA'"):
        table = logitfit.lr_tests_by_term(result).table
    assert table["lr_stat"].isna().all() and not table["converged"].any()


def test_unconverged_null_refit_is_nan_with_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    data = with_group(300, seed=4)
    data["exposure"] = np.log(np.linspace(1, 3, 300))
    real_newton = null_model.newton
    # The null model's refit stops after one step (the main fit uses another import of newton).
    monkeypatch.setattr(
        null_model, "newton", lambda objective, start: real_newton(objective, start, max_iter=1)
    )
    with pytest.warns(logitfit.ConvergenceWarning, match="null model"):
        result = logitfit.fit("y ~ x1 + x2", data, offset="exposure")
    assert np.isnan(result.null_deviance) and np.isnan(result.lr_stat)


def test_cluster_by_column_name_and_few_clusters(spector: pd.DataFrame) -> None:
    data = with_group(400, seed=9)
    data["site"] = np.repeat(np.arange(40), 10)
    fitted = logitfit.fit("y ~ x1 + x2", data)
    by_name = fitted.with_covariance("CR1", cluster="site")
    direct = logitfit.fit("y ~ x1 + x2", data, cov_type="CR1", cluster="site")
    assert_allclose(by_name.std_errors, direct.std_errors, rtol=1e-15)
    data["region"] = np.repeat(np.arange(8), 50)
    with pytest.warns(logitfit.FewClustersWarning, match="Only 8 clusters"):
        fitted.with_covariance("CR1", cluster="region")
    arrays = logitfit.fit_arrays(data[["x1", "x2"]], data["y"])
    with pytest.raises(logitfit.DataError, match="fitted from arrays"):
        arrays.with_covariance("CR1", cluster="site")


def test_to_frame_agrees_with_the_result_and_marks_divergence() -> None:
    """Before: to_frame() set SE inf, z 0 and p 1 for diverging coefficients, disagreeing
    with result.std_errors."""
    rng = np.random.default_rng(0)
    group = np.repeat(["a", "b", "c"], 30)
    y = (rng.random(90) < 0.5).astype(int)
    y[group == "c"] = 0
    with pytest.warns(logitfit.SeparationWarning):
        fitted = logitfit.fit("y ~ C(group)", pd.DataFrame({"group": group, "y": y}))
    table = fitted.to_frame().set_index("term")
    assert_allclose(table["std_error"], fitted.std_errors, rtol=0)
    assert_allclose(table["p_value"], fitted.p_values, rtol=0)
    assert table.loc["C(group)[T.c]", "diverges"] == "-inf"
    assert table.loc["C(group)[T.b]", "diverges"] == ""


def test_missing_offset_given_as_an_array_is_named() -> None:
    """Before: a rank-deficiency message about the intercept."""
    data = with_group(60, seed=2)
    offset = np.zeros(60)
    offset[7] = np.nan
    with pytest.raises(logitfit.MissingValueError, match=r"'<offset>' has 1 missing \(row 7\)"):
        logitfit.fit("y ~ x1 + x2", data, offset=offset)
    dropped = logitfit.fit("y ~ x1 + x2", data, offset=offset, missing="drop")
    assert dropped.design.dropped_rows == (7,)


def test_the_in_memory_warm_start_reaches_the_same_estimate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The warm start (a subsample fit) runs only on large data: lower its threshold."""
    data = with_group(8_000, seed=12)
    cold = logitfit.fit("y ~ x1 + x2 + C(group)", data)
    fit_module = sys.modules["logitfit.fitting.core"]
    calls = []
    real = fit_module._sample_solution

    def spy(sample, *args):  # type: ignore[no-untyped-def]
        calls.append(sample.n_rows)
        return real(sample, *args)

    monkeypatch.setattr(fit_module, "_SUBSAMPLE_ROWS", 100)
    monkeypatch.setattr(fit_module, "_sample_solution", spy)
    warm = logitfit.fit("y ~ x1 + x2 + C(group)", data)
    assert calls and calls[0] < 400  # every 26th row (300 per 6 coefficients) was fitted first
    assert warm.converged
    assert_allclose(warm.coef, cold.coef, rtol=1e-9, atol=1e-10 * warm.std_errors.max())
    assert_allclose(warm.std_errors, cold.std_errors, rtol=1e-10)


def test_frequency_weights_convention_against_the_expanded_data(spector: pd.DataFrame) -> None:
    """A row of weight k is k copies: BIC uses n = sum of weights (Stata fweights, statsmodels
    GLM), and per-row leverage and residuals are those of one copy (R's glm would report the
    row as one group: leverage k times larger, residuals sqrt(k) times)."""
    weights = np.tile([1.0, 2.0, 3.0, 1.0], 8)
    weighted = logitfit.fit("GRADE ~ GPA + TUCE + PSI", spector, weights=weights)
    replicated = spector.loc[spector.index.repeat(weights.astype(int))]
    expanded = logitfit.fit("GRADE ~ GPA + TUCE + PSI", replicated.reset_index())
    assert_allclose(weighted.bic, expanded.bic, rtol=1e-12)
    assert weighted.n_obs == weights.sum() == expanded.n_obs
    ours = logitfit.influence(weighted)
    copies = logitfit.influence(expanded).set_index(replicated.index)
    first = copies[~copies.index.duplicated()]
    for column in ("leverage", "resid_pearson", "resid_deviance", "resid_pearson_std"):
        assert_allclose(ours[column].to_numpy(), first[column].to_numpy(), rtol=1e-9)
    assert "one copy" in weighted.summary()


@pytest.mark.usefixtures("one_newton_step")
def test_unconverged_calibration_refit_is_nan(spector: pd.DataFrame) -> None:
    result = logitfit.fit("GRADE ~ GPA + TUCE + PSI", spector)
    with pytest.warns(logitfit.UnverifiedWarning, match="calibration slope"):
        calibration = logitfit.calibration(result)
    assert np.isnan(calibration.slope)


@pytest.mark.usefixtures("one_newton_step")
def test_unconverged_flic_and_flac_refits_are_nan(endometrial: pd.DataFrame) -> None:
    fitted = logitfit.fit("HG ~ NV + PI + EH", endometrial, method="firth")
    with pytest.warns(logitfit.UnverifiedWarning, match="FLIC intercept"):
        flic = logitfit.firth_intercept_corrected(fitted, "flic")
    assert np.isnan(flic["Intercept"]) and flic["NV"] == fitted.coef["NV"]
    with pytest.warns(logitfit.UnverifiedWarning, match="FLAC estimates"):
        assert logitfit.firth_intercept_corrected(fitted, "flac").isna().all()
