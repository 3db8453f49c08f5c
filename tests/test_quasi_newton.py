"""The L-BFGS approach for wide designs only moves Newton's start: the fit is unchanged."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose

import logitfit
from logitfit.fitting import core
from logitfit.likelihood.logistic import evaluate
from logitfit.solvers import quasi_newton


def wide_data(n: int = 600, k: int = 12, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, k))
    y = (rng.random(n) < 1 / (1 + np.exp(-(X @ rng.normal(0, 0.6, size=k))))).astype(float)
    return X, y


@pytest.fixture
def small_thresholds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Send small designs down the wide path, and count its calls."""
    calls: list[int] = []
    original = quasi_newton.quasi_newton_start
    monkeypatch.setattr(core, "_WIDE_COLUMNS", 5)
    monkeypatch.setattr(core, "_WIDE_ROWS", 100)
    monkeypatch.setattr(core, "quasi_newton_start",
                        lambda *a: calls.append(1) or original(*a))  # fmt: skip
    return calls


def test_the_wide_path_reaches_the_same_fit(small_thresholds: list[int]) -> None:
    X, y = wide_data()
    result = logitfit.fit_arrays(X, y)
    assert small_thresholds == [1] and result.converged
    reference = sm.Logit(y, sm.add_constant(X)).fit(method="newton", tol=1e-14, disp=0)
    assert_allclose(result.coef, reference.params, rtol=1e-9)
    assert_allclose(result.std_errors, reference.bse, rtol=1e-9)
    assert result.n_iter <= 3  # Newton finishes from close by


def test_separation_is_still_found_on_the_wide_path(small_thresholds: list[int]) -> None:
    X, _ = wide_data(n=200, k=6)
    y = (X[:, 0] > 0).astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = logitfit.fit_arrays(X, y)
    assert small_thresholds == [1] and result.separation is not None


def test_a_start_that_does_not_improve_is_kept() -> None:
    X, y = wide_data()
    fitted = logitfit.fit_arrays(X, y, intercept=False)
    design, optimum = fitted.design, fitted.coef.to_numpy()

    def objective(coef: np.ndarray, with_hessian: bool) -> object:
        return evaluate(coef, design, with_hessian)

    # From the optimum there is nothing to gain: the start comes back as it was.
    again = quasi_newton.quasi_newton_start(objective, optimum, design.n_obs)  # type: ignore[arg-type]
    assert np.array_equal(again, optimum)
    # From zero it moves towards the optimum.
    moved = quasi_newton.quasi_newton_start(objective, np.zeros_like(optimum), design.n_obs)  # type: ignore[arg-type]
    assert np.linalg.norm(moved - optimum) < 0.1 * np.linalg.norm(optimum)
