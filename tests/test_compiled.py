"""The compiled row passes (numba) give statsmodels' deviance, score and Hessian, and fits.

The kernels run only on large binary designs; here the entry threshold, the block size and the
thread threshold are lowered so that small data takes every path: C- and F-ordered designs,
several blocks with a shorter last one, two threads, weights and an offset.
"""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose

import logitfit
from logitfit._linalg import smallest_scaled_eigenvalue
from logitfit.backends import threads
from logitfit.design.arrays import design_from_arrays
from logitfit.fitting import core, steering
from logitfit.likelihood import compiled
from logitfit.likelihood import logistic as model
from logitfit.likelihood.logistic import evaluate

pytest.importorskip("numba")


@pytest.fixture
def kernels_on_small_data(monkeypatch: pytest.MonkeyPatch) -> None:
    """Compiled passes from 0 entries on, blocks of 37 rows of 5 columns, two threads."""
    monkeypatch.delenv(compiled.ENVIRONMENT_SWITCH, raising=False)
    monkeypatch.setattr(compiled, "_COMPILED_ENTRIES", 0)
    monkeypatch.setattr(model, "BLOCK_BYTES", 37 * 5 * 8)
    monkeypatch.setattr(threads, "_ENTRIES_PER_THREAD", 500)


def problem(n: int = 1_001, seed: int = 5) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = np.column_stack([np.ones(n), rng.normal(size=(n, 4))])
    eta = X @ np.array([-0.3, 0.8, -0.5, 0.2, 1.1])
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(float)
    weights = rng.integers(1, 4, size=n).astype(float)
    offset = rng.normal(scale=0.4, size=n)
    return X, y, weights, offset


@pytest.mark.usefixtures("kernels_on_small_data")
@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("with_weights_and_offset", [False, True])
def test_a_compiled_pass_gives_statsmodels_deviance_score_and_hessian(
    order: str, with_weights_and_offset: bool
) -> None:
    X, y, weights, offset = problem()
    if not with_weights_and_offset:
        weights, offset = np.ones_like(y), np.zeros_like(y)
    design = design_from_arrays(
        X,
        y,
        intercept=False,
        weights=weights if with_weights_and_offset else None,
        offset=offset if with_weights_and_offset else None,
    )
    if order == "F":  # as a formula or a DataFrame's plain columns build it
        design = dataclasses.replace(design, X=np.asfortranarray(design.X))
    assert compiled.uses_compiled(design)
    assert design.X.flags.c_contiguous == (order == "C")
    assert len(threads.row_chunks(design.n_rows, design.n_params)) == 2
    coef = np.array([0.1, 0.7, -0.4, 0.3, 0.9])
    reference = sm.GLM(y, X, family=sm.families.Binomial(), offset=offset, freq_weights=weights)
    for with_hessian in (True, False):
        passed = evaluate(coef, design, with_hessian=with_hessian)
        # Binary rows have a saturated log-likelihood of 0, so D = -2 l.
        assert_allclose(passed.deviance, -2 * reference.loglike(coef), rtol=1e-13)
        assert_allclose(passed.gradient, -reference.score(coef), rtol=1e-12)
        eta = X @ coef + offset
        assert passed.largest_abs_eta == pytest.approx(np.max(np.abs(eta)), rel=1e-14)
        if with_hessian:
            assert_allclose(passed.hessian, -reference.hessian(coef), rtol=1e-12)
        else:
            assert passed.hessian is None


@pytest.mark.usefixtures("kernels_on_small_data")
def test_fits_on_compiled_passes_equal_statsmodels_from_arrays_and_formulas() -> None:
    X, y, weights, offset = problem(n=3_000, seed=8)
    reference = sm.Logit(y, X).fit(method="newton", tol=1e-14, disp=0)
    from_arrays = logitfit.fit_arrays(X[:, 1:], y)  # C-ordered, the intercept added
    data = pd.DataFrame(X[:, 1:], columns=["a", "b", "c", "d"]).assign(y=y)
    from_formula = logitfit.fit("y ~ a + b + c + d", data)  # an F-ordered design
    assert not from_formula.design.X.flags.c_contiguous
    for result in (from_arrays, from_formula):
        assert result.converged
        assert_allclose(result.coef, reference.params, rtol=1e-10)
        assert_allclose(result.std_errors, reference.bse, rtol=1e-10)
        assert_allclose(result.loglik, reference.llf, rtol=1e-12)


