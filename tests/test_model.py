"""The likelihood, its derivatives and its numerical stability, against exact calculations."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy.special import gammaln

from logitfit import design_from_arrays
from logitfit.likelihood import logistic as model
from logitfit.likelihood.logistic import (
    BLOCK_BYTES,
    evaluate,
    loglik,
    mean_cost,
    row_blocks,
    weighted_gram,
)


def small_design(seed: int = 0, n_rows: int = 40, trials: bool = False):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_rows, 3))
    if trials:
        m = rng.integers(1, 10, size=n_rows).astype(float)
        y = rng.binomial(m.astype(int), 0.4).astype(float)
        return design_from_arrays(X, y, trials=m, weights=rng.integers(1, 4, size=n_rows))
    y = (rng.random(n_rows) < 0.4).astype(float)
    return design_from_arrays(X, y, offset=rng.normal(scale=0.1, size=n_rows))


def test_loglik_matches_the_textbook_formula_by_hand() -> None:
    design = small_design(trials=True)
    coef = np.array([0.2, -0.5, 0.3, 0.1])
    eta = design.X @ coef + design.offset
    mu = 1 / (1 + np.exp(-eta))
    y, m, w = design.successes, design.trials, design.weights
    log_choose = gammaln(m + 1) - gammaln(y + 1) - gammaln(m - y + 1)
    expected = np.sum(w * (y * np.log(mu) + (m - y) * np.log(1 - mu) + log_choose))
    assert_allclose(loglik(coef, design), expected, rtol=1e-13)
    # Deviance by its own definition, 2 sum w [y log(y / m mu) + (m - y) log((m - y) / m(1 - mu))].
    with np.errstate(divide="ignore", invalid="ignore"):
        first = np.where(y > 0, y * np.log(y / (m * mu)), 0.0)
        second = np.where(m > y, (m - y) * np.log((m - y) / (m * (1 - mu))), 0.0)
    assert_allclose(evaluate(coef, design).deviance, 2 * np.sum(w * (first + second)), rtol=1e-12)


def test_mean_cost_is_the_seed_cost_for_binary_data() -> None:
    design = small_design()
    coef = np.array([0.1, 0.2, -0.3, 0.4])
    mu = 1 / (1 + np.exp(-(design.X @ coef + design.offset)))
    y = design.successes
    seed_cost = -np.mean(y * np.log(mu) + (1 - y) * np.log(1 - mu))
    assert_allclose(mean_cost(coef, design), seed_cost, rtol=1e-13)


@pytest.mark.parametrize("trials", [False, True])
def test_gradient_and_hessian_match_finite_differences(trials: bool) -> None:
    design = small_design(seed=3, trials=trials)
    coef = np.array([0.3, -0.2, 0.5, -0.1])
    at = evaluate(coef, design)
    step = 1e-6
    numeric_gradient = np.empty(4)
    numeric_hessian = np.empty((4, 4))
    for j in range(4):
        shift = np.zeros(4)
        shift[j] = step
        up, down = evaluate(coef + shift, design), evaluate(coef - shift, design)
        # Half the deviance is the negative log-likelihood up to a constant.
        numeric_gradient[j] = (up.deviance - down.deviance) / (4 * step)
        numeric_hessian[:, j] = (up.gradient - down.gradient) / (2 * step)
    assert_allclose(at.gradient, numeric_gradient, rtol=1e-7, atol=1e-7)
    assert_allclose(at.hessian, numeric_hessian, rtol=1e-7, atol=1e-7)
    # The seed's gradient, X^T (mu - y) / n, for the mean cost (binary, unit weights).
    if not trials:
        mu = 1 / (1 + np.exp(-(design.X @ coef + design.offset)))
        seed_gradient = design.X.T @ (mu - design.successes) / design.n_rows
        assert_allclose(at.gradient / design.n_trials, seed_gradient, rtol=1e-12)


@pytest.mark.parametrize("eta", [700.0, -700.0, 1e4, -1e4, 1e300, -1e300])
def test_extreme_linear_predictor_is_finite_without_warnings(eta: float) -> None:
    design = design_from_arrays(np.array([[1.0], [1.0]]), np.array([1.0, 0.0]), intercept=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = evaluate(np.array([eta]), design)
    # One row is fitted perfectly (contributes 0), the other contributes |eta| to -loglik.
    assert_allclose(result.deviance, 2 * abs(eta), rtol=1e-14)
    assert np.all(np.isfinite(result.gradient)) and np.all(np.isfinite(result.hessian))
    assert_allclose(np.abs(result.gradient), [1.0], rtol=1e-14)


def test_row_blocks_cover_all_rows_once() -> None:
    slices = list(row_blocks(1_000_003, 50))
    assert slices[0].start == 0 and slices[-1].stop == 1_000_003
    assert all(a.stop == b.start for a, b in zip(slices, slices[1:], strict=False))
    assert (slices[0].stop - slices[0].start) * 50 * 8 <= BLOCK_BYTES


@settings(max_examples=30, deadline=None)
@given(n_rows=st.integers(5, 3000), seed=st.integers(0, 10_000))
def test_blocked_sums_equal_whole_matrix_sums(n_rows: int, seed: int) -> None:
    """With blocks of 16 rows, the accumulated sums equal the one-shot matrix products."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_rows, 4))
    w = rng.random(n_rows)
    y = (rng.random(n_rows) < 0.5).astype(float)
    y[:2] = [0.0, 1.0]
    design = design_from_arrays(X, y, intercept=False)
    coef = rng.normal(size=4)
    whole = evaluate(coef, design)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(model, "BLOCK_BYTES", 16 * 4 * 8)
        assert len(list(row_blocks(n_rows, 4))) == -(-n_rows // 16)
        blocked = evaluate(coef, design)
        assert_allclose(weighted_gram(X, w), X.T @ (w[:, None] * X), rtol=1e-10, atol=1e-10)
    assert_allclose(blocked.gradient, whole.gradient, rtol=1e-10, atol=1e-10)
    assert_allclose(blocked.hessian, whole.hessian, rtol=1e-10, atol=1e-10)
    assert_allclose(blocked.deviance, whole.deviance, rtol=1e-12)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(-1e308, 1e308, allow_nan=False), min_size=1, max_size=50))
def test_fast_log_expit_equals_scipy(values: list[float]) -> None:
    from scipy.special import expit, log_expit

    from logitfit.likelihood.logistic import log_expit_and_expit

    eta = np.array(values + [0.0, -745.0, 745.0, -40.0, 40.0, 1e-300, -1e-300])
    log_mu, mu = log_expit_and_expit(eta)
    assert_allclose(log_mu, log_expit(eta), rtol=1e-15, atol=1e-300)
    assert_allclose(mu, expit(eta), rtol=1e-15, atol=1e-300)


@pytest.mark.parametrize("n_rows", [40, 300_000])
def test_evaluation_records_the_largest_linear_predictor(n_rows: int) -> None:
    # 300,000 rows are summed in threaded chunks: the maximum is taken over all of them.
    design = small_design(seed=3, n_rows=n_rows)
    coef = np.array([0.2, -1.5, 0.7, 0.4])
    expected = np.max(np.abs(design.X @ coef + design.offset))
    assert evaluate(coef, design).largest_abs_eta == expected
    assert evaluate(coef, design, with_hessian=False).largest_abs_eta == expected
