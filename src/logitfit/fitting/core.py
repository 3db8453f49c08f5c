"""Fit a validated design: run a solver, check the outcome, make the result.

The entry points that build the design from user input are in :mod:`logitfit.fitting.entry`.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from logitfit._linalg import cholesky_lower
from logitfit.backends.threads import blas_beside_passes
from logitfit.design import checks as check
from logitfit.design.core import (
    Design,
)
from logitfit.diagnostics.separation import Separation, detect_separation
from logitfit.diagnostics.separation_certificate import certify_no_separation
from logitfit.exceptions import (
    ConvergenceError,
    ConvergenceWarning,
    SeparationWarning,
)
from logitfit.fitting.null_model import null_deviance
from logitfit.fitting.options import FitOptions
from logitfit.fitting.steering import first_pass, steering_passes
from logitfit.inference.covariance import model_covariance
from logitfit.likelihood.compiled import uses_compiled
from logitfit.likelihood.firth import firth_solver
from logitfit.likelihood.logistic import evaluate, starting_point
from logitfit.likelihood.methods import likelihood_of
from logitfit.results.result import LogitResult
from logitfit.solvers import Evaluation, Objective, SolverResult, run_solver
from logitfit.solvers.hessian_reuse import HessianReuse, hessian_pass_cost
from logitfit.solvers.quasi_newton import quasi_newton_start

if TYPE_CHECKING:
    from logitfit.design.source import RowSource

__all__ = [
    "fit_checked",
    "fit_design",
    "largest_eta",
    "make_result",
    "sample_estimate",
]

Method = Literal["newton", "gradient_descent", "firth"]

# Fitted probabilities this close to 0 or 1 (|eta| > 15, mu < 3.1e-7) are a symptom of
# separation (R warns "fitted probabilities numerically 0 or 1 occurred"); only then, or when the
# solver fails, is the exact linear-programming check run, so ordinary fits do not pay for it.
_SUSPICIOUS_ETA = 15.0


# Warm start for large problems: fit a systematic subsample of at least this many rows (and 50
# per coefficient) first, when the data hold twenty times as many. Newton then needs three or
# four full passes from that start instead of five to eight from zero (measured at 1e6 x 10/50;
# at 1e5 x 50 and 1e5 x 200 the subsample cost more than it saved); the final iterations and the
# covariance always use every row. Beyond 1e6 rows the subsample is 1% of them: its start is
# then equally close in standard errors of the full fit (measured at 4e6 x 50: a 40,000-row
# subsample saved a Hessian pass, 3.19-3.55 s -> 3.05-3.09 s).
_SUBSAMPLE_ROWS = 10_000
_SUBSAMPLE_FRACTION = 0.01

# Without a subsample start, a design this wide and this long first approaches the optimum
# by L-BFGS (gradient passes only): see logitfit.solvers.quasi_newton.
_WIDE_COLUMNS = 30
_WIDE_ROWS = 20_000

# From this many matrix entries on, Newton may skip the Hessian on passes where a chord step
# is cheaper (logitfit.solvers.hessian_reuse); below it a pass costs little either way, and
# the plain Newton path is kept. Measured on 2 cores (best of 4): 1e6 x 50, five Hessian
# passes became four and a gradient pass (1.06 -> 0.94 s); 1e5 x 200 after its L-BFGS start,
# three became two and a gradient pass (0.72 -> 0.62 s); 1e6 x 10 unchanged (0.25 s).
_REUSE_ENTRIES = 2_000_000


def _warm_start(
    design: Design, n_threads: int | None = None
) -> tuple[NDArray[np.float64], NDArray[np.float64] | None]:
    """Start from the estimate on a row subsample when the problem is large (else the default).

    The subsample is every k-th row, a view of ``X`` (no copy). If its fit fails (a rare
    factor level absent, separation in the subsample), the ordinary start is used. Returns the
    start and, when it is the subsample's estimate, the subsample's exact Hessian there.
    """
    start = starting_point(design)
    rows = max(_SUBSAMPLE_ROWS, 50 * design.n_params, int(_SUBSAMPLE_FRACTION * design.n_rows))
    step = design.n_rows // rows
    if step < 20:  # the subsample must be much cheaper than a full pass to pay for itself
        if design.n_params >= _WIDE_COLUMNS and design.n_rows >= _WIDE_ROWS:
            # Wide: gradient passes are p times cheaper than Hessian passes (measured at
            # 1e5 x 200: 1.0 s -> 0.84 s, strong signal 1.73 s -> 0.90 s; 1e5 x 50: 0.19 -> 0.13).
            return quasi_newton_start(_objective(design, n_threads), start, design.n_obs), None
        return start, None
    every = slice(None, None, step)
    subsample = dataclasses.replace(
        design,
        X=design.X[every],
        successes=design.successes[every],
        trials=design.trials[every],
        weights=design.weights[every],
        offset=design.offset[every],
        row_labels=design.row_labels[every],
    )
    solution = _sample_solution(subsample, n_threads)
    if solution is None:
        return start, None
    return solution.coef, solution.evaluation.hessian


def sample_estimate(sample: Design, n_threads: int | None = None) -> NDArray[np.float64] | None:
    """Fit a row sample for a warm start; None when it has one outcome, fails or looks separated.

    Parameters
    ----------
    sample : Design
        The sampled rows (in memory).
    n_threads : int, optional
        Threads for its passes.

    Returns
    -------
    ndarray of shape (p,) or None
    """
    solution = _sample_solution(sample, n_threads)
    return None if solution is None else solution.coef


def _sample_solution(sample: Design, n_threads: int | None) -> SolverResult | None:
    """Fit a row sample by Newton (see :func:`sample_estimate`); None when that fails."""
    events = sample.n_events
    if events == 0 or events == sample.n_trials:
        return None
    solution = _solve(sample, "newton", {"max_iter": 25}, n_threads=n_threads)
    if not solution.converged or largest_eta(solution, sample) > _SUSPICIOUS_ETA:
        return None
    return solution


def largest_eta(solution: SolverResult, design: Design) -> float:
    """Return ``max |eta|`` at the solution: recorded by its last evaluation, else one more pass."""
    recorded = solution.evaluation.largest_abs_eta
    if recorded is None:
        recorded = evaluate(solution.coef, design, with_hessian=False).largest_abs_eta
    return float(recorded or 0.0)


def _solve(
    design: Design,
    method: str,
    options: Mapping[str, float | int | None],
    begin: NDArray[np.float64] | None = None,
    first: Evaluation | None = None,
    n_threads: int | None = None,
    reuse: HessianReuse | None = None,
) -> SolverResult:
    """Run the chosen solver from ``begin`` (``first``: the evaluation there, if known)."""
    begin = starting_point(design) if begin is None else begin
    objective = _objective(design, n_threads)
    return run_solver(objective, method, begin, design.n_trials, options, first, reuse)


def _objective(design: Design, n_threads: int | None) -> Objective:
    """Return the in-memory objective: one threaded pass over the design per call."""

    def objective(coef: NDArray[np.float64], with_hessian: bool) -> Evaluation:
        return evaluate(coef, design, with_hessian, n_threads)

    return objective


def fit_design(
    design: Design,
    *,
    method: Method = "newton",
    n_threads: int | None = None,
    **options: float | int | None,
) -> LogitResult:
    """Fit a validated Design by maximum likelihood (or Firth's penalised likelihood).

    Parameters
    ----------
    design : Design
        From :func:`logitfit.design.formula.design_from_formula` or ``design_from_arrays``.
    method, n_threads, **options
        As :class:`logitfit.fitting.options.FitOptions` (checked here).

    Returns
    -------
    LogitResult

    Warns
    -----
    SeparationWarning
        When the outcome is separated (the estimates of some coefficients are infinite).
    ConvergenceWarning
        When the solver stopped before converging.
    """
    settings = FitOptions.checked(method, options, n_threads=n_threads)
    return fit_checked(design, settings)


def fit_checked(design: Design, settings: FitOptions) -> LogitResult:
    """Fit a validated Design with settings already checked (see :func:`fit_design`).

    Parameters
    ----------
    design : Design
    settings : FitOptions

    Returns
    -------
    LogitResult
    """
    # BLAS stays on one thread through the result too: its p x p factorisations would wake
    # OpenBLAS's threads, which then spin into the next fit's first passes (measured at 1e5 x
    # 200 in a loop of fits: its first five gradient passes took 18-20 ms instead of 10-12).
    with blas_beside_passes(design.n_rows, design.n_params, settings.n_threads):
        solution, separation = _solution(design, settings)
        return make_result(design, solution, lambda: null_deviance(design), separation)


def _solution(design: Design, settings: FitOptions) -> tuple[SolverResult, Separation | None]:
    """Run the solver, complete the Hessian, decide separation, and warn of what went wrong."""
    method, options, n_threads = settings.method, settings.solver, settings.n_threads
    solution = _run(design, method, options, n_threads)
    evaluation = solution.evaluation
    if evaluation.hessian is None:  # gradient descent: one more pass for the Hessian
        evaluation = evaluate(solution.coef, design, True, n_threads)
        solution = dataclasses.replace(solution, evaluation=evaluation)
    separation = None
    # Firth fits stay finite under separation, so |eta| tells nothing: always check them
    # (they are typically small problems, where the linear program is cheap).
    penalised = likelihood_of(method).penalised
    suspicious = not solution.converged or penalised
    if suspicious or largest_eta(solution, design) > _SUSPICIOUS_ETA:
        # A converged ML fit usually proves by itself that no separation exists (cheap);
        # otherwise the exact linear program decides.
        proved = (
            not suspicious
            and isinstance(design, Design)
            and certify_no_separation(design, solution.coef, solution.evaluation, n_threads)
        )
        if not proved:
            separation = detect_separation(design)
    # stacklevel 4: this function, fit_checked, fit or fit_arrays, then the user's call.
    if separation is not None and not penalised:  # Firth's estimates stay finite
        warnings.warn(separation.describe(), SeparationWarning, stacklevel=4)
    elif not solution.converged:
        warnings.warn(
            f"The {method} solver did not converge: {solution.message}. The estimates below are "
            "from its last iteration; try a larger max_iter"
            + (", or method='newton'." if method != "newton" else "."),
            ConvergenceWarning,
            stacklevel=4,
        )
    return solution, separation


def _run(
    design: Design, method: str, options: Mapping[str, float | int | None], n_threads: int | None
) -> SolverResult:
    """Start, check the rank on the first Hessian, and run the method's solver."""
    # The Hessian at the start, X^T diag(w m mu (1 - mu)) X with every weight positive, has the
    # null space of the design: the collinearity check reads it, and Newton starts from it.
    begin, sample_hessian = (
        _warm_start(design, n_threads) if method == "newton" else (starting_point(design), None)
    )
    # A compiled fit whose subsample is clearly full rank may take the first Hessian from
    # float32 products, when they prove the full data's full rank too (fitting/steering.py).
    first, first_exact = first_pass(design, begin, sample_hessian, n_threads)
    if first_exact and first.hessian is not None:
        check.full_rank(design, first.hessian)
    if method == "firth":
        solution = firth_solver(design, **options)  # type: ignore[arg-type]
    else:
        large = design.n_rows * design.n_params >= _REUSE_ENTRIES
        reuse = (
            HessianReuse(
                hessian_pass_cost(design.n_params, uses_compiled(design)),
                quadratic_guess=design.n_obs**-0.5,
                approximate=steering_passes(design, first, n_threads),
                first_exact=first_exact,
            )
            if large
            else None
        )
        solution = _solve(design, method, options, begin, first, n_threads, reuse)
    return solution


def make_result(
    design: RowSource,
    solution: SolverResult,
    null_deviance: Callable[[], float],
    separation: Separation | None,
) -> LogitResult:
    """Build the result, or raise ConvergenceError when the final Hessian is not positive definite.

    ``solution.evaluation`` must hold the Hessian at ``solution.coef``; ``null_deviance`` is
    called only once the fit is known to be usable (it may cost passes over the data).
    """
    hessian = solution.evaluation.hessian
    if hessian is None or cholesky_lower(hessian) is None:
        raise ConvergenceError(
            "The Hessian at the final estimate is not positive definite, so standard errors "
            f"cannot be computed ({solution.message}). Check for nearly collinear predictors "
            "and rescale predictors measured in very different units."
        )
    return LogitResult(
        design=design,
        coef=pd.Series(solution.coef, index=pd.Index(design.names), name="coef"),
        hessian=hessian,
        deviance=solution.evaluation.deviance,
        null_deviance=null_deviance(),
        solver=solution,
        separation=separation,
        model_cov=model_covariance(design, solution.coef, hessian),
        likelihood=likelihood_of(solution.method),
    )
