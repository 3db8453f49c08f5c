"""Internal validation by the optimism bootstrap, against rms::validate and brute force."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy.special import expit

import logitfit
from logitfit.diagnostics import performance_indices, resampling
from logitfit.diagnostics import validation as validation_module
from tests.conftest import DATA, PENGUIN_FORMULA
from tests.r_validate import (
    RMS_CALIBRATE_ERRORS,
    RMS_CALIBRATE_PENGUINS,
    RMS_VALIDATE_632_PENGUINS,
    RMS_VALIDATE_PENGUINS,
)

HERE = DATA.parent / "tests" / "data"
COLUMNS = ["index_orig", "training", "test", "optimism", "index_corrected"]


@pytest.fixture(scope="module")
def penguin_fit(penguins: pd.DataFrame) -> logitfit.LogitResult:
    return logitfit.fit(PENGUIN_FORMULA, penguins, missing="drop")


def r_draws() -> list[np.ndarray]:
    return list(pd.read_csv(HERE / "penguins_validate_draws.csv").to_numpy().T)


def test_the_same_draws_give_rms_validate_numbers(penguin_fit: logitfit.LogitResult) -> None:
    result = logitfit.validate(penguin_fit, indices=r_draws())
    expected = pd.DataFrame(RMS_VALIDATE_PENGUINS, index=COLUMNS).T
    # R's bootstrap refits stop at lrm.fit's default tolerance (logitfit's converge to ~1e-13,
    # checked against plain Newton below), so the averages agree to about 1e-6 relative.
    assert_allclose(result.table[COLUMNS], expected.loc[result.table.index], rtol=2e-6, atol=1e-8)
    # The apparent indices need only the original fit, whose coefficients R's lrm leaves about
    # 1e-8 from the optimum: Dxy, R2, D, U and Q agree to 1e-10, B, g and gp to 1e-7.
    assert_allclose(result.table["index_orig"], expected["index_orig"], rtol=1e-7, atol=1e-12)
    tight = ["Dxy", "R2", "D", "U", "Q"]
    assert_allclose(result.table.loc[tight, "index_orig"], expected.loc[tight, "index_orig"],
                    rtol=1e-10)  # fmt: skip
    assert (result.table["n"] == 20).all() and result.n_failed == 0 and result.n_resamples == 20


def brute_indices(eta: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """Dxy, R2, Brier, g and gp by their definitions, with O(n^2) pair sums (no ranks, no sort)."""
    events, others = eta[y == 1], eta[y == 0]
    differences = events[:, None] - others[None, :]
    concordance = (np.sum(differences > 0) + 0.5 * np.sum(differences == 0)) / differences.size
    n = y.size
    rate = y.mean()
    null = -2 * n * (rate * np.log(rate) + (1 - rate) * np.log(1 - rate))
    mu = expit(eta)
    deviance = -2 * np.sum(y * np.log(mu) + (1 - y) * np.log(1 - mu))
    lr = null - deviance
    gini = np.abs(eta[:, None] - eta[None, :]).sum() / (n * (n - 1))
    gini_p = np.abs(mu[:, None] - mu[None, :]).sum() / (n * (n - 1))
    return {
        "Dxy": 2 * concordance - 1,
        "R2": (1 - np.exp(-lr / n)) / (1 - np.exp(-null / n)),
        "B": float(np.mean((y - mu) ** 2)),
        "g": gini,
        "gp": gini_p,
    }


def numpy_newton(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Plain Newton-Raphson for the logit MLE, from zero, run to machine precision."""
    beta = np.zeros(X.shape[1])
    for _ in range(100):
        mu = expit(X @ beta)
        step = np.linalg.solve(X.T @ (X * (mu * (1 - mu))[:, None]), X.T @ (y - mu))
        beta += step
        if np.max(np.abs(step)) < 1e-13 * max(1.0, np.max(np.abs(beta))):
            break
    return beta