@pytest.mark.usefixtures("kernels_on_small_data")
@pytest.mark.parametrize("compiled_entries", [0, 10**9])
@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # numpy warns of the overflow; numba does not
def test_a_non_finite_coefficient_gives_a_nan_deviance_and_largest_eta(
    monkeypatch: pytest.MonkeyPatch, compiled_entries: int
) -> None:
    monkeypatch.setattr(compiled, "_COMPILED_ENTRIES", compiled_entries)  # numba, then numpy
    X, y, _, _ = problem()
    design = design_from_arrays(X, y, intercept=False)
    passed = evaluate(np.array([0.1, np.nan, 0.0, 0.0, 0.0]), design)
    assert np.isnan(passed.deviance) and np.isnan(passed.largest_abs_eta)
    X[700, 1] = 1e308  # one overflowing row, in the second thread's chunk
    overflowing = design_from_arrays(X, y, intercept=False)
    passed = evaluate(np.array([0.1, 10.0, 0.0, 0.0, 0.0]), overflowing)
    assert passed.largest_abs_eta == np.inf


@pytest.mark.usefixtures("kernels_on_small_data")
def test_events_trials_and_the_switch_keep_numpy_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    X, y, _, _ = problem()
    trials = np.full_like(y, 3.0)
    assert not compiled.uses_compiled(design_from_arrays(X, y * 2, trials=trials))
    binary = design_from_arrays(X, y, intercept=False)
    assert compiled.uses_compiled(binary)
    monkeypatch.setenv(compiled.ENVIRONMENT_SWITCH, "0")
    assert not compiled.uses_compiled(binary)
    monkeypatch.setenv(compiled.ENVIRONMENT_SWITCH, "false")  # not a value it knows: refused
    with pytest.raises(logitfit.DataError, match="LOGITFIT_COMPILED must be 0 .* it is 'false'"):
        logitfit.fit_arrays(X[:, 1:], y)
    monkeypatch.delenv(compiled.ENVIRONMENT_SWITCH)
    monkeypatch.setattr(compiled, "_COMPILED_ENTRIES", binary.X.size + 1)
    assert not compiled.uses_compiled(binary)


def test_a_kernel_that_does_not_compile_warns_and_leaves_numpy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from logitfit.likelihood import _compiled_kernels

    def broken() -> None:
        raise RuntimeError("no LLVM here")

    monkeypatch.setattr(_compiled_kernels, "warm_up", broken)
    compiled._kernels.cache_clear()
    try:
        with pytest.warns(RuntimeWarning, match="did not compile .no LLVM here.; row passes use"):
            assert compiled._kernels() is None
    finally:
        monkeypatch.undo()
        compiled._kernels.cache_clear()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert compiled.load_kernels()


@pytest.mark.usefixtures("kernels_on_small_data")
@pytest.mark.parametrize("order", ["C", "F"])
def test_an_approximate_hessian_is_float32_close_and_the_rest_exact(order: str) -> None:
    X, y, _, _ = problem()
    design = design_from_arrays(X, y, intercept=False)
    if order == "F":
        design = dataclasses.replace(design, X=np.asfortranarray(design.X))
    coef = np.array([0.1, 0.7, -0.4, 0.3, 0.9])
    reference = sm.Logit(y, X)
    approximate = evaluate(coef, design, approximate_hessian=True)
    exact_hessian = -reference.hessian(coef)
    assert approximate.hessian is not None
    gap = np.abs(approximate.hessian - exact_hessian) / np.sqrt(
        np.outer(np.diag(exact_hessian), np.diag(exact_hessian))
    )
    assert 1e-12 < gap.max() < 1e-5  # float32 products: close, and not float64's
    assert_allclose(approximate.gradient, -reference.score(coef), rtol=1e-12)
    assert_allclose(approximate.deviance, -2 * reference.loglike(coef), rtol=1e-13)


@pytest.fixture
def passes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, bool, bool]]:
    """Small fits planned as large ones (reuse, a subsample start); record each pass's kind."""
    record: list[tuple[int, bool, bool]] = []

    def watched(coef, design, with_hessian=True, n_threads=None, approximate_hessian=False):  # type: ignore[no-untyped-def]
        record.append((design.n_rows, with_hessian, approximate_hessian))
        return evaluate(coef, design, with_hessian, n_threads, approximate_hessian)

    monkeypatch.setattr(core, "_REUSE_ENTRIES", 0)
    monkeypatch.setattr(core, "_SUBSAMPLE_ROWS", 300)
    monkeypatch.setattr(core, "evaluate", watched)
    monkeypatch.setattr(steering, "evaluate", watched)
    return record


