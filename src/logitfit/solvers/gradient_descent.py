r"""Gradient descent on the seed tutorial's mean cost, with a fixed or backtracking step.

The cost is the mean negative log-likelihood per trial, :math:`L(\beta) = -\ell(\beta) / N`, with
gradient :math:`\nabla L = X^T (m \mu - y) / N` (the seed's result, with the :math:`1/N` and the
orientation it dropped restored). Each iteration moves :math:`\beta \leftarrow \beta - t \nabla L`.
With ``learning_rate`` given, :math:`t` is fixed; otherwise it is chosen by backtracking until the
Armijo condition :math:`L(\beta - t \nabla L) \le L(\beta) - c\, t \|\nabla L\|^2` holds
(Nocedal & Wright, *Numerical Optimization*, 2nd ed., algorithm 3.1), starting each search from
twice the previous step; where the decrease is below the cost's round-off, a step whose end still
slopes downhill is accepted instead (Hager & Zhang 2005, SIAM J. Optim. 16(1), 170-192).

It converges linearly, at a rate set by the condition number of the Hessian, so it is here to
show the seed's method at work and to cross-check Newton, not for speed. It stops when the largest
component of :math:`\nabla L` is below ``tol_gradient`` and the relative change in deviance is
below ``tol_deviance``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from logitfit.solvers._common import Objective, SolverResult, relative_change

__all__ = ["gradient_descent"]

_ARMIJO = 1e-4


def gradient_descent(
    objective: Objective,
    start: NDArray[np.float64],
    *,
    n_trials: float,
    learning_rate: float | None = None,
    max_iter: int = 100_000,
    tol_deviance: float = 1e-12,
    tol_gradient: float = 1e-10,
) -> SolverResult:
    """Minimise the mean cost by gradient descent.

    Parameters
    ----------
    objective : callable
        ``objective(coef, with_hessian) -> Evaluation`` (called with ``with_hessian=False``).
    start : ndarray of shape (p,)
        Starting coefficients.
    n_trials : float
        ``N``, the number the total cost is divided by (rows for binary data).
    learning_rate : float, optional
        Fixed step size; None (default) chooses it by backtracking line search.
    max_iter : int
        Largest number of updates.
    tol_deviance : float
        Tolerance on the relative change in deviance.
    tol_gradient : float
        Tolerance on the largest component of the mean-cost gradient.

    Returns
    -------
    SolverResult
        ``evaluation.hessian`` is None; ``history`` holds the deviance after every update.
    """
    coef = np.array(start, dtype=np.float64)
    current = objective(coef, False)
    history = [current.deviance]
    step_size = 1.0 if learning_rate is None else learning_rate
    change = float("inf")
    for iteration in range(max_iter + 1):
        mean_gradient = current.gradient / n_trials
        largest = float(np.max(np.abs(mean_gradient)))
        if largest <= tol_gradient and change <= tol_deviance:
            return SolverResult(
                "gradient_descent", coef, current, iteration, True, tuple(history),
                f"converged: largest mean-cost gradient {largest:.2e}, relative deviance "
                f"change {change:.2e}",
            )  # fmt: skip
        if iteration == max_iter:
            break
        if learning_rate is None:
            step_size *= 2.0
            squared_norm = float(mean_gradient @ mean_gradient)
            while True:
                trial_coef = coef - step_size * mean_gradient
                trial = objective(trial_coef, False)
                # Half the deviance and the total cost differ by a constant: compare in cost units.
                decrease = (current.deviance - trial.deviance) / (2.0 * n_trials)
                if np.isfinite(trial.deviance) and decrease >= _ARMIJO * step_size * squared_norm:
                    break
                # Near the optimum the decrease falls below the round-off of the cost. Then accept
                # a step whose end still slopes downhill (the cost is convex, so it decreased all
                # along the step): the "approximate Wolfe" idea of Hager & Zhang (2005).
                round_off = 1e-13 * (abs(current.deviance) + 1.0) / n_trials
                if abs(decrease) <= round_off and trial.gradient @ current.gradient >= 0.0:
                    break
                step_size /= 2.0
                if step_size < 1e-300:
                    return SolverResult(
                        "gradient_descent", coef, current, iteration, False, tuple(history),
                        "the line search found no step that lowers the cost",
                    )  # fmt: skip
        else:
            trial_coef = coef - step_size * mean_gradient
            trial = objective(trial_coef, False)
            if not np.isfinite(trial.deviance) or trial.deviance > 1e3 * (history[0] + 1.0):
                return SolverResult(
                    "gradient_descent", trial_coef, trial, iteration + 1, False, tuple(history),
                    f"diverged: learning_rate={learning_rate} is too large for these data; "
                    "use a smaller one or the backtracking line search (learning_rate=None)",
                )  # fmt: skip
        change = relative_change(trial.deviance, current.deviance)
        coef, current = trial_coef, trial
        history.append(current.deviance)
    return SolverResult(
        "gradient_descent", coef, current, max_iter, False, tuple(history),
        f"reached max_iter={max_iter} without converging (largest mean-cost gradient "
        f"{largest:.2e}); gradient descent is slow on poorly scaled predictors: standardise "
        "them or use method='newton'",
    )  # fmt: skip