def test_training_and_test_indices_match_an_independent_implementation() -> None:
    rng = np.random.default_rng(8)
    X = np.column_stack([np.ones(150), rng.normal(size=(150, 3))])
    y = (rng.random(150) < expit(X @ np.array([-0.3, 1.0, -0.7, 0.4]))).astype(float)
    fitted = logitfit.fit_arrays(X[:, 1:], y)
    draws = [rng.integers(0, 150, size=150) for _ in range(6)]
    result = logitfit.validate(fitted, indices=draws)
    training, test, slopes = [], [], []
    for rows in draws:
        beta = numpy_newton(X[rows], y[rows])
        training.append(brute_indices(X[rows] @ beta, y[rows]))
        eta = X @ beta
        intercept, slope = numpy_newton(np.column_stack([np.ones(150), eta]), y)
        recalibrated = brute_indices(intercept + slope * eta, y)
        # On the original rows (as rms): Dxy and R2 of the recalibrated predictions, the Brier
        # score of the raw ones, and g of slope x eta.
        test.append({**recalibrated, "B": brute_indices(eta, y)["B"],
                     "g": brute_indices(slope * eta, y)["g"]})  # fmt: skip
        slopes.append(slope)
    for name in ("Dxy", "R2", "B", "g", "gp"):
        assert_allclose(result.table.loc[name, "training"], np.mean([t[name] for t in training]),
                        rtol=1e-7)  # fmt: skip
        assert_allclose(result.table.loc[name, "test"], np.mean([t[name] for t in test]),
                        rtol=1e-7)  # fmt: skip
    assert_allclose(result.table.loc["Slope", "test"], np.mean(slopes), rtol=1e-7)
    optimism = result.table["training"] - result.table["test"]
    assert_allclose(result.table["optimism"].drop("Emax"), optimism.drop("Emax"), rtol=1e-12)


