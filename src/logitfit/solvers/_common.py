"""What every solver shares: the objective's evaluation record and the solver's frozen result."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["Evaluation", "Objective", "SolverResult"]


@dataclass(frozen=True)
class Evaluation:
    """The objective, its gradient and (optionally) its Hessian at one coefficient vector.

    The objective minimised is half the deviance, which differs from the total negative
    log-likelihood by a constant, so ``gradient`` and ``hessian`` are those of the total negative
    log-likelihood (the sum over observations, not the seed's 1/n mean).

    Attributes
    ----------
    deviance : float
        Residual deviance at ``coef``.
    gradient : ndarray of shape (p,)
        Gradient of the total negative log-likelihood, ``-X^T (w * (y - m * mu))``.
    hessian : ndarray of shape (p, p) or None
        Hessian of the total negative log-likelihood, ``X^T diag(w * m * mu * (1 - mu)) X``,
        or None when it was not requested.
    largest_abs_eta : float or None
        ``max |eta|`` over the rows (a symptom of separation when large), found while the sums
        were formed; None when the evaluation did not record it.
    """

    deviance: float
    gradient: NDArray[np.float64]
    hessian: NDArray[np.float64] | None
    largest_abs_eta: float | None = None


#: ``objective(coef, with_hessian)`` evaluates the problem at ``coef``.
Objective = Callable[[NDArray[np.float64], bool], Evaluation]


@dataclass(frozen=True)
class SolverResult:
    """What a solver hands back: the estimate and how it got there.

    Attributes
    ----------
    method : str
        ``"newton"`` or ``"gradient_descent"``.
    coef : ndarray of shape (p,)
        Final coefficient vector.
    evaluation : Evaluation
        The objective at ``coef`` (with the Hessian for Newton; gradient descent leaves it None).
    n_iter : int
        Number of iterations taken (coefficient updates).
    converged : bool
        Whether both convergence criteria were met.
    history : tuple of float
        Deviance at the start and after each iteration, length ``n_iter + 1``.
    message : str
        Why the solver stopped, in words.
    """

    method: str
    coef: NDArray[np.float64]
    evaluation: Evaluation
    n_iter: int
    converged: bool
    history: tuple[float, ...]
    message: str

    @property
    def gradient_norm(self) -> float:
        """Largest absolute component of the final gradient of the total negative log-likelihood."""
        return float(np.max(np.abs(self.evaluation.gradient), initial=0.0))


def relative_change(new: float, old: float) -> float:
    """Relative change in deviance, as R's ``glm.control``: ``|new - old| / (|new| + 0.1)``.

    Parameters
    ----------
    new, old : float
        Deviance after and before a step.

    Returns
    -------
    float
    """
    return abs(new - old) / (abs(new) + 0.1)