@pytest.mark.usefixtures("kernels_on_small_data")
def test_a_large_fit_steers_with_approximate_hessians_and_reports_the_exact_one(
    passes: list[tuple[int, bool, bool]],
) -> None:
    X, y, _, _ = problem(n=20_000, seed=11)
    result = logitfit.fit_arrays(X[:, 1:], y)
    full = [(hessian, approximate) for rows, hessian, approximate in passes if rows == 20_000]
    # The first pass (the rank check's) and a steering pass are approximate; the last exact.
    assert full[0] == (True, True) and full[-1] == (True, False), full
    reference = sm.Logit(y, X)
    fitted = reference.fit(method="newton", tol=1e-14, disp=0)
    assert_allclose(result.coef, fitted.params, rtol=1e-10)
    assert_allclose(result.std_errors, fitted.bse, rtol=1e-10)
    assert_allclose(result.hessian, -reference.hessian(result.coef.to_numpy()), rtol=1e-12)


@pytest.mark.usefixtures("kernels_on_small_data")
def test_a_rank_deficient_large_design_is_still_reported_by_name(
    passes: list[tuple[int, bool, bool]],
) -> None:
    X, y, _, _ = problem(n=20_000, seed=11)
    X = np.column_stack([X[:, 1:], X[:, 1] - 2 * X[:, 2]])
    with pytest.raises(logitfit.RankDeficiencyError, match="x5.*linear combination"):
        logitfit.fit_arrays(X, y)
    assert not any(approximate for _, _, approximate in passes)


@pytest.mark.usefixtures("kernels_on_small_data")
def test_a_nearly_collinear_large_design_starts_from_the_exact_hessian(
    passes: list[tuple[int, bool, bool]], monkeypatch: pytest.MonkeyPatch
) -> None:
    # With the real blocks of 52,428 rows of 5 columns the error bound is 1.6e-2, above this
    # design's smallest scaled eigenvalue (1.2e-3): neither the first pass nor the steering ones
    # (condition about 1.6e3) may be approximate.
    monkeypatch.setattr(model, "BLOCK_BYTES", 2**21)
    X, y, _, _ = problem(n=20_000, seed=11)
    X[:, 2] = X[:, 1] + 0.05 * X[:, 2]  # full rank, condition about 1.6e3
    result = logitfit.fit_arrays(X[:, 1:], y)
    assert not any(approximate for _, _, approximate in passes)
    fitted = sm.Logit(y, X).fit(method="newton", tol=1e-14, disp=0)
    assert_allclose(result.coef, fitted.params, rtol=1e-9)
    assert_allclose(result.std_errors, fitted.bse, rtol=1e-9)


@pytest.mark.usefixtures("kernels_on_small_data")
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_error_bound_of_an_approximate_hessian_holds(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 4_000
    X = rng.normal(size=(n, 5)) * np.array([1.0, 1e3, 1e-3, 10.0, 1.0]) + rng.normal(size=5) * 3
    y = (rng.random(n) < 0.3).astype(float)
    design = design_from_arrays(X, y, intercept=False)
    coef = rng.normal(scale=0.1, size=5) / np.abs(X).mean(axis=0)
    exact, approximate = evaluate(coef, design), evaluate(coef, design, approximate_hessian=True)
    assert exact.hessian is not None and approximate.hessian is not None
    root = np.sqrt(np.diag(exact.hessian))
    error = (approximate.hessian - exact.hessian) / np.outer(root, root)
    measured = np.linalg.norm(error, 2)
    assert 0 < measured <= steering.approximate_hessian_error(5)
    assert smallest_scaled_eigenvalue(exact.hessian) == pytest.approx(
        np.linalg.eigvalsh(exact.hessian / np.outer(root, root))[0], rel=1e-10
    )


@pytest.mark.usefixtures("kernels_on_small_data")
def test_an_ill_conditioned_fit_steers_with_exact_hessians(monkeypatch: pytest.MonkeyPatch) -> None:
    X, y, _, _ = problem(n=5_000)
    X[:, 2] = X[:, 1] + 1e-2 * X[:, 2]  # correlation 0.99995: condition about 4e4
    design = design_from_arrays(X, y, intercept=False)
    first = evaluate(np.zeros(5), design)
    assert steering.steering_passes(design, first, None) is None
    well = design_from_arrays(problem(n=5_000)[0], y, intercept=False)
    assert steering.steering_passes(well, evaluate(np.zeros(5), well), None) is not None
    monkeypatch.setattr(compiled, "_COMPILED_ENTRIES", 10**9)  # numpy passes: never
    assert steering.steering_passes(well, evaluate(np.zeros(5), well), None) is None
