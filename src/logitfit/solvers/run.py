"""Run the solver a fit asked for, on any objective (in memory, or a Dask pass per call)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from logitfit.solvers._common import Evaluation, Objective, SolverResult
from logitfit.solvers.gradient_descent import gradient_descent
from logitfit.solvers.newton import newton

__all__ = ["run_solver"]


def run_solver(
    objective: Objective,
    method: str,
    begin: NDArray[np.float64],
    n_trials: float,
    options: dict[str, float | int | None],
    first: Evaluation | None = None,
) -> SolverResult:
    """Run Newton or gradient descent on any objective (in memory, or a Dask pass per call).

    Parameters
    ----------
    objective : callable
        ``objective(coef, with_hessian) -> Evaluation``.
    method : {"newton", "gradient_descent"}
    begin : ndarray of shape (p,)
        Starting point.
    n_trials : float
        Total number of trials (gradient descent scales its step by it).
    options : dict
        Solver options.
    first : Evaluation, optional
        The objective at ``begin``, when already known (Newton only).

    Returns
    -------
    SolverResult
    """
    if method == "newton":
        return newton(objective, begin, first=first, **options)  # type: ignore[arg-type]
    if method == "gradient_descent":
        return gradient_descent(
            objective,
            begin,
            n_trials=n_trials,
            **options,  # type: ignore[arg-type]
        )
    raise ValueError(f"method must be 'newton' or 'gradient_descent', got {method!r}")
