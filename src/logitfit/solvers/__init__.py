"""Solvers: each takes an objective callable and returns a frozen SolverResult."""

from logitfit.solvers._common import Evaluation, Objective, SolverResult
from logitfit.solvers.gradient_descent import gradient_descent
from logitfit.solvers.newton import newton
from logitfit.solvers.run import SOLVER_OPTIONS, check_solver_options, run_solver

__all__ = [
    "SOLVER_OPTIONS",
    "Evaluation",
    "Objective",
    "SolverResult",
    "check_solver_options",
    "gradient_descent",
    "newton",
    "run_solver",
]
