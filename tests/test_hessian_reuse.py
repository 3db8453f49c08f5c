"""Newton's chord steps (a Hessian reused across passes) change the cost of a fit, not the fit."""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose

import logitfit
from logitfit.design.arrays import design_from_arrays
from logitfit.diagnostics import resampling
from logitfit.fitting import core
from logitfit.inference.profile import ml_refit
from logitfit.likelihood.logistic import evaluate
from logitfit.solvers import Evaluation, newton
from logitfit.solvers.hessian_reuse import HessianReuse, Progress, next_pass


def data(n: int = 20_000, k: int = 12, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, k))
    eta = -0.4 + X @ rng.normal(0, 0.5, size=k)
    return X, (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(float)


@pytest.fixture
def passes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, bool]]:
    """Let small fits reuse Hessians as if they were dear (a subsample start too); record passes."""
    record: list[tuple[int, bool]] = []

    def counted(coef, design, with_hessian=True, n_threads=None):  # type: ignore[no-untyped-def]
        record.append((design.n_rows, with_hessian))
        return evaluate(coef, design, with_hessian, n_threads)

    monkeypatch.setattr(core, "_REUSE_ENTRIES", 0)
    monkeypatch.setattr(core, "hessian_pass_cost", lambda n_params, compiled=False: 20.0)
    monkeypatch.setattr(core, "_SUBSAMPLE_ROWS", 500)
    monkeypatch.setattr(core, "evaluate", counted)
    return record


def test_a_fit_with_chord_steps_is_the_fit_statsmodels_finds(
    passes: list[tuple[int, bool]],
) -> None:
    X, y = data()
    result = logitfit.fit_arrays(X, y)
    full = [with_hessian for rows, with_hessian in passes if rows == X.shape[0]]
    assert result.converged and not all(full), full  # some full passes skipped the Hessian
    reference = sm.Logit(y, sm.add_constant(X))
    fitted = reference.fit(method="newton", tol=1e-14, disp=0)
    assert_allclose(result.coef, fitted.params, rtol=1e-10)
    assert_allclose(result.std_errors, fitted.bse, rtol=1e-10)
    # The Hessian behind the standard errors is the exact one at the final estimate.
    assert_allclose(result.hessian, -reference.hessian(result.coef.to_numpy()), rtol=1e-12)
    assert full[-1]


def test_separation_is_still_reported_with_chord_steps(passes: list[tuple[int, bool]]) -> None:
    X, _ = data(n=4_000, k=4)
    y = (X[:, 0] + 0.1 * X[:, 1] > 0).astype(float)
    with pytest.warns(logitfit.SeparationWarning, match="separat"):
        result = logitfit.fit_arrays(X, y)
    assert result.separation is not None


def objective_of(X: np.ndarray, y: np.ndarray):  # type: ignore[no-untyped-def]
    design = design_from_arrays(X, y)
    calls: list[bool] = []

    def objective(coef: np.ndarray, with_hessian: bool) -> Evaluation:
        calls.append(with_hessian)
        return evaluate(coef, design, with_hessian)

    return design, objective, calls


def test_a_chord_step_that_raises_the_deviance_gives_way_to_newton() -> None:
    X, y = data(n=3_000, k=5)
    design, objective, calls = objective_of(X, y)
    plain = newton(objective, np.zeros(design.n_params))
    # A Hessian far too small makes the chord step overshoot: the solver must notice the
    # deviance rising and take a Newton step from a fresh Hessian instead.
    bad = 1e-3 * plain.evaluation.hessian
    calls.clear()
    chord = newton(objective, np.zeros(design.n_params), reuse=HessianReuse(3.0, bad))
    assert chord.converged and calls[:2] == [False, False] and calls[2]
    assert_allclose(chord.coef, plain.coef, rtol=1e-12)
    assert_allclose(chord.evaluation.hessian, plain.evaluation.hessian, rtol=1e-10)
    assert np.all(np.diff(chord.history) <= 1e-12 * np.abs(chord.history[1:]))


