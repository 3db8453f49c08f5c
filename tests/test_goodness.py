"""Hosmer-Lemeshow, le Cessie-van Houwelingen, calibration and Brier from their definitions."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose
from scipy import stats

import logitfit
from logitfit.diagnostics.goodness import Grouping
from tests.conftest import PENGUIN_FORMULA, synthetic

DATA = Path(__file__).resolve().parent / "data"
BIRTHWT_FORMULA = "low ~ age + lwt + C(race) + smoke + ptl + ht + ui"


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
    assert test.df == 8 and test.grouping == "stata"
    assert_allclose(test.statistic, statistic, rtol=1e-12)
    assert_allclose(test.p_value, stats.chi2.sf(statistic, 8), rtol=1e-12)
    assert (test.table["n"] == 100).all()
    assert_allclose(test.table["observed_events"].sum(), y.sum())
    assert_allclose(test.table["expected_events"].sum(), mu.sum(), rtol=1e-12)
    assert (test.table["prob_max"].to_numpy()[:-1] < test.table["prob_min"].to_numpy()[1:]).all()


@pytest.mark.parametrize("grouping", ["stata", "hoslem"])
def test_tied_probabilities_share_a_group(grouping: Grouping) -> None:
    rng = np.random.default_rng(2)
    x = rng.integers(0, 6, size=300).astype(float)
    y = (rng.random(300) < 1 / (1 + np.exp(-(x - 2.5) / 2))).astype(int)
    fitted = logitfit.fit_arrays(x, y)
    groups = logitfit.risk_groups(fitted, grouping=grouping)
    frame = pd.DataFrame({"x": x, "group": groups})
    assert (frame.groupby("x")["group"].nunique() == 1).all()
    test = logitfit.hosmer_lemeshow(fitted, grouping=grouping)
    assert test.df == len(test.table) - 2 and len(test.table) <= 6
    assert test.grouping == grouping


def test_le_cessie_van_houwelingen_by_weighted_least_squares(result: logitfit.LogitResult) -> None:
    mu = result.predict().to_numpy()
    y = result.design.successes
    variance = mu * (1 - mu)
    wls = sm.WLS(1 - 2 * mu, result.design.X, weights=variance).fit()
    std_error = np.sqrt(np.sum(variance * wls.resid**2))
    z = (np.sum((y - mu) ** 2) - variance.sum()) / std_error
    test = logitfit.le_cessie_van_houwelingen(result).to_frame().iloc[0]
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


# --- Grouping conventions, each implemented a second time from its reference's description ---


def consecutive(labels: np.ndarray) -> np.ndarray:
    return np.unique(labels, return_inverse=True)[1]


def stata_reference(mu: np.ndarray, mass: np.ndarray, groups: int) -> np.ndarray:
    """Stata's estat gof by a loop over the distinct values of positive mass (lfit.ado's rule).

    Cut c_j is the first distinct value whose cumulative proportion F reaches j / G, where F
    within 1e-8 of j / G counts as equal (Stata then averages it with the next value); group j
    is c_{j-1} < p <= c_j.
    """
    values = np.unique(mu[mass > 0])
    cumulative = np.array([mass[mu <= v].sum() for v in values]) / mass.sum()
    cuts = set()
    for j in range(1, groups):
        k = next(k for k, f in enumerate(cumulative) if f >= j / groups - 1e-8)
        exact = abs(cumulative[k] - j / groups) < 1e-8 and k + 1 < len(values)
        cuts.add((values[k] + values[k + 1]) / 2 if exact else values[k])
    return consecutive(np.array([sum(c < p for c in cuts) for p in mu]))


def hoslem_reference(mu: np.ndarray, groups: int) -> np.ndarray:
    """ResourceSelection::hoslem.test's groups: type-7 quantiles, unique, right-closed cut."""
    breaks = np.unique(np.quantile(mu, np.arange(groups + 1) / groups, method="linear"))
    codes = pd.cut(mu, breaks, right=True, include_lowest=True).codes
    assert (codes >= 0).all()
    return consecutive(codes)


