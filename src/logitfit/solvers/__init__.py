"""Solvers: each takes an objective callable and returns a frozen SolverResult."""

from logitfit.solvers._common import Evaluation, Objective, SolverResult
from logitfit.solvers.gradient_descent import gradient_descent
from logitfit.solvers.newton import newton
from logitfit.solvers.run import run_solver

__all__ = [
    "Evaluation",
    "Objective",
    "SolverResult",
    "gradient_descent",
    "newton",
    "run_solver",
]
