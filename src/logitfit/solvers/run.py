"""Run the solver a fit asked for, on any objective (in memory, or a Dask pass per call)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from logitfit.exceptions import DataError
from logitfit.solvers._common import Evaluation, Objective, SolverResult
from logitfit.solvers.gradient_descent import gradient_descent
from logitfit.solvers.hessian_reuse import HessianReuse
from logitfit.solvers.newton import newton

__all__ = ["SOLVER_OPTIONS", "check_solver_options", "run_solver"]

#: The options each method accepts (their meaning is in each solver's docstring).
SOLVER_OPTIONS: dict[str, tuple[str, ...]] = {
    "newton": ("max_iter", "tol_deviance", "tol_gradient"),
    "gradient_descent": ("learning_rate", "max_iter", "tol_deviance", "tol_gradient"),
    "firth": ("max_iter", "tol_score", "tol_change"),
}


def check_solver_options(method: str, options: Mapping[str, object]) -> None:
    """Refuse an unknown method, an option the method does not take, or a bad value, by name.

    Parameters
    ----------
    method : {"newton", "gradient_descent", "firth"}
    options : dict
        Solver options as given by the user.

    Raises
    ------
    logitfit.exceptions.DataError
    """
    if method not in SOLVER_OPTIONS:
        raise DataError(
            f"method must be one of {', '.join(repr(m) for m in SOLVER_OPTIONS)}; got {method!r}."
        )
    allowed = SOLVER_OPTIONS[method]
    unknown = [name for name in options if name not in allowed]
    if unknown:
        raise DataError(
            f"Unknown option{'s' if len(unknown) > 1 else ''} for method={method!r}: "
            f"{', '.join(unknown)}. It takes {', '.join(allowed)}."
        )
    for name, value in options.items():
        if name == "learning_rate" and value is None:
            continue  # gradient descent's default: backtracking
        integer = name == "max_iter"
        number = value if isinstance(value, int | float) and not isinstance(value, bool) else None
        lowest = 1 if integer else 0
        if (
            number is None
            or (integer and not isinstance(number, int))
            or not np.isfinite(number)
            or number < lowest
            or (name == "learning_rate" and number == 0)
        ):
            what = "a whole number of at least 1" if integer else "a positive number"
            raise DataError(f"{name} must be {what}; got {value!r}.")


def run_solver(
    objective: Objective,
    method: str,
    begin: NDArray[np.float64],
    n_trials: float,
    options: Mapping[str, float | int | None],
    first: Evaluation | None = None,
    reuse: HessianReuse | None = None,
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
    reuse : HessianReuse, optional
        Let Newton skip the Hessian where a chord step is cheaper (Newton only).

    Returns
    -------
    SolverResult
    """
    if method == "newton":
        return newton(objective, begin, first=first, reuse=reuse, **options)  # type: ignore[arg-type]
    if method == "gradient_descent":
        return gradient_descent(
            objective,
            begin,
            n_trials=n_trials,
            **options,  # type: ignore[arg-type]
        )
    raise ValueError(f"method must be 'newton' or 'gradient_descent', got {method!r}")
