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
come from the Hessian at the final estimate, not at the previous iterate. Given a
:class:`~logitfit.solvers.hessian_reuse.HessianReuse`, it may skip the Hessian on the passes
in between (chord steps, planned by :mod:`logitfit.solvers.hessian_reuse`); the final pass
still forms the exact Hessian and the criteria are checked in its metric.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from logitfit._linalg import cholesky_lower, solve_spd
from logitfit.solvers._common import Evaluation, Objective, SolverResult, relative_change
from logitfit.solvers.hessian_reuse import HessianReuse, Progress, next_pass

__all__ = ["MAX_HALVINGS", "newton"]

MAX_HALVINGS = 30

# Below this decrement the iterate is within 1e-6 standard errors of the optimum, and the
# deviance decrease a step promises (decrement / 2) is lost in the deviance's rounding.
_FLOOR_DECREMENT = 1e-12
# Planned passes aim a hundred times below the tolerance on the decrement, so that the pass
# forming the final Hessian rarely has to be repeated.
_TARGET_MARGIN = 1e-2


def _factor(evaluation: Evaluation) -> NDArray[np.float64] | None:
    """Return the Cholesky factor of an evaluation's Hessian, or None if it is not PD."""
    if evaluation.hessian is None:
        raise TypeError("Newton's method needs the Hessian: call the objective with_hessian=True")
    return cholesky_lower(evaluation.hessian)


def _with_hessian(
    objective: Objective, coef: NDArray[np.float64], evaluation: Evaluation
) -> Evaluation:
    """Return ``evaluation`` if it holds the Hessian at ``coef``, else evaluate it there."""
    return evaluation if evaluation.hessian is not None else objective(coef, True)


def newton(
    objective: Objective,
    start: NDArray[np.float64],
    *,
    max_iter: int = 50,
    tol_deviance: float = 1e-10,
    tol_gradient: float = 1e-20,
    first: Evaluation | None = None,
    reuse: HessianReuse | None = None,
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
    reuse : HessianReuse, optional
        Allow passes without the Hessian (chord steps) where they are cheaper; default every
        pass forms it.

    Returns
    -------
    SolverResult
        With ``evaluation.hessian`` at the returned coefficients (None only when ``reuse``
        does not ask for the exact final Hessian and the last pass did not form it).
    """
    coef = np.array(start, dtype=np.float64)
    progress = Progress(quadratic=None if reuse is None else reuse.quadratic_guess)
    given = None if reuse is None or reuse.initial_hessian is None else reuse.initial_hessian
    factor = None if given is None else cholesky_lower(given)
    if factor is not None:
        current = first if first is not None else objective(coef, False)
        fresh = False  # the factor was not formed at coef
    # Whether the Hessian in use is exact (False: from reuse.approximate's float32 products).
    exact = True
    if factor is None:
        known = first is not None and first.hessian is not None
        current = first if first is not None and known else objective(coef, True)
        factor, fresh = _factor(current), True
        exact = not (known and reuse is not None and not reuse.first_exact)
    target = float(np.sqrt(tol_gradient * _TARGET_MARGIN))
    history = [current.deviance]
    change = float("inf")
    # The last iterate whose exact Hessian was positive definite (with the history up to it).
    previous: tuple[NDArray[np.float64], Evaluation, int] | None = None
    stepped: tuple[float, bool] | None = None  # distance before the last step, Newton or chord
    iteration = 0
    while True:
        if factor is None and not exact:  # float32 rounding lost definiteness: redo it
            current = objective(coef, True)
            factor, exact = _factor(current), True
        if factor is None:
            # Hand back the last iterate whose Hessian was positive definite (if any), so
            # standard errors can still be formed there and the caller can diagnose the cause.
            last_coef, last, kept = previous if previous is not None else (coef, current, 1)
            return SolverResult(
                "newton", last_coef, last, max(kept - 1, 0), False, tuple(history[:kept]),
                "the Hessian stopped being positive definite (fitted probabilities numerically "
                "0 or 1, or nearly collinear columns), so no further Newton step exists",
            )  # fmt: skip
        if fresh and exact:
            previous = (coef, current, len(history))
        step = solve_spd(factor, current.gradient)
        decrement = float(current.gradient @ step)
        distance = float(np.sqrt(max(decrement, 0.0)))
        if stepped is not None:
            progress.record_step(stepped[0], distance, stepped[1])
            stepped = None
        if fresh:
            progress.new_factor(distance)
        if decrement <= tol_gradient and change <= tol_deviance:
            if (fresh and exact) or (reuse is not None and not reuse.exact_final):
                return SolverResult(
                    "newton", coef, current, iteration, True, tuple(history),
                    f"converged: Newton decrement {decrement:.2e}, relative deviance change "
                    f"{change:.2e}",
                )  # fmt: skip
            # Met in the metric of an earlier or approximate Hessian: confirm it in the exact
            # one's.
            current = objective(coef, True)
            factor, fresh, exact = _factor(current), True, True
            continue
        if iteration == max_iter:
            break
        plan = "hessian" if reuse is None else next_pass(
            progress.predict(distance, fresh), progress, reuse, target
        )  # fmt: skip
        with_hessian = plan != "gradient"
        # A Hessian pass that only steers may take the cheaper, approximate Hessian.
        steer = reuse.approximate if reuse is not None and plan == "hessian" else None
        scale = 1.0
        accepted: Evaluation | None = None
        for _ in range(MAX_HALVINGS + 1):
            trial_coef = coef - scale * step
            trial = objective(trial_coef, with_hessian) if steer is None else steer(trial_coef)
            # Close to the optimum the predicted decrease, decrement / 2, is below the rounding
            # of the deviance itself, so a comparison of deviances says nothing: take the full
            # step (the quadratic model is then accurate to far below the tolerances).
            close = decrement <= _FLOOR_DECREMENT
            lower = trial.deviance <= current.deviance * (1 + 1e-15)
            if np.isfinite(trial.deviance) and (lower or close):
                accepted = trial
                break
            if not fresh:
                break  # a chord step failed: take a Newton step instead (below)
            scale /= 2.0
        if accepted is None and not (fresh and exact):
            current = objective(coef, True)
            factor, fresh, exact = _factor(current), True, True
            continue
        if accepted is None:
            converged = decrement <= _FLOOR_DECREMENT
            return SolverResult(
                "newton", coef, current, iteration, converged, tuple(history),
                f"no step lowers the deviance (Newton decrement {decrement:.2e}); "
                + ("the estimate is at float64 precision" if converged else "stopped"),
            )  # fmt: skip
        change = relative_change(accepted.deviance, current.deviance)
        stepped = (distance, fresh) if scale == 1.0 else None
        coef, current = trial_coef, accepted
        history.append(current.deviance)
        iteration += 1
        if with_hessian:
            factor, fresh, exact = _factor(current), True, steer is None
        else:
            fresh = False
    if reuse is not None and reuse.exact_final:
        # The result carries the exact Hessian at coef: an approximate one is formed again.
        current = _with_hessian(objective, coef, current) if exact else objective(coef, True)
    return SolverResult(
        "newton", coef, current, max_iter, False, tuple(history),
        f"reached max_iter={max_iter} without converging (Newton decrement {decrement:.2e}, "
        f"relative deviance change {change:.2e})",
    )  # fmt: skip