def test_same_seed_same_numbers_whatever_the_threads(
    penguin_fit: logitfit.LogitResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = logitfit.validate(penguin_fit, n_boot=30, seed=5)
    monkeypatch.setattr(resampling, "available_cores", lambda: 1)
    again = logitfit.validate(penguin_fit, n_boot=30, seed=5)
    pd.testing.assert_frame_equal(first.table, again.table)
    other = logitfit.validate(penguin_fit, n_boot=30, seed=6)
    assert not np.allclose(first.table["optimism"], other.table["optimism"])


def test_corrected_indices_scatter_across_seeds_as_a_bootstrap_should() -> None:
    rng = np.random.default_rng(3)
    X = rng.normal(size=(400, 5))
    y = (rng.random(400) < expit(X @ np.array([0.8, -0.5, 0.3, 0.0, 0.2]))).astype(float)
    fitted = logitfit.fit_arrays(X, y)
    corrected = np.array(
        [logitfit.validate(fitted, n_boot=60, seed=s).table["index_corrected"] for s in range(6)]
    )
    dxy, slope = corrected[:, 0], corrected[:, 3]
    apparent = logitfit.validate(fitted, n_boot=2, seed=0).table["index_orig"]
    # Optimism is positive: corrected Dxy below the apparent, corrected slope below 1; the
    # Monte Carlo spread of a 60-resample mean is small but not zero.
    assert np.all(dxy < apparent["Dxy"]) and np.all(slope < 1)
    assert 1e-5 < dxy.std() < 0.01 and 1e-4 < slope.std() < 0.05


def test_failed_refits_are_counted_and_left_out() -> None:
    # 24 rows and a strong predictor: many resamples are separated.
    x = np.linspace(-3, 3, 24)
    y = (x + np.tile([0.9, -0.9, 0.0], 8) > 0).astype(float)
    fitted = logitfit.fit_arrays(x, y)
    result = logitfit.validate(fitted, n_boot=40, seed=1)
    assert result.n_failed > 0 and result.n_resamples == 40
    assert (result.table["n"] == 40 - result.n_failed).all()
    assert all("separated" in why or "one outcome" in why for why in result.failures)
    assert f"n_failed: {result.n_failed}" in result.summary()


def test_bad_requests_are_refused(penguin_fit: logitfit.LogitResult, spector: pd.DataFrame) -> None:
    with pytest.raises(logitfit.DataError, match="outside 0 .. 332"):
        logitfit.validate(penguin_fit, indices=[np.array([0, 333])])
    with pytest.raises(logitfit.DataError, match="n_boot must be a positive"):
        logitfit.validate(penguin_fit, n_boot=0)
    with pytest.raises(logitfit.DataError, match="Firth"):
        logitfit.validate(logitfit.fit("GRADE ~ GPA", spector, method="firth"))
    weighted = logitfit.fit("GRADE ~ GPA", spector, weights=np.full(32, 2.0))
    with pytest.raises(logitfit.DataError, match="without weights or offset"):
        logitfit.validate(weighted)


def test_calibration_curve_matches_rms_calibrate_on_the_same_draws(
    penguin_fit: logitfit.LogitResult,
) -> None:
    curve = logitfit.calibrate(penguin_fit, indices=r_draws())
    table = curve.table
    assert_allclose(table["predicted"], RMS_CALIBRATE_PENGUINS["predy"], rtol=1e-9, atol=1e-10)
    # The lowess smooths are the same algorithm; the refits differ by R's lrm tolerance.
    assert_allclose(table["apparent"], RMS_CALIBRATE_PENGUINS["calibrated.orig"], atol=1e-7)
    assert_allclose(table["corrected"], RMS_CALIBRATE_PENGUINS["calibrated.corrected"], atol=1e-7)
    errors = (curve.mean_absolute_error, curve.mean_squared_error, curve.quantile_90)
    assert_allclose(errors, RMS_CALIBRATE_ERRORS, rtol=1e-6)
    # At the grid's ends some resamples have no prediction that far out: fewer refits count.
    assert curve.n_failed == 0 and (table["n"] <= 20).all() and (table["n"][1:-1] == 20).all()
    assert curve.emax >= curve.quantile_90 >= 0 and 0 < curve.ici < 0.05


def test_calibration_curve_of_a_well_specified_model_is_near_the_diagonal() -> None:
    rng = np.random.default_rng(12)
    X = rng.normal(size=(3000, 2))
    y = (rng.random(3000) < expit(X @ np.array([1.0, -0.5]))).astype(float)
    curve = logitfit.calibrate(logitfit.fit_arrays(X, y), n_boot=20, seed=1)
    # With 3,000 rows and 3 coefficients the optimism is small and the curve hugs the diagonal.
    assert curve.mean_absolute_error < 0.03 and curve.ici < 0.03
    assert np.nanmax(np.abs(curve.table["optimism"])) < 0.02


def test_the_632_estimator_matches_rms_on_the_same_draws(
    penguin_fit: logitfit.LogitResult,
) -> None:
    result = logitfit.validate(penguin_fit, indices=r_draws(), method=".632")
    expected = pd.DataFrame(RMS_VALIDATE_632_PENGUINS, index=COLUMNS).T
    # The test indices come from recalibration refits on the ~120 rows each resample left out,
    # where R's lrm.fit tolerance shows more: agreement to 1e-5 relative (5e-7 absolute).
    assert_allclose(result.table[COLUMNS], expected.loc[result.table.index], rtol=1e-5, atol=5e-7)
    assert result.method == ".632"


def test_cross_validation_tests_each_fold_on_rows_it_did_not_fit() -> None:
    training, test = validation_module._folds(103, 10, 2, seed=4)
    assert len(test) == 20
    for repeat in (test[:10], test[10:]):
        assert np.array_equal(np.sort(np.concatenate(repeat)), np.arange(103))  # a partition
    for train_rows, test_rows in zip(training, test, strict=True):
        assert not np.intersect1d(train_rows, test_rows).size
        assert train_rows.size + test_rows.size == 103
    rng = np.random.default_rng(2)
    X = rng.normal(size=(400, 4))
    y = (rng.random(400) < expit(X @ np.array([0.9, -0.6, 0.3, 0.0]))).astype(float)
    fitted = logitfit.fit_arrays(X, y)
    result = logitfit.validate(fitted, method="crossvalidation", folds=5, repeats=3, seed=1)
    table = result.table
    assert result.n_resamples == 15 and result.n_failed == 0
    # Held-out folds are new data: Dxy drops, the slope falls below 1.
    assert table.loc["Dxy", "test"] < table.loc["Dxy", "index_orig"] < table.loc["Dxy", "training"]
    assert 0.7 < table.loc["Slope", "index_corrected"] < 1.0
    with pytest.raises(logitfit.DataError, match="cross-validation draws its own folds"):
        logitfit.validate(fitted, method="crossvalidation", indices=r_draws())
    with pytest.raises(logitfit.DataError, match="folds must be"):
        logitfit.validate(fitted, method="crossvalidation", folds=1)


def test_cross_validation_matches_an_independent_implementation() -> None:
    rng = np.random.default_rng(21)
    X = np.column_stack([np.ones(120), rng.normal(size=(120, 2))])
    y = (rng.random(120) < expit(X @ np.array([0.2, 1.1, -0.8]))).astype(float)
    fitted = logitfit.fit_arrays(X[:, 1:], y)
    result = logitfit.validate(fitted, method="crossvalidation", folds=4, repeats=2, seed=9)
    training, test = validation_module._folds(120, 4, 2, seed=9)
    train_dxy, test_dxy = [], []
    for train_rows, test_rows in zip(training, test, strict=True):
        beta = numpy_newton(X[train_rows], y[train_rows])
        train_dxy.append(brute_indices(X[train_rows] @ beta, y[train_rows])["Dxy"])
        test_dxy.append(brute_indices(X[test_rows] @ beta, y[test_rows])["Dxy"])
    assert_allclose(result.table.loc["Dxy", "training"], np.mean(train_dxy), rtol=1e-9)
    assert_allclose(result.table.loc["Dxy", "test"], np.mean(test_dxy), rtol=1e-9)
    with pytest.raises(logitfit.DataError, match="repeats must be a positive"):
        logitfit.validate(fitted, method="crossvalidation", repeats=0)
    with pytest.raises(logitfit.DataError, match="method must be"):
        logitfit.validate(fitted, method="jackknife")  # type: ignore[arg-type]


def test_calibration_curve_needs_more_than_ten_rows() -> None:
    fitted = logitfit.fit_arrays(np.arange(10.0), np.tile([0.0, 1.0, 1.0, 0.0, 1.0], 2))
    with pytest.raises(logitfit.DataError, match="more than 10 rows"):
        logitfit.calibrate(fitted, n_boot=5)


def test_632_plus_weights_by_the_relative_overfitting_rate() -> None:
    # Efron & Tibshirani (1997), eq. 32: (1 - w) a + w t with w = .632 / (1 - .368 R) and
    # R = (t - a) / (gamma - a), for t between the apparent a and the no-information gamma;
    # a loss (gamma above a) and a measure of quality (gamma below a) alike.
    apparent = np.array([0.20, 0.90, 0.20, 0.90, 0.20])
    test = np.array([0.30, 0.60, 0.60, 0.10, 0.15])
    gamma = np.array([0.50, 0.00, 0.50, 0.30, 0.50])
    estimate = performance_indices.point632_plus(apparent, test, gamma)
    for k in (0, 1):
        rate = (test[k] - apparent[k]) / (gamma[k] - apparent[k])
        weight = 0.632 / (1 - 0.368 * rate)
        assert_allclose(estimate[k], (1 - weight) * apparent[k] + weight * test[k], rtol=1e-14)
    # Beyond gamma, R = 1 and t' = gamma: .632 t + .368 gamma.
    assert_allclose(estimate[2], 0.632 * 0.60 + 0.368 * 0.50, rtol=1e-14)
    assert_allclose(estimate[3], 0.632 * 0.10 + 0.368 * 0.30, rtol=1e-14)
    # No overfitting (t on the far side of a from gamma): R = 0, the .632 estimate.
    assert_allclose(estimate[4], 0.368 * 0.20 + 0.632 * 0.15, rtol=1e-14)
    assert np.isnan(performance_indices.point632_plus(apparent[:1], test[:1], np.full(1, np.nan)))


def test_no_information_brier_score_pairs_every_outcome_with_every_prediction() -> None:
    rng = np.random.default_rng(5)
    y = (rng.random(40) < 0.3).astype(float)
    predicted = rng.random(40)
    pairs = np.mean((y[:, None] - predicted[None, :]) ** 2)
    values = performance_indices.no_information(y, predicted)
    gamma = dict(zip(performance_indices.INDICES, values, strict=True))
    assert_allclose(gamma["B"], pairs, rtol=1e-13)
    assert gamma["Dxy"] == gamma["R2"] == gamma["Slope"] == 0.0
    assert np.isnan([gamma[name] for name in ("Intercept", "Emax", "U", "Q")]).all()


def test_632_plus_corrects_more_than_632_when_a_model_fits_noise() -> None:
    # Fifteen predictors unrelated to the outcome: the truth is Dxy 0 and a Brier score of about
    # 0.25. The .632 estimator stays optimistic there; .632+ moves towards no information.
    rng = np.random.default_rng(3)
    X = rng.normal(size=(100, 15))
    y = (rng.random(100) < 0.5).astype(float)
    fitted = logitfit.fit_arrays(X, y)
    plain = logitfit.validate(fitted, n_boot=100, seed=1, method=".632").table
    with pytest.warns(logitfit.UnverifiedWarning, match="no no-information value"):
        plus = logitfit.validate(fitted, n_boot=100, seed=1, method=".632+")
    table = plus.table
    same = table.index != "Emax"  # Emax comes from the corrected line, undefined for .632+
    assert_allclose(table.loc[same, "test"], plain.loc[same, "test"], rtol=1e-12)
    assert 0 < table.loc["Dxy", "index_corrected"] < plain.loc["Dxy", "index_corrected"] - 0.02
    assert table.loc["B", "index_corrected"] > plain.loc["B", "index_corrected"] + 0.01
    assert table.loc[["Intercept", "Emax", "U", "Q"], "index_corrected"].isna().all()
    assert "undefined" in plus.summary()


def test_test_indices_of_negative_recalibration_slopes_match_brute_force() -> None:
    # Pure noise, tested on held-out folds: some refits predict backwards (slope < 0), where
    # Dxy changes sign and gp reads the recalibrated predictions in reverse order.
    rng = np.random.default_rng(12)
    X = np.column_stack([np.ones(90), rng.normal(size=(90, 4))])
    y = (rng.random(90) < 0.5).astype(float)
    fitted = logitfit.fit_arrays(X[:, 1:], y)
    result = logitfit.validate(fitted, method="crossvalidation", folds=3, repeats=2, seed=2)
    training, test = validation_module._folds(90, 3, 2, seed=2)
    measured, slopes = [], []
    for train_rows, test_rows in zip(training, test, strict=True):
        eta = X[test_rows] @ numpy_newton(X[train_rows], y[train_rows])
        intercept, slope = numpy_newton(np.column_stack([np.ones(eta.size), eta]), y[test_rows])
        recalibrated = brute_indices(intercept + slope * eta, y[test_rows])
        measured.append({**recalibrated, "g": brute_indices(slope * eta, y[test_rows])["g"]})
        slopes.append(slope)
    assert min(slopes) < 0 < max(slopes)
    for name in ("Dxy", "R2", "g", "gp"):
        assert_allclose(result.table.loc[name, "test"], np.mean([m[name] for m in measured]),
                        rtol=1e-8)  # fmt: skip
    assert_allclose(result.table.loc["Slope", "test"], np.mean(slopes), rtol=1e-8)
