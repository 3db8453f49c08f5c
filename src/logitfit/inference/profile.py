r"""Verified refits and profile-likelihood bounds, shared by maximum likelihood and Firth.

A profile bound for coefficient :math:`j` solves :math:`G_j(b) = c`, where :math:`G_j(b)` is the
increase of the (penalised) deviance when :math:`\beta_j` is held at :math:`b` and the others are
refitted, and :math:`c` the chi-square quantile (Venzon & Moolgavkar 1988; R's
``MASS::confint.glm``; ``logistf``'s profile penalised-likelihood intervals). Each value of
:math:`G_j` comes from a refit, and a refit can fail; so no bound is returned unless

* every refit it rests on converged (or, under separation, its deviance settled on the limit
  that the diverging iterations approach);
* the gap at the returned bound equals :math:`c` to 1e-8 relative; and
* the bound lies on its side of the estimate.

Otherwise the bound is NaN and the caller warns, naming the coefficient and the reason. Refits
start where they cannot diverge: from the previous bound's solution when that converged, and
else from R's ``glm`` initialisation, :math:`\mu_0 = (m y + 1/2) / (m + 1)` (``binomial()$
initialize``), through one weighted least-squares step, with Newton's step halving after it.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import optimize

from logitfit.design.core import Design
from logitfit.exceptions import UnverifiedWarning
from logitfit.likelihood.logistic import binomial_variance, evaluate
from logitfit.solvers import Evaluation, SolverResult, newton
from logitfit.solvers.hessian_reuse import HessianReuse

__all__ = [
    "Refit",
    "Unverified",
    "find_bound",
    "glm_start",
    "ml_refit",
    "settled",
    "warn_unverified",
]

#: Relative agreement required between the gap at a bound and the chi-square quantile.
GAP_RTOL = 1e-8

#: A non-converged refit is accepted when its last deviance step is below this (absolute): the
#: deviance has then reached, to far below GAP_RTOL, the limit that separated iterations approach.
_SETTLED = 1e-10

#: Doublings of the bracket before a bound is declared infinite (2^30 Wald half-widths).
_MAX_DOUBLINGS = 30


@dataclass(frozen=True)
class Refit:
    """One auxiliary fit: its objective value, estimate and whether it can be trusted.

    Attributes
    ----------
    value : float
        Deviance (maximum likelihood) or its penalised analogue, or a gap derived from it.
    coef : ndarray of shape (q,)
        The refitted coefficients.
    ok : bool
        Converged, or its deviance settled (see :func:`settled`).
    message : str
        The solver's own account of how it stopped.
    """

    value: float
    coef: NDArray[np.float64]
    ok: bool
    message: str


def warn_unverified(what: str, why: str) -> None:
    """Warn that ``what`` is returned as NaN because ``why``."""
    warnings.warn(f"{what} is NaN: {why}.", UnverifiedWarning, stacklevel=3)


class Unverified(Exception):
    """A refit behind a number did not converge: the number is returned as NaN."""


def settled(solution: SolverResult, column_scale: float = 1.0) -> bool:
    """Whether a Newton refit converged, or its deviance settled on a limit (separated refits).

    Under separation the coefficients diverge and Newton never meets its tolerances, but the
    deviance converges geometrically to its infimum while the score vanishes. A refit counts as
    settled when its last step moved the deviance by less than :data:`_SETTLED` and the largest
    score component is below 1e-6 of ``column_scale`` (the largest ``|x_ij|``): a refit stuck
    far from any optimum (fitted probabilities 0 or 1 on the wrong side, say) has a large score
    and is refused.
    """
    if solution.converged:
        return True
    history = solution.history
    return (
        len(history) >= 2
        and abs(history[-2] - history[-1]) <= _SETTLED
        and solution.gradient_norm <= 1e-6 * max(column_scale, 1.0)
    )


def glm_start(design: Design) -> NDArray[np.float64]:
    r"""Return R's ``glm`` starting coefficients: a weighted least-squares step from ``mu_0``.

    :math:`\mu_0 = (m y + 1/2)/(m + 1)` with :math:`y` the observed proportion, then the
    working response :math:`z = \eta_0 - o + (y - \mu_0)/(\mu_0 (1 - \mu_0))` regressed on
    :math:`X` with weights :math:`w m \mu_0 (1 - \mu_0)` (McCullagh & Nelder 1989, section 2.5).

    Parameters
    ----------
    design : Design

    Returns
    -------
    ndarray of shape (p,)
    """
    if design.n_params == 0:
        return np.zeros(0)
    proportion = design.successes / design.trials
    mu = (design.trials * proportion + 0.5) / (design.trials + 1.0)
    eta = np.log(mu) - np.log1p(-mu)
    variance = binomial_variance(mu)
    working = eta - design.offset + (proportion - mu) / variance
    root = np.sqrt(design.weights * design.trials * variance)
    # A least-squares solve by QR (lstsq): the start only has to be finite and sensible.
    solution = np.linalg.lstsq(design.X * root[:, None], working * root, rcond=None)[0]
    return np.asarray(solution, dtype=np.float64)


def ml_refit(
    design: Design,
    start: NDArray[np.float64] | None = None,
    n_threads: int | None = None,
    reuse: HessianReuse | None = None,
) -> Refit:
    """Fit a maximum-likelihood model by Newton, from ``start`` and, failing that, R's start.

    Parameters
    ----------
    design : Design
    start : ndarray of shape (p,), optional
        A warm start (typically the previous refit's solution); default R's ``glm`` start.
    n_threads : int, optional
        Threads per pass (1 where refits already run in parallel); default the cores.
    reuse : HessianReuse, optional
        Let Newton skip Hessian passes from ``start`` (a bootstrap refit starts from the full
        data's estimate with the full data's Hessian); the fallback from R's start does not.

    Returns
    -------
    Refit
        ``value`` is the deviance.
    """

    def objective(coef: NDArray[np.float64], with_hessian: bool) -> Evaluation:
        return evaluate(coef, design, with_hessian, n_threads)

    solution = newton(objective, glm_start(design) if start is None else start, reuse=reuse)
    if solution.converged:  # the usual case: no pass over X for its scale
        return Refit(solution.evaluation.deviance, solution.coef, True, solution.message)
    scale = float(np.max(np.abs(design.X), initial=0.0))
    if not settled(solution, scale) and start is not None:
        fresh = newton(objective, glm_start(design))
        if settled(fresh, scale) or fresh.evaluation.deviance < solution.evaluation.deviance:
            solution = fresh
    ok = settled(solution, scale)
    return Refit(solution.evaluation.deviance, solution.coef, ok, solution.message)


def find_bound(
    gap: Callable[[float], Refit],
    estimate: float,
    std_error: float,
    critical: float,
    side: float,
) -> tuple[float, str | None]:
    """Solve ``gap(b) = critical`` beyond ``estimate`` on ``side`` (+1 or -1), and verify it.

    The search brackets the root by doubling the distance from the estimate (starting at the
    Wald bound), then runs Brent's method on ``sqrt(gap) - sqrt(critical)``, which is nearly
    linear in ``b``. An infinite bound is returned when the gap stays below ``critical`` out to
    2^30 Wald half-widths with every refit trusted (the profile flattens under separation).

    Parameters
    ----------
    gap : callable
        ``gap(b)`` returns a :class:`Refit` whose ``value`` is the (penalised) deviance increase.
    estimate, std_error : float
        The estimate and its standard error (to scale the first bracket).
    critical : float
        The chi-square quantile the gap must reach.
    side : float
        +1 for the upper bound, -1 for the lower.

    Returns
    -------
    bound : float
        NaN when it could not be verified.
    problem : str or None
        Why it could not be verified.
    """
    root_critical = float(np.sqrt(critical))
    # The Wald half-width, but no wider than |estimate| + z: a diverging estimate's standard
    # error is meaningless (1e10 under separation), and the doubling below widens as needed.
    width = root_critical * std_error if np.isfinite(std_error) and std_error > 0 else 1.0
    width = min(width, abs(estimate) + root_critical)

    def trusted(b: float) -> float:
        refit = gap(b)
        if not refit.ok:
            raise Unverified(f"the constrained refit at {b:.6g} did not converge ({refit.message})")
        return float(refit.value)

    def distance(b: float) -> float:
        return float(np.sqrt(max(trusted(b), 0.0))) - root_critical

    try:
        inner, outer = estimate, estimate + side * width
        # A diverging estimate (separation) has an enormous standard error, and a Wald width
        # from it lands where fitted probabilities are 0 or 1 and no refit converges: step
        # back towards the estimate until the refit there can be trusted.
        for _ in range(_MAX_DOUBLINGS * 2):
            try:
                first = distance(outer)
                break
            except Unverified:
                outer = estimate + (outer - estimate) / 2.0
        else:
            first = distance(outer)  # raises Unverified with the last refit's reason
        for _ in range(_MAX_DOUBLINGS):
            if first >= 0.0:
                break
            inner, outer = outer, estimate + 2.0 * (outer - estimate)
            first = distance(outer)
        else:
            return float(side * np.inf), None
        low, high = sorted((inner, outer))
        tolerance = 1e-14 * max(1.0, abs(low), abs(high))
        bound = float(optimize.brentq(distance, low, high, xtol=tolerance, rtol=1e-15))
        value = trusted(bound)
    except Unverified as failure:
        return float("nan"), str(failure)
    except (ValueError, RuntimeError) as failure:  # Brent's method gave up: no bracket end
        return float("nan"), f"the root finder failed ({failure})"
    if not side * (bound - estimate) > 0.0:
        return float("nan"), f"the root {bound:.6g} is on the wrong side of {estimate:.6g}"
    if abs(value - critical) > GAP_RTOL * critical:
        return float("nan"), (
            f"the deviance gap at {bound:.6g} is {value:.10g}, not the chi-square quantile "
            f"{critical:.10g} (the profile is not smooth enough there for the root finder)"
        )
    return bound, None
