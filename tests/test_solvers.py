"""Newton and gradient descent: same optimum, recorded history, honest convergence flags."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import logitfit
from tests.conftest import synthetic


@pytest.fixture(scope="module")
def standardised() -> pd.DataFrame:
    return synthetic(2_000, 4, seed=11, scale=0.6)


def test_gradient_descent_reaches_newton_estimates(standardised: pd.DataFrame) -> None:
    formula = "y ~ x1 + x2 + x3 + x4"
    newton = logitfit.fit(formula, standardised)
    descent = logitfit.fit(formula, standardised, method="gradient_descent")
    assert newton.converged and descent.converged
    assert descent.solver.method == "gradient_descent"
    assert descent.n_iter > newton.n_iter
    # Gradient descent stops at a mean-gradient of 1e-10: the estimates agree to about 1e-9.
    assert_allclose(descent.coef, newton.coef, rtol=1e-7)
    assert_allclose(descent.std_errors, newton.std_errors, rtol=1e-7)
    assert_allclose(descent.loglik, newton.loglik, rtol=1e-12)


def test_gradient_descent_history_decreases_with_backtracking(standardised: pd.DataFrame) -> None:
    descent = logitfit.fit("y ~ x1 + x2", standardised, method="gradient_descent")
    history = np.array(descent.solver.history)
    assert history.shape == (descent.n_iter + 1,)
    assert np.all(np.diff(history) <= 1e-9 * history[:-1])
    assert_allclose(history[-1], descent.deviance, rtol=1e-15)


def test_gradient_descent_with_a_fixed_step(standardised: pd.DataFrame) -> None:
    fixed = logitfit.fit("y ~ x1 + x2", standardised, method="gradient_descent", learning_rate=2.0)
    newton = logitfit.fit("y ~ x1 + x2", standardised)
    assert fixed.converged
    assert_allclose(fixed.coef, newton.coef, rtol=1e-7)


def test_gradient_descent_reports_divergence(standardised: pd.DataFrame) -> None:
    with pytest.warns(logitfit.ConvergenceWarning, match="learning_rate=5000.0 is too large"):
        result = logitfit.fit(
            "y ~ x1 + x2", standardised, method="gradient_descent", learning_rate=5000.0
        )
    assert not result.converged


def test_newton_converges_quadratically_and_records_its_state(spector: pd.DataFrame) -> None:
    result = logitfit.fit("GRADE ~ GPA + TUCE + PSI", spector)
    assert result.converged and result.n_iter <= 8
    assert len(result.solver.history) == result.n_iter + 1
    assert result.gradient_norm < 1e-10
    assert "converged" in result.solver.message
    # The gradient recorded is the score at the reported estimate (recomputed here).
    mu = 1 / (1 + np.exp(-(result.design.X @ result.coef.to_numpy())))
    score = result.design.X.T @ (result.design.successes - mu)
    assert_allclose(result.gradient_norm, np.max(np.abs(score)), atol=1e-12)


def test_iteration_limit_gives_a_warning_and_a_flag(spector: pd.DataFrame) -> None:
    with pytest.warns(logitfit.ConvergenceWarning, match="did not converge.*max_iter=2"):
        result = logitfit.fit("GRADE ~ GPA + TUCE + PSI", spector, max_iter=2)
    assert not result.converged and result.n_iter == 2
    assert "NOT converged" in result.summary()


def test_unknown_method_is_rejected(spector: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="method must be"):
        logitfit.fit("GRADE ~ GPA", spector, method="lbfgs")  # type: ignore[arg-type]
