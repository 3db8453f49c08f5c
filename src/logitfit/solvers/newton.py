r"""Newton-Raphson with a Cholesky solve and step halving (the default solver).

With gradient :math:`g` and Hessian :math:`H = X^T W X` of the total negative log-likelihood, the
Newton step solves :math:`H \delta = g` and updates :math:`\beta \leftarrow \beta - \delta`; for
the logit link this is exactly iteratively reweighted least squares (McCullagh & Nelder,
*Generalized Linear Models*, 2nd ed., section 2.5). A step that raises the deviance is halved, up
to :data:`MAX_HALVINGS` times, as R's ``glm.fit`` does.

Convergence needs both:

* the relative change in deviance ``|D_new - D_old| / (|D_new| + 0.1)`` below ``tol_deviance``
  (R's criterion, with a tighter default than R's 1e-8); and
* the Newton decrement :math:`\lambda^2 = g^T H^{-1} g` below ``tol_gradient``. It is the squared
  gradient measured in the metric of the Hessian: the distance to the optimum satisfies
  :math:`|\hat\beta_j - \beta_j| \le \lambda \, \mathrm{se}_j`, so ``1e-20`` puts every
  coefficient within 1e-10 standard errors of the optimum.

The solver stops at the coefficient where the last Hessian was computed, so the standard errors
come from the Hessian at the final estimate, not at the previous iterate.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from logitfit._linalg import cholesky_lower, solve_spd
from logitfit.solvers._common import Evaluation, Objective, SolverResult, relative_change

__all__ = ["MAX_HALVINGS", "newton"]

MAX_HALVINGS = 30

# Below this decrement the iterate is within 1e-6 standard errors of the optimum, and the
# deviance decrease a step promises (decrement / 2) is lost in the deviance's rounding.
_FLOOR_DECREMENT = 1e-12


def _decrement(evaluation: Evaluation) -> tuple[float, NDArray[np.float64] | None]:
    """Return the Newton decrement and step at an evaluation, or (inf, None) if H is not PD."""
    if evaluation.hessian is None:
        raise TypeError("Newton's method needs the Hessian: call the objective with_hessian=True")
    factor = cholesky_lower(evaluation.hessian)
    if factor is None:
        return float("inf"), None
    step = solve_spd(factor, evaluation.gradient)
    return float(evaluation.gradient @ step), step


def newton(
    objective: Objective,
    start: NDArray[np.float64],
    *,
    max_iter: int = 50,
    tol_deviance: float = 1e-10,
    tol_gradient: float = 1e-20,
    first: Evaluation | None = None,
) -> SolverResult:
    """Minimise half the deviance by Newton-Raphson with step halving.

    Parameters
    ----------
    objective : callable
        ``objective(coef, with_hessian) -> Evaluation``.
    start : ndarray of shape (p,)
        Starting coefficients.
    max_iter : int
        Largest number of Newton steps.
    tol_deviance : float
        Tolerance on the relative change in deviance.
    tol_gradient : float
        Tolerance on the Newton decrement ``g^T H^{-1} g``.
    first : Evaluation, optional
        The objective at ``start`` (with its Hessian), if the caller has it already.

    Returns
    -------
    SolverResult
        With ``evaluation.hessian`` at the returned coefficients.
    """
    coef = np.array(start, dtype=np.float64)
    current = first if first is not None and first.hessian is not None else objective(coef, True)
    history = [current.deviance]
    change = float("inf")
    previous: tuple[NDArray[np.float64], Evaluation] | None = None
    for iteration in range(max_iter + 1):
        decrement, step = _decrement(current)
        if step is None:
            # Hand back the last iterate whose Hessian was positive definite (if any), so
            # standard errors can still be formed there and the caller can diagnose the cause.
            last_coef, last = previous if previous is not None else (coef, current)
            return SolverResult(
                "newton", last_coef, last, max(iteration - 1, 0), False,
                tuple(history if previous is None else history[:-1]),
                "the Hessian stopped being positive definite (fitted probabilities numerically "
                "0 or 1, or nearly collinear columns), so no further Newton step exists",
            )  # fmt: skip
        if decrement <= tol_gradient and change <= tol_deviance:
            return SolverResult(
                "newton", coef, current, iteration, True, tuple(history),
                f"converged: Newton decrement {decrement:.2e}, relative deviance change "
                f"{change:.2e}",
            )  # fmt: skip
        if iteration == max_iter:
            break
        scale = 1.0
        for _ in range(MAX_HALVINGS + 1):
            trial_coef = coef - scale * step
            trial = objective(trial_coef, True)
            # Close to the optimum the predicted decrease, decrement / 2, is below the rounding
            # of the deviance itself, so a comparison of deviances says nothing: take the full
            # step (the quadratic model is then accurate to far below the tolerances).
            close = decrement <= _FLOOR_DECREMENT
            lower = trial.deviance <= current.deviance * (1 + 1e-15)
            if np.isfinite(trial.deviance) and (lower or close):
                break
            scale /= 2.0
        else:
            converged = decrement <= _FLOOR_DECREMENT
            return SolverResult(
                "newton", coef, current, iteration, converged, tuple(history),
                f"no step lowers the deviance (Newton decrement {decrement:.2e}); "
                + ("the estimate is at float64 precision" if converged else "stopped"),
            )  # fmt: skip
        change = relative_change(trial.deviance, current.deviance)
        previous = (coef, current)
        coef, current = trial_coef, trial
        history.append(current.deviance)
    return SolverResult(
        "newton", coef, current, max_iter, False, tuple(history),
        f"reached max_iter={max_iter} without converging (Newton decrement {decrement:.2e}, "
        f"relative deviance change {change:.2e})",
    )  # fmt: skip