def test_convergence_met_in_an_old_metric_is_confirmed_with_the_exact_hessian() -> None:
    X, y = data(n=3_000, k=5)
    design, objective, calls = objective_of(X, y)
    plain = newton(objective, np.zeros(design.n_params))
    # One standard error in 1e9 away, with the optimum's Hessian handed in: the first chord
    # step meets the tolerance in that Hessian's metric, earlier than planned.
    std_errors = np.sqrt(np.diag(np.linalg.inv(plain.evaluation.hessian)))
    start = plain.coef + 1e-9 * std_errors
    calls.clear()
    chord = newton(objective, start, reuse=HessianReuse(3.0, plain.evaluation.hessian))
    assert chord.converged and calls == [False, False, True]
    assert chord.evaluation.hessian is not None
    exact = evaluate(chord.coef, design, True).hessian
    assert np.array_equal(chord.evaluation.hessian, exact)
    assert_allclose(chord.coef, plain.coef, rtol=1e-12)


def test_a_bootstrap_refit_with_the_full_data_hessian_is_the_plain_refit() -> None:
    X, y = data(n=5_000, k=6)
    fitted = logitfit.fit_arrays(X, y)
    design, coef = fitted.design, fitted.coef.to_numpy()
    for rows in resampling.draws(design.n_rows, 5, 7, None):
        counts = np.bincount(rows, minlength=design.n_rows).astype(float)
        plain = ml_refit(dataclasses.replace(design, weights=counts), start=coef)
        kept, failures = resampling.bootstrap(
            design, coef, fitted.hessian, [rows], lambda refitted: refitted.coef
        )
        assert plain.ok and not failures
        assert_allclose(kept[0], plain.coef, rtol=1e-11)
        # and both are the maximum-likelihood fit to the resample's rows, as statsmodels has it
        again = sm.Logit(y[rows], sm.add_constant(X[rows])).fit(method="newton", disp=0, tol=1e-14)
        assert_allclose(kept[0], again.params, rtol=1e-9)


def test_bootstrap_refits_skip_hessian_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    X, y = data(n=20_000, k=10)
    fitted = logitfit.fit_arrays(X, y)
    kinds: list[bool] = []
    original = ml_refit

    def counted(design, start=None, n_threads=None, reuse=None):  # type: ignore[no-untyped-def]
        def watched(coef, d, with_hessian=True, threads=None):  # type: ignore[no-untyped-def]
            kinds.append(with_hessian)
            return evaluate(coef, d, with_hessian, threads)

        monkeypatch.setattr("logitfit.inference.profile.evaluate", watched)
        return original(design, start, n_threads, reuse)

    monkeypatch.setattr(resampling, "ml_refit", counted)
    rows = resampling.draws(fitted.design.n_rows, 1, 2, None)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        kept, _ = resampling.bootstrap(
            fitted.design, fitted.coef.to_numpy(), fitted.hessian, rows, lambda r: r.coef
        )
    assert len(kept) == 1 and kinds[0] is False and kinds.count(False) >= 2


def test_the_plan_forms_the_final_hessian_where_the_tolerance_should_be_met() -> None:
    reuse = HessianReuse(3.0)
    progress = Progress(quadratic=1e-3, factor_distance=1.0)
    assert next_pass(1e-12, progress, reuse, 1e-11) == "final"
    assert next_pass(1e-12, progress, dataclasses.replace(reuse, exact_final=False), 1e-11) == (
        "gradient"
    )
    assert next_pass(None, progress, reuse, 1e-11) == "hessian"  # nothing to predict from


def test_the_plan_weighs_chord_steps_against_a_fresh_hessian() -> None:
    progress = Progress(quadratic=1e-3, factor_distance=10.0)  # chord rate 2e-2
    # From 1e-3 a chord chain needs 5 gradient passes; a fresh Hessian reaches 1e-9 and then
    # one chord pass: cheap Hessians win, dear ones lose.
    assert next_pass(1e-3, progress, HessianReuse(1.0), 1e-11) == "hessian"
    assert next_pass(1e-3, progress, HessianReuse(50.0), 1e-11) == "gradient"
    useless = Progress(quadratic=1e-3, factor_distance=1e3)  # a rate of 2: no contraction
    assert next_pass(1e-3, useless, HessianReuse(50.0), 1e-11) == "hessian"
    handed_in = Progress(quadratic=None, factor_distance=None)  # a Hessian from outside
    assert next_pass(0.5, handed_in, HessianReuse(3.0), 1e-11) == "gradient"


