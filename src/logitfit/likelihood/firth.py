r"""Firth's penalised likelihood: finite estimates under separation, less small-sample bias.

Firth (1993, Biometrika 80(1)) maximises :math:`\ell^*(\beta) = \ell(\beta) + \tfrac12 \log
\det I(\beta)`, :math:`I = X^T W X`, the likelihood penalised by Jeffreys' prior. Its score is
(Heinze & Schemper 2002, Stat. Med. 21(16), eq. 2)

.. math::

    U^*(\beta) = \sum_i x_i \left[ y_i - m_i \mu_i + h_i \left(\tfrac12 - \mu_i\right) \right],

with :math:`h_i` the diagonal of the hat matrix :math:`W^{1/2} X I^{-1} X^T W^{1/2}`. As R's
``logistf`` we iterate :math:`\beta \leftarrow \beta + I^{-1} U^*` with step halving on
:math:`\ell^*`; a coefficient held fixed (for tests and profiles) keeps its value while the
others take the corresponding sub-step :math:`I_{FF}^{-1} U^*_F`, the penalty still using the
full information matrix. Inference follows ``logistf``: standard errors from :math:`I(\hat
\beta)^{-1}`, penalised likelihood-ratio tests :math:`2[\ell^*(\hat\beta) - \ell^*(\hat\beta_{
\beta_j = 0})]` and profile penalised-likelihood intervals. FLIC and FLAC (Puhr, Heinze,
Nold, Lusa & Geroldinger 2017, Stat. Med. 36(14)) correct the intercept so that the average
predicted probability equals the observed event rate.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from logitfit._linalg import cholesky_lower, inverse_spd, solve_spd
from logitfit.design.core import Design, intercept_only, rows_in_memory
from logitfit.exceptions import ConvergenceError, DataError
from logitfit.inference.profile import Refit, ml_refit, warn_unverified
from logitfit.likelihood.logistic import (
    binomial_variance,
    evaluate,
    log_expit_and_expit,
    row_blocks,
)
from logitfit.solvers import Evaluation, SolverResult
from logitfit.solvers._common import relative_change

if TYPE_CHECKING:
    from logitfit.results.result import LogitResult

__all__ = [
    "FirthState",
    "firth_fit",
    "firth_refit",
    "firth_solver",
    "firth_intercept_corrected",
    "penalized_loglik",
]


@dataclass(frozen=True)
class FirthState:
    r"""The penalised problem at one coefficient vector.

    Attributes
    ----------
    penalized_loglik : float
        :math:`\ell(\beta) + \frac12 \log\det I(\beta)` (with ``log C(m, y)``).
    score : ndarray of shape (p,)
        Modified score :math:`U^*`.
    information : ndarray of shape (p, p)
        :math:`I = X^T W X`.
    leverage : ndarray of shape (n,) or None
        Hat values :math:`h_i` (kept only when asked for).
    """

    penalized_loglik: float
    score: NDArray[np.float64]
    information: NDArray[np.float64]
    leverage: NDArray[np.float64] | None = None


def _state(coef: NDArray[np.float64], design: Design, keep_leverage: bool = False) -> FirthState:
    """Two passes over the rows: the information matrix, then the hat values and the score."""
    base = evaluate(coef, design, with_hessian=True)
    information = base.hessian
    if information is None:
        raise ConvergenceError("internal: the information matrix was not computed")
    factor = cholesky_lower(information)
    if factor is None:
        raise ConvergenceError(
            "The information matrix is singular: the Firth estimates cannot be computed "
            "(are some columns collinear, or is a factor level empty?)."
        )
    inverse = inverse_spd(factor)
    correction = np.zeros(design.n_params)
    leverage = np.empty(design.n_rows) if keep_leverage else None
    for block in row_blocks(design.n_rows, design.n_params):
        X = design.X[block]
        eta = X @ coef + design.offset[block]
        mu = log_expit_and_expit(eta)[1]
        weight = design.weights[block] * design.trials[block] * binomial_variance(mu)
        hat = weight * np.einsum("ij,jk,ik->i", X, inverse, X)
        correction += X.T @ (hat * (0.5 - mu))
        if leverage is not None:
            leverage[block] = hat
    loglik = design.saturated_loglik - base.deviance / 2.0
    log_det = 2.0 * float(np.sum(np.log(np.diag(factor))))
    return FirthState(loglik + 0.5 * log_det, -base.gradient + correction, information, leverage)


def penalized_loglik(coef: NDArray[np.float64], design: Design) -> float:
    r"""Return the penalised log-likelihood :math:`\ell(\beta) + \frac12 \log\det I(\beta)`.

    Parameters
    ----------
    coef : ndarray of shape (p,)
    design : Design

    Returns
    -------
    float
    """
    return _state(coef, design).penalized_loglik


def firth_fit(
    design: Design,
    start: NDArray[np.float64] | None = None,
    fixed: dict[int, float] | None = None,
    *,
    max_iter: int = 100,
    tol_score: float = 1e-20,
    tol_change: float = 1e-12,
) -> tuple[NDArray[np.float64], FirthState, int, bool]:
    """Maximise the penalised likelihood, optionally with some coefficients held fixed.

    Parameters
    ----------
    design : Design
    start : ndarray of shape (p,), optional
        Starting values (default zero, the fixed values in place).
    fixed : dict of int to float, optional
        Coefficients held at given values.
    max_iter : int
    tol_score : float
        Tolerance on :math:`U^{*T}_F I_{FF}^{-1} U^*_F`.
    tol_change : float
        Tolerance on the relative change of the penalised deviance.

    Returns
    -------
    coef, state, iterations, converged
    """
    fixed = fixed or {}
    coef = np.zeros(design.n_params) if start is None else np.array(start, dtype=np.float64)
    for j, value in fixed.items():
        coef[j] = value
    free = np.array([j for j in range(design.n_params) if j not in fixed], dtype=np.intp)
    state = _state(coef, design)
    change = np.inf
    for iteration in range(max_iter + 1):
        if free.size == 0:
            return coef, state, iteration, True
        sub = state.information[np.ix_(free, free)]
        factor = cholesky_lower(sub)
        if factor is None:
            return coef, state, iteration, False
        step = solve_spd(factor, state.score[free])
        decrement = float(state.score[free] @ step)
        if decrement <= tol_score and change <= tol_change:
            return coef, state, iteration, True
        if iteration == max_iter:
            break
        scale = 1.0
        for _ in range(40):
            trial = coef.copy()
            trial[free] += scale * step
            trial_state = _state(trial, design)
            gain = trial_state.penalized_loglik - state.penalized_loglik
            # Near the optimum the promised gain is below rounding: accept the full step.
            if np.isfinite(trial_state.penalized_loglik) and (
                gain >= -1e-13 * abs(state.penalized_loglik) or decrement <= 1e-12
            ):
                break
            scale /= 2.0
        else:
            return coef, state, iteration, decrement <= 1e-12
        change = relative_change(-2 * trial_state.penalized_loglik, -2 * state.penalized_loglik)
        coef, state = trial, trial_state
    return coef, state, max_iter, False


def firth_solver(design: Design, **options: float | int) -> SolverResult:
    """Fit by Firth's method and report it as a solver result (for :func:`logitfit.fit`).

    Parameters
    ----------
    design : Design
    **options
        ``max_iter``, ``tol_score``, ``tol_change`` of :func:`firth_fit`.

    Returns
    -------
    SolverResult
        ``evaluation`` holds the unpenalised deviance and information matrix, and the gradient
        of the penalised objective (the negative modified score).
    """
    coef, state, iterations, converged = firth_fit(design, **options)  # type: ignore[arg-type]
    unpenalized: Evaluation = evaluate(coef, design, with_hessian=True)
    # The gradient recorded is that of the objective Firth minimises (the negative modified
    # score, zero at the estimate); the deviance and information are the unpenalised ones.
    base = dataclasses.replace(unpenalized, gradient=-state.score)
    message = (
        f"converged: penalised log-likelihood {state.penalized_loglik:.10g}"
        if converged
        else f"Firth iterations did not converge in {iterations} iterations"
    )
    return SolverResult("firth", coef, base, iterations, converged, (base.deviance,), message)


def firth_refit(
    design: Design, fixed: dict[int, float], start: NDArray[np.float64] | None = None
) -> Refit:
    """Maximise the penalised likelihood with ``fixed`` coefficients held, from ``start``.

    Falls back to a start at zero (the fixed values in place) when the warm start fails.

    Returns
    -------
    Refit
        ``value`` is the penalised deviance ``-2 l*``, ``coef`` all p coefficients.
    """
    attempts = [start, None] if start is not None else [None]
    best: tuple[NDArray[np.float64], FirthState, int, bool] | None = None
    failure = "the penalised refit did not converge"
    for begin in attempts:
        try:
            found = firth_fit(design, start=begin, fixed=fixed)
        except ConvergenceError as error:  # a singular information matrix on the way
            failure = str(error)
            continue
        if best is None or found[3] or found[1].penalized_loglik > best[1].penalized_loglik:
            best = found
        if found[3]:
            break
    if best is None:
        return Refit(float("nan"), np.full(design.n_params, np.nan), False, failure)
    coef, state, _, converged = best
    message = "converged" if converged else failure
    return Refit(-2.0 * state.penalized_loglik, coef, converged, message)


def firth_intercept_corrected(result: LogitResult, kind: str = "flic") -> pd.Series:
    """Intercept-corrected Firth estimates, FLIC or FLAC (Puhr et al. 2017).

    * FLIC: keep the Firth slopes and re-estimate the intercept by maximum likelihood with the
      slopes' linear predictor as offset, so the mean predicted probability equals the event
      rate.
    * FLAC: refit by maximum likelihood on the data augmented with two pseudo-copies of every
      row, one an event and one not, each weighted :math:`h_i / 2` (the Firth hat values) and
      flagged by an indicator that enters the model; the coefficients other than the indicator
      are the FLAC estimates.

    Parameters
    ----------
    result : LogitResult
        A fit with ``method="firth"`` and an intercept.
    kind : {"flic", "flac"}

    Returns
    -------
    pandas.Series
        The corrected coefficients (predict with them and the original design).
    """
    design = rows_in_memory(result.design, "FLIC/FLAC intercept correction")
    result.likelihood.require("flic")
    if design.intercept_index is None:
        raise DataError("FLIC and FLAC need a Firth fit (method='firth') with an intercept.")
    coef = result.coef.to_numpy()
    if kind == "flic":
        slopes = coef.copy()
        slopes[design.intercept_index] = 0.0
        offset = design.X @ slopes + design.offset
        refit = ml_refit(intercept_only(design, offset), np.zeros(1))
        corrected = coef.copy()
        corrected[design.intercept_index] = refit.coef[0] if refit.ok else np.nan
        if not refit.ok:
            warn_unverified("The FLIC intercept", refit.message)
        return pd.Series(corrected, index=result.names, name="flic")
    if kind != "flac":
        raise DataError(f"kind must be 'flic' or 'flac', got {kind!r}.")
    leverage = _state(coef, design, keep_leverage=True).leverage
    if leverage is None:
        raise ConvergenceError("internal: the hat values were not computed")
    n = design.n_rows
    X = np.vstack([design.X, design.X, design.X])
    flag = np.r_[np.zeros(n), np.ones(2 * n)]
    # Hat values of a row count all its trials and weight; split them per pseudo-observation.
    pseudo = leverage / (2.0 * design.weights * design.trials)
    augmented = dataclasses.replace(
        design,
        X=np.column_stack([X, flag]),
        names=(*design.names, "pseudo"),
        successes=np.r_[design.successes, design.trials, np.zeros(n)],
        trials=np.r_[design.trials, design.trials, design.trials],
        weights=np.r_[design.weights, pseudo * design.weights, pseudo * design.weights],
        offset=np.r_[design.offset, design.offset, design.offset],
        row_labels=pd.RangeIndex(3 * n),
    )
    refit = ml_refit(augmented, np.r_[coef, 0.0])
    if not refit.ok:
        warn_unverified("The FLAC estimates", refit.message)
        return pd.Series(np.nan, index=result.names, name="flac")
    return pd.Series(refit.coef[:-1], index=result.names, name="flac")
