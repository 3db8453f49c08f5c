"""What a reviewer reads (SAS's and Stata's tables, HL&S's tests), against R and brute force.

The R values are in ``tests/r_reviewer.py`` with the R calls and versions that produced them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose

import logitfit
from logitfit.design.splines import harrell_knots, restricted_cubic_basis
from tests import r_reviewer as R
from tests.conftest import PENGUIN_FORMULA

SPECTOR_FORMULA = "GRADE ~ GPA + TUCE + PSI"
MODELS = {
    "penguins": (PENGUIN_FORMULA, "PENGUINS"),
    "spector": (SPECTOR_FORMULA, "SPECTOR"),
}


@pytest.fixture(scope="module", params=list(MODELS))
def model(request: pytest.FixtureRequest) -> tuple[logitfit.LogitResult, str]:
    from tests.conftest import DATA

    formula, prefix = MODELS[request.param]
    data = pd.read_csv(DATA / f"{request.param}.csv")
    return logitfit.fit(formula, data, missing="drop"), prefix


def reference(prefix: str, what: str) -> dict:
    return getattr(R, f"{prefix}_{what}")


def test_fit_statistics_match_r(model: tuple[logitfit.LogitResult, str]) -> None:
    result, prefix = model
    table = logitfit.fit_statistics(result).table
    expected = reference(prefix, "FIT_STATISTICS")
    for column, r_column in (("null", "intercept_only"), ("full", "full")):
        got = table[column].to_numpy()
        want = [expected[r_column][key] for key in ("-2logL", "AIC", "BIC")]
        assert_allclose(got, want, rtol=1e-10)


def test_global_null_tests_match_r(model: tuple[logitfit.LogitResult, str]) -> None:
    result, prefix = model
    table = logitfit.global_tests(result).table
    expected = reference(prefix, "GLOBAL_TESTS")
    for row, key in (("Likelihood ratio", "lr"), ("Score", "score"), ("Wald", "wald")):
        # The penguins are nearly separated: the Wald statistic reads a covariance with a
        # condition number near 1e12, and agrees with R's to 5e-9.
        assert_allclose(table.loc[row, "chi2"], expected[key]["chi2"], rtol=1e-8)
        assert table.loc[row, "df"] == expected[key]["df"]
        # A tail probability of 1e-11 moves 30 times as much as its statistic, relatively.
        assert_allclose(table.loc[row, "p_value"], expected[key]["p"], rtol=1e-6)


def test_score_test_with_an_offset_matches_statsmodels() -> None:
    # With an offset the null model is refitted; statsmodels' score test of the extra columns
    # at the offset-and-intercept fit is the reference.
    rng = np.random.default_rng(4)
    n = 400
    X = rng.normal(size=(n, 3))
    offset = rng.normal(scale=0.5, size=n)
    y = (rng.random(n) < 1 / (1 + np.exp(-(0.3 + X @ [0.4, -0.2, 0.1] + offset)))).astype(float)
    result = logitfit.fit_arrays(X, y, offset=offset)
    null = sm.GLM(y, np.ones((n, 1)), family=sm.families.Binomial(), offset=offset).fit(tol=1e-14)
    score = null.score_test(exog_extra=X)
    table = logitfit.global_tests(result).table
    assert_allclose(table.loc["Score", "chi2"], float(score.statistic[0]), rtol=1e-8)
    assert table.loc["Score", "df"] == score.k_constraint == 3


def test_odds_ratios_match_r_wald_and_profile(model: tuple[logitfit.LogitResult, str]) -> None:
    result, prefix = model
    table = logitfit.odds_ratios(result).table
    expected = list(reference(prefix, "ODDS_RATIOS").values())[1:]  # without the intercept
    assert_allclose(table["odds_ratio"], [e["or"] for e in expected], rtol=1e-9)
    for column in ("wald_low", "wald_high"):
        assert_allclose(table[column], [e[column] for e in expected], rtol=1e-8)
    # R's confint interpolates its profile with a spline (MASS's profile.glm steps), so it
    # agrees with the exact, verified roots only to about 5e-4 (the exact bounds are checked
    # against their definition in test_inference.py).
    for column in ("profile_low", "profile_high"):
        assert_allclose(table[column], [e[column] for e in expected], rtol=1e-3)


def test_odds_ratios_per_interquartile_range_match_rms_summary(
    penguins: pd.DataFrame,
) -> None:
    result = logitfit.fit(PENGUIN_FORMULA, penguins, missing="drop")
    table = logitfit.odds_ratios(result, units="iqr").table
    for name, expected in R.PENGUINS_RMS_SUMMARY.items():
        if name.startswith("species"):
            level = name.split(" - ")[1].split(":")[0]
            row = table.loc[f"C(species)[T.{level}]"]
            assert row["comparison"] == f"{level} vs Adelie"
        else:
            row = table.loc[name]
            assert_allclose(row["change"], expected["diff"], rtol=1e-12)
            assert f"{expected['high']:.4g} vs {expected['low']:.4g}" in row["comparison"]
        assert_allclose(row["odds_ratio"], expected["or"], rtol=1e-8)
        assert_allclose([row["wald_low"], row["wald_high"]], [expected["or_low"],
                        expected["or_high"]], rtol=1e-8)  # fmt: skip


def test_odds_ratios_per_stated_change_and_refusals(penguins: pd.DataFrame) -> None:
    result = logitfit.fit(PENGUIN_FORMULA, penguins, missing="drop")
    per_unit = logitfit.odds_ratios(result).table
    per_100 = logitfit.odds_ratios(result, units={"body_mass_g": 100.0}).table
    assert_allclose(per_100.loc["body_mass_g", "odds_ratio"],
                    per_unit.loc["body_mass_g", "odds_ratio"] ** 100, rtol=1e-10)  # fmt: skip
    # A decrease turns the interval around (its low bound is the increase's high one, inverted).
    down = logitfit.odds_ratios(result, units={"body_mass_g": -100.0}).table.loc["body_mass_g"]
    assert_allclose(down["wald_low"], 1 / per_100.loc["body_mass_g", "wald_high"], rtol=1e-10)
    with pytest.raises(logitfit.DataError, match="not continuous predictors"):
        logitfit.odds_ratios(result, units={"species": 1.0})
    with pytest.raises(logitfit.DataError, match="finite non-zero"):
        logitfit.odds_ratios(result, units={"body_mass_g": 0.0})
    with pytest.raises(logitfit.DataError, match="units must be"):
        logitfit.odds_ratios(result, units="sd")  # type: ignore[arg-type]
    interacting = logitfit.fit("sex ~ bill_length_mm * body_mass_g", penguins, missing="drop")
    record = logitfit.odds_ratios(interacting, units="iqr")
    assert (record.table["comparison"] == "per unit").all()
    assert "bill_length_mm:body_mass_g" in record.note


def brute_association(mu: np.ndarray, y: np.ndarray, weights: np.ndarray) -> dict[str, float]:
    events, others = y == 1, y == 0
    difference = mu[events][:, None] - mu[others][None, :]
    pair_weights = weights[events][:, None] * weights[others][None, :]
    return {
        "concordant": float(np.sum(pair_weights * (difference > 0))),
        "discordant": float(np.sum(pair_weights * (difference < 0))),
        "tied": float(np.sum(pair_weights * (difference == 0))),
    }


def test_association_matches_r_brute_force(model: tuple[logitfit.LogitResult, str]) -> None:
    result, prefix = model
    record = logitfit.association(result)
    expected = reference(prefix, "ASSOCIATION")
    for name in ("pairs", "concordant", "discordant", "tied"):
        assert getattr(record, name) == expected[name]
    for name in ("somers_d", "gamma", "tau_a", "c"):
        assert_allclose(getattr(record, name), expected[name], rtol=1e-12)
    assert_allclose(record.somers_d, 2 * (logitfit.auc(result).auc - 0.5), rtol=1e-12)


def test_association_counts_trials_and_weights_as_observations() -> None:
    # Events/trials rows with frequency weights against the same observations one per row.
    x = np.arange(6.0)
    trials = np.array([3, 4, 2, 5, 3, 4])
    events = np.array([0, 1, 1, 3, 2, 4])
    weights = np.array([1, 2, 1, 1, 3, 1])
    grouped = logitfit.fit_arrays(x[:, None], events, trials=trials, weights=weights)
    mu = grouped.predict().to_numpy()
    rows = np.repeat(np.arange(6), trials * weights)
    y = np.concatenate(
        [np.tile(np.r_[np.ones(e), np.zeros(t - e)], w)
         for e, t, w in zip(events, trials, weights, strict=True)]
    )  # fmt: skip
    expanded = brute_association(mu[rows], y, np.ones(y.size))
    record = logitfit.association(grouped)
    for name, value in expanded.items():
        assert getattr(record, name) == value
    n = float(np.sum(trials * weights))
    assert record.n_obs == n
    assert_allclose(record.tau_a, (expanded["concordant"] - expanded["discordant"])
                    / (n * (n - 1) / 2), rtol=1e-14)  # fmt: skip


def test_stukel_test_matches_r(model: tuple[logitfit.LogitResult, str]) -> None:
    result, prefix = model
    record = logitfit.stukel_test(result)
    expected = reference(prefix, "STUKEL")
    assert record.added == ("z1", "z2")
    assert_allclose(record.table.loc["Likelihood ratio", "chi2"], expected["lr"]["chi2"],
                    rtol=1e-7)  # fmt: skip
    assert_allclose(record.table.loc["Score", "chi2"], expected["score"]["chi2"], rtol=1e-8)
    assert_allclose(record.augmented_coef, [expected["coef_z1"], expected["coef_z2"]],
                    rtol=1e-6)  # fmt: skip


def test_osius_rojek_matches_r(model: tuple[logitfit.LogitResult, str]) -> None:
    result, prefix = model
    record = logitfit.osius_rojek(result)
    expected = reference(prefix, "OSIUS_ROJEK")
    assert record.n_patterns == expected["J"]
    assert_allclose(record.pearson_chi2, expected["X2"], rtol=1e-9)
    assert_allclose(record.variance, expected["A"] + expected["RSS"], rtol=1e-7)
    assert_allclose([record.z, record.p_value], [expected["z"], expected["p"]], rtol=1e-6)


def test_linearity_tests_match_rms(penguins: pd.DataFrame) -> None:
    result = logitfit.fit(PENGUIN_FORMULA, penguins, missing="drop")
    record = logitfit.linearity_tests(result)
    assert list(record.table.index) == list(R.PENGUINS_RCS_LINEARITY)
    for name, expected in R.PENGUINS_RCS_LINEARITY.items():
        x = result.design.X[:, result.design.names.index(name)]
        assert_allclose(harrell_knots(x), expected["knots"], rtol=1e-14)
        assert_allclose(record.table.loc[name, "lr_stat"], expected["lr_chi2"], rtol=1e-7)
        assert_allclose(record.table.loc[name, "p_value"], expected["p"], rtol=1e-7)
        curve = record.curves[name]
        assert curve["spline"].notna().all() and len(curve) == 101


def test_restricted_cubic_basis_is_linear_beyond_the_outer_knots() -> None:
    knots = np.array([1.0, 2.0, 4.0, 7.0])
    x = np.linspace(7.0, 20.0, 50)
    basis = restricted_cubic_basis(x, knots)
    second = np.diff(basis, n=2, axis=0)
    assert_allclose(second, 0.0, atol=1e-9)
    assert_allclose(restricted_cubic_basis(np.array([0.5, 1.0]), knots), 0.0)
    with pytest.raises(logitfit.DataError, match="distinct values"):
        harrell_knots(np.array([1.0, 2.0, 3.0, 1.0, 2.0, 3.0, 4.0, 5.0]))


def test_model_information_profiles_the_response(penguins: pd.DataFrame) -> None:
    result = logitfit.fit(PENGUIN_FORMULA, penguins, missing="drop")
    info = logitfit.model_information(result)
    used = penguins.dropna(subset=["sex", "bill_length_mm", "bill_depth_mm",
                                   "flipper_length_mm", "body_mass_g"])  # fmt: skip
    counts = used["sex"].value_counts()
    assert list(info.table["outcome"]) == ["male", "female"]
    assert list(info.table["count"]) == [counts["male"], counts["female"]]
    assert info.table["modelled"].tolist() == [True, False]
    dropped = len(penguins) - len(used)
    assert (info.rows_read, info.rows_used, info.rows_dropped) == (
        len(penguins),
        len(used),
        dropped,
    )
    assert set(info.dropped_labels) == set(penguins.index.difference(used.index))
    assert info.converged and info.outcome_kind == "binary" and info.weights == "none"
    weighted = logitfit.fit_arrays(np.arange(6.0)[:, None], np.array([0, 1, 1, 3, 2, 4]),
                                   trials=np.array([3, 4, 2, 5, 3, 4]),
                                   weights=np.array([1, 2, 1, 1, 3, 1]))  # fmt: skip
    grouped = logitfit.model_information(weighted)
    assert grouped.outcome_kind == "events/trials" and "total 9" in grouped.weights
    assert grouped.table["count"].sum() == 3 + 8 + 2 + 5 + 9 + 4


def test_influential_rows_match_statsmodels_influence(penguins: pd.DataFrame) -> None:
    result = logitfit.fit(PENGUIN_FORMULA, penguins, missing="drop")
    record = logitfit.influential_rows(result, top=4)
    design = result.design
    glm = sm.GLM(design.successes, design.X, family=sm.families.Binomial()).fit(tol=1e-13)
    reference = glm.get_influence()
    hat = reference.hat_matrix_diag
    by_label = pd.DataFrame(
        {
            "delta_chi2": reference.resid_studentized**2,
            "delta_deviance": glm.resid_deviance**2 / (1 - hat),
            "delta_beta": reference.cooks_distance[0] * design.n_params,
            "leverage": hat,
        },
        index=design.row_labels,
    )
    table = record.table
    for name in ("delta_chi2", "delta_deviance", "delta_beta", "leverage"):
        assert_allclose(table[name], by_label.loc[table.index, name], rtol=1e-8)
        # Each measure's four largest rows are all named.
        assert set(by_label[name].nlargest(4).index) <= set(table.index)
    assert record.flagged_counts["delta_chi2"] == int(np.sum(by_label["delta_chi2"] > 3.841459))
    assert table.index[0] == 114 and "delta_chi2" in table.loc[114, "flagged"]
    assert_allclose(record.leverage_flag, 3 * 7 / 333)


def _noise_fit(n: int, k: int, seed: int, signal: float = 0.0) -> logitfit.LogitResult:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, k))
    y = (rng.random(n) < 1 / (1 + np.exp(-signal * X[:, 0]))).astype(float)
    return logitfit.fit_arrays(X, y)


def test_reading_flags_what_it_should_and_only_that() -> None:
    clean = logitfit.reading(_noise_fit(2000, 3, seed=1, signal=1.0)).table
    assert not clean.loc[["events per parameter", "separation", "collinearity"], "flagged"].any()
    assert (clean.loc[~clean["flagged"], "next_step"] == "").all()
    few = logitfit.reading(_noise_fit(60, 8, seed=2)).table
    assert few.loc["events per parameter", "flagged"]
    assert "Peduzzi" in few.loc["events per parameter", "finding"]
    # A curved effect: the spline test and the reading both see it.
    rng = np.random.default_rng(3)
    x = rng.uniform(-3, 3, size=1500)
    y = (rng.random(1500) < 1 / (1 + np.exp(-(x**2 - 3)))).astype(float)
    curved = logitfit.fit("y ~ x + z", pd.DataFrame({"x": x, "z": rng.normal(size=1500), "y": y}))
    table = logitfit.reading(curved, linearity=logitfit.linearity_tests(curved)).table
    assert table.loc["linearity", "flagged"] and "x (p = " in table.loc["linearity", "finding"]
    # Nearly collinear predictors.
    z = rng.normal(size=1500)
    collinear = logitfit.fit_arrays(np.column_stack([z, z + 0.05 * rng.normal(size=1500)]), y)
    assert logitfit.reading(collinear).table.loc["collinearity", "flagged"]


def test_reading_names_separation_and_the_remedy() -> None:
    x = np.arange(10.0)
    y = (x > 4.5).astype(float)
    with pytest.warns(logitfit.SeparationWarning):
        separated = logitfit.fit_arrays(x[:, None], y)
    table = logitfit.reading(separated).table
    assert table.loc["separation", "flagged"]
    assert "Firth" in table.loc["separation", "next_step"]