def test_progress_learns_the_rates_from_the_steps_it_sees() -> None:
    progress = Progress()
    progress.new_factor(2.0)
    assert progress.rate() is None
    progress.record_step(2.0, 0.004, fresh=True)  # a Newton step: q = 1e-3
    assert progress.quadratic == pytest.approx(1e-3)
    assert progress.rate() == pytest.approx(4e-3)  # 2 q lambda_f
    assert progress.predict(0.004, fresh=False) == pytest.approx(1.6e-5)
    progress.record_step(0.004, 2e-6, fresh=False)  # an observed chord step replaces it
    assert progress.rate() == pytest.approx(5e-4)


def test_blas_runs_on_one_thread_while_a_threaded_fit_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    from threadpoolctl import threadpool_info

    from logitfit.backends import threads

    def blas_threads() -> list[int]:
        return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]

    seen: list[list[int]] = []
    original = core._run

    def watched(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(blas_threads())
        return original(*args, **kwargs)

    monkeypatch.setattr(core, "_run", watched)
    monkeypatch.setattr(threads, "_ENTRIES_PER_THREAD", 1_000)  # small data on 2 threads
    before = blas_threads()
    if max(before, default=1) == 1:
        pytest.skip("BLAS runs on one thread here already")
    X, y = data(n=3_000, k=5)
    logitfit.fit_arrays(X, y, n_threads=2)
    assert seen and all(count == 1 for count in seen[0]) and blas_threads() == before


def test_steering_passes_with_an_approximate_hessian_end_on_the_exact_one() -> None:
    X, y = data(n=3_000, k=5)
    design, objective, calls = objective_of(X, y)
    plain = newton(objective, np.zeros(design.n_params))
    rng = np.random.default_rng(4)
    steered: list[np.ndarray] = []

    def perturbed(coef: np.ndarray) -> Evaluation:
        # The exact deviance and gradient, a Hessian off by 1e-4 relative (float32 is 1e-6).
        exact = evaluate(coef, design, True)
        assert exact.hessian is not None
        noise = 1 + 1e-4 * rng.standard_normal(exact.hessian.shape)
        steered.append(coef)
        return dataclasses.replace(exact, hessian=exact.hessian * (noise + noise.T) / 2)

    calls.clear()
    reuse = HessianReuse(1.5, quadratic_guess=1e-2, approximate=perturbed)
    result = newton(objective, np.zeros(design.n_params), reuse=reuse)
    assert result.converged and steered  # some Hessian passes were the approximate ones
    assert_allclose(result.coef, plain.coef, rtol=1e-10)  # both within the tolerance
    # The returned Hessian is the exact one at the returned estimate, never a perturbed one.
    assert result.evaluation.hessian is not None
    assert np.array_equal(result.evaluation.hessian, evaluate(result.coef, design).hessian)


def test_an_approximate_hessian_that_is_not_positive_definite_is_formed_again_exactly() -> None:
    X, y = data(n=3_000, k=5)
    design, objective, calls = objective_of(X, y)
    plain = newton(objective, np.zeros(design.n_params))
    seen: list[int] = []

    def indefinite(coef: np.ndarray) -> Evaluation:
        exact = evaluate(coef, design, True)
        seen.append(1)
        return dataclasses.replace(exact, hessian=-np.eye(design.n_params))

    calls.clear()
    reuse = HessianReuse(1.5, quadratic_guess=1e-2, approximate=indefinite)
    result = newton(objective, np.zeros(design.n_params), reuse=reuse)
    assert result.converged and seen and calls.count(True) >= len(seen)
    assert_allclose(result.coef, plain.coef, rtol=1e-12)
    assert_allclose(result.evaluation.hessian, plain.evaluation.hessian, rtol=1e-10)