def hl_statistic(membership: np.ndarray, events: np.ndarray, mass: np.ndarray, mu: np.ndarray):
    n = np.bincount(membership, mass)
    observed, expected = np.bincount(membership, events), np.bincount(membership, mass * mu)
    return np.sum((observed - expected) ** 2 / (expected * (1 - expected / n)))


def tied_data(n_rows: int, seed: int) -> pd.DataFrame:
    """A binary and a 3-level factor: six distinct fitted probabilities, heavy ties."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"b": rng.integers(0, 2, n_rows), "f": rng.choice(list("pqr"), n_rows)})
    rate = 0.15 + 0.3 * frame["b"] + 0.2 * (frame["f"] == "q") - 0.1 * (frame["f"] == "r")
    frame["y"] = (rng.random(n_rows) < rate).astype(int)
    frame["w"] = rng.integers(1, 5, n_rows)
    return frame


@pytest.fixture(scope="module")
def fits() -> dict[str, logitfit.LogitResult]:
    return {
        "continuous": logitfit.fit("y ~ x1 + x2 + x3", synthetic(1_000, 3, seed=41)),
        "odd n": logitfit.fit("y ~ x1 + x2", synthetic(157, 2, seed=7)),
        "binary + factor": logitfit.fit("y ~ b + C(f)", tied_data(400, seed=3)),
        "binary + factor + x": logitfit.fit(
            "y ~ b + C(f) + x1", tied_data(300, seed=5).assign(x1=np.arange(300) % 4)
        ),
    }


@pytest.mark.parametrize("name", ["continuous", "odd n", "binary + factor", "binary + factor + x"])
@pytest.mark.parametrize("groups", [3, 5, 10, 20])
def test_groups_match_both_references(
    fits: dict[str, logitfit.LogitResult], name: str, groups: int
) -> None:
    fitted = fits[name]
    mu, y = fitted.predict().to_numpy(), fitted.design.successes
    ones = np.ones_like(mu)
    for grouping, expected in [
        ("stata", stata_reference(mu, ones, groups)),
        ("hoslem", hoslem_reference(mu, groups)),
    ]:
        membership = logitfit.risk_groups(fitted, groups, grouping=grouping)
        np.testing.assert_array_equal(membership, expected)
        if expected.max() >= 2:
            test = logitfit.hosmer_lemeshow(fitted, groups, grouping=grouping)
            assert test.grouping == grouping and test.df == expected.max() - 1
            assert_allclose(test.statistic, hl_statistic(expected, y, ones, mu), rtol=1e-12)
            assert_allclose(test.p_value, stats.chi2.sf(test.statistic, test.df), rtol=1e-12)
            assert_allclose(test.table["n"], np.bincount(expected))


def test_heavy_ties_give_fewer_groups_than_asked(fits: dict[str, logitfit.LogitResult]) -> None:
    fitted = fits["binary + factor"]
    assert fitted.predict().nunique() == 6
    for grouping in ("stata", "hoslem"):
        test = logitfit.hosmer_lemeshow(fitted, 10, grouping=grouping)
        assert 3 <= len(test.table) <= 6 and test.df == len(test.table) - 2


@pytest.mark.parametrize(
    "formula, data",
    [
        ("y ~ x1 + x2", synthetic(300, 2, seed=12)),
        ("y ~ b + C(f)", tied_data(500, seed=8)),
    ],
)
def test_stata_frequency_weights_act_as_replicated_rows(formula: str, data: pd.DataFrame) -> None:
    plain = logitfit.fit(formula, data)
    doubled = logitfit.fit(formula, pd.concat([data, data], ignore_index=True))
    twos = logitfit.fit(formula, data.assign(two=2.0), weights="two")
    base = logitfit.hosmer_lemeshow(plain)
    for other in (doubled, twos):
        test = logitfit.hosmer_lemeshow(other)
        np.testing.assert_array_equal(
            logitfit.risk_groups(other)[: len(data)], logitfit.risk_groups(plain)
        )
        assert test.df == base.df
        assert_allclose(test.statistic, 2 * base.statistic, rtol=1e-9)
    # Unequal integer weights against the rows repeated, and against the reference loop.
    weights = np.random.default_rng(4).integers(1, 5, len(data)).astype(float)
    weighted = logitfit.fit(formula, data.assign(w=weights), weights="w")
    repeated = logitfit.fit(formula, data.loc[data.index.repeat(weights.astype(int))])
    mu = weighted.predict().to_numpy()
    membership = logitfit.risk_groups(weighted)
    np.testing.assert_array_equal(membership, stata_reference(mu, weights, 10))
    np.testing.assert_array_equal(
        np.repeat(membership, weights.astype(int)), logitfit.risk_groups(repeated)
    )
    events = weights * weighted.design.successes
    test = logitfit.hosmer_lemeshow(weighted)
    assert_allclose(test.statistic, hl_statistic(membership, events, weights, mu), rtol=1e-12)
    assert_allclose(test.statistic, logitfit.hosmer_lemeshow(repeated).statistic, rtol=1e-9)


def test_stata_fuzz_at_exact_quantiles() -> None:
    """F within 1e-8 of j / G counts as equal (lfit.ado's eps), beyond it does not."""
    x, y = np.arange(20.0), np.tile([0, 1], 10)
    for gap, sizes in [(4e-9, [5, 5, 5, 5]), (1e-5, [6, 5, 5, 4])]:
        weights = np.ones(20)
        weights[0] = 1 - gap  # F at the 5th, 10th, 15th values falls short of j / 4 by ~gap / 20
        fitted = logitfit.fit_arrays(x, y, weights=weights)
        membership = logitfit.risk_groups(fitted, 4)
        assert list(np.bincount(membership)) == sizes
        np.testing.assert_array_equal(
            membership, stata_reference(fitted.predict().to_numpy(), weights, 4)
        )
    # Equal non-integer weights: running sums of 0.1 miss j / G by rounding only, so the groups
    # are those of the unweighted data (the former rule, a 1e-12 tolerance above j / G only,
    # gave sizes 3,2,2,2,2,2,1,3,1,2 for 20 rows and G = 10).
    for n_rows in (20, 30, 40):
        x, y = np.arange(float(n_rows)), np.tile([0, 1], n_rows // 2)
        unweighted = logitfit.fit_arrays(x, y)
        tenths = logitfit.fit_arrays(x, y, weights=np.full(n_rows, 0.1))
        for groups in (3, 4, 5, 6, 10):
            np.testing.assert_array_equal(
                logitfit.risk_groups(tenths, groups), logitfit.risk_groups(unweighted, groups)
            )


def test_stata_zero_weight_rows_do_not_move_the_cuts() -> None:
    data = synthetic(200, 2, seed=21)
    weights = np.where(np.arange(200) % 7 == 0, 0.0, 1.0)
    with_zeros = logitfit.fit("y ~ x1 + x2", data.assign(w=weights), weights="w")
    without = logitfit.fit("y ~ x1 + x2", data[weights > 0])
    np.testing.assert_array_equal(
        logitfit.risk_groups(with_zeros)[weights > 0], logitfit.risk_groups(without)
    )
    assert_allclose(
        logitfit.hosmer_lemeshow(with_zeros).statistic,
        logitfit.hosmer_lemeshow(without).statistic,
        rtol=1e-9,
    )


def test_hoslem_refuses_weights_and_trials() -> None:
    weighted = logitfit.fit("y ~ b + C(f)", tied_data(200, seed=1), weights="w")
    grouped = logitfit.fit(
        "e ~ x",
        pd.DataFrame({"x": np.arange(8.0), "e": [0, 1, 1, 2, 2, 3, 3, 4], "n": [4] * 8}),
        trials="n",
    )
    for fitted in (weighted, grouped):
        for tool in (logitfit.risk_groups, logitfit.hosmer_lemeshow, logitfit.calibration):
            with pytest.raises(logitfit.DataError, match='use grouping="stata"'):
                tool(fitted, grouping="hoslem")
        logitfit.hosmer_lemeshow(fitted, 3)  # the Stata rule takes them


def test_unknown_grouping_is_refused(result: logitfit.LogitResult) -> None:
    for tool in (logitfit.risk_groups, logitfit.hosmer_lemeshow, logitfit.calibration):
        with pytest.raises(logitfit.DataError, match="'stata', 'hoslem'"):
            tool(result, grouping="deciles")  # type: ignore[arg-type]


def birthwt() -> pd.DataFrame:
    return pd.read_csv(DATA / "birthwt.csv")


def test_stata_manual_example() -> None:
    """Stata's manual: logistic low age lwt i.race smoke ptl ht ui; estat gof, group(10)."""
    data = birthwt()
    # Stata's lbw.dta has lwt = 106 where MASS::birthwt has 105 in this one row; with that single
    # change the fit reproduces Stata's coefficients to 7 digits and its log-likelihood -100.724.
    row = (data["bwt"] == 2450) & (data["age"] == 20) & (data["race"] == 3)
    assert row.sum() == 1 and (data.loc[row, "lwt"] == 105).all()
    data.loc[row, "lwt"] = 106
    fitted = logitfit.fit(BIRTHWT_FORMULA, data)
    assert round(fitted.loglik, 3) == -100.724
    test = logitfit.hosmer_lemeshow(fitted, 10)  # prints chi2(8) = 9.65, Prob > chi2 = 0.2904
    assert round(test.statistic, 2) == 9.65 and test.df == 8 and round(test.p_value, 4) == 0.2904
    assert list(test.table["observed_events"]) == [0, 2, 6, 1, 7, 7, 6, 7, 10, 13]
    assert list(test.table["n"]) == [19] * 9 + [18]


def test_birthwt_both_rules() -> None:
    fitted = logitfit.fit(BIRTHWT_FORMULA, birthwt())  # MASS::birthwt unmodified
    stata = logitfit.hosmer_lemeshow(fitted, 10)
    # A colleague's independent script: 9.652476 (df 8, p 0.290269) and 10.398336 (p 0.238173).
    assert round(stata.statistic, 6) == 9.652476 and stata.df == 8
    assert round(stata.p_value, 6) == 0.290269
    hoslem = logitfit.hosmer_lemeshow(fitted, 10, grouping="hoslem")
    assert round(hoslem.statistic, 6) == 10.398336 and hoslem.df == 8
    assert round(hoslem.p_value, 6) == 0.238173
    assert list(hoslem.table["n"]) == [19] * 5 + [18] + [19] * 4
    assert list(hoslem.table["observed_events"]) == [0, 2, 6, 1, 7, 7, 5, 7, 10, 14]
    # hoslem.test (0.3-6) transcribed in base R, on glm(low ~ age + lwt + factor(race) + smoke +
    # ptl + ht + ui, binomial) (R 4.2.2): hoslem.test(fit$y, fitted(fit), g). glm stops on a
    # relative deviance change below 1e-8, so its fitted values are off the maximum by ~1e-9:
    # hence rtol 1e-7. Refitted with glm.control(epsilon = 1e-15, maxit = 100), the same code
    # gives the `tight` values, at the maximum, as ours.
    r_values = {
        10: (10.3983355923, 10.398335600804741, 8, 0.238173104),
        5: (3.2033971743, 3.2033971712050171, 3, 0.3613158369),
        20: (18.5036460352, 18.503646054228167, 18, 0.4229668024),
    }
    for groups, (glm_default, tight, df, p_value) in r_values.items():
        test = logitfit.hosmer_lemeshow(fitted, groups, grouping="hoslem")
        assert test.df == df
        assert_allclose(test.statistic, glm_default, rtol=1e-7)
        assert_allclose(test.statistic, tight, rtol=1e-11)
        assert_allclose(test.p_value, p_value, rtol=1e-7)


@pytest.mark.parametrize("grouping", ["stata", "hoslem"])
def test_calibration_uses_the_same_groups(grouping: Grouping) -> None:
    fitted = logitfit.fit(BIRTHWT_FORMULA, birthwt())
    table = logitfit.calibration(fitted, 10, grouping=grouping).table
    test = logitfit.hosmer_lemeshow(fitted, 10, grouping=grouping)
    assert_allclose(table["n"], test.table["n"])
    assert_allclose(table["observed_rate"] * table["n"], test.table["observed_events"])
    assert_allclose(table["mean_predicted"] * table["n"], test.table["expected_events"])
    membership = logitfit.risk_groups(fitted, 10, grouping=grouping)
    assert_allclose(table["n"], np.bincount(membership))
