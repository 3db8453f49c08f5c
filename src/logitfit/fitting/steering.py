"""Where a large fit may steer with approximate Hessians: its first pass and Newton's steps.

The compiled passes can form the Hessian from float32 products
(:func:`logitfit.likelihood.compiled.compiled_rows`), about 35% cheaper than float64's at 50
columns. Such a Hessian never decides the answer: the standard errors, the convergence test and
the final Newton step use the exact one. It may

* **steer** Newton's intermediate steps, when the Hessian is well conditioned
  (:func:`steering_passes`), and
* stand in for the **first** pass's Hessian (the rank check reads that one), when the
  approximation itself proves full rank (:func:`first_pass`).

The proof for the first pass: for the correlation-scaled Hessians, the float32 products differ
from the exact ones by at most ``p (k + 2) u`` in the 2-norm, with ``k`` rows per block and
``u = 2^-24`` (each of the block's ``k`` products is rounded once as input and the sum
accumulates at most ``k`` roundings, Higham, *Accuracy and Stability of Numerical Algorithms*,
2nd ed., section 3.1; by Cauchy-Schwarz each entry's error is that fraction of
``sqrt(H_jj H_kk)``; the Frobenius norm of a p x p matrix of such entries bounds its 2-norm).
When the smallest eigenvalue of the scaled approximation exceeds twice that bound, the exact
Hessian's exceeds the bound, far above the rank check's tolerance (1e-9): the exact check would
pass, and is skipped. The pass is tried only when the subsample's exact Hessian is four times
clear of the bound, so an ill-conditioned design does not pay for a pass it must repeat.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from logitfit._linalg import scaled_condition, smallest_scaled_eigenvalue
from logitfit.likelihood import logistic
from logitfit.likelihood.compiled import uses_compiled
from logitfit.likelihood.logistic import evaluate
from logitfit.solvers import Evaluation

if TYPE_CHECKING:
    from logitfit.design.core import Design

__all__ = ["approximate_hessian_error", "first_pass", "steering_passes"]

#: Largest 1-norm condition number of the correlation-scaled Hessian at which Newton's steering
#: passes may use float32 Hessian products.
_STEERING_CONDITION = 1e3


def approximate_hessian_error(n_params: int) -> float:
    """Bound the 2-norm error of an approximate Hessian scaled to unit diagonal (see above).

    Parameters
    ----------
    n_params : int

    Returns
    -------
    float
        ``p (k + 2) 2^-24`` with ``k`` the rows in one block of the passes.
    """
    return n_params * (logistic.rows_per_block(n_params) + 2) * 2.0**-24


def first_pass(
    design: Design,
    begin: NDArray[np.float64],
    sample_hessian: NDArray[np.float64] | None,
    n_threads: int | None,
) -> tuple[Evaluation, bool]:
    """Evaluate the start with its Hessian; say whether that Hessian is exact.

    Parameters
    ----------
    design : Design
    begin : ndarray of shape (p,)
        The start.
    sample_hessian : ndarray of shape (p, p), optional
        The subsample fit's exact Hessian at ``begin`` (None: no subsample start).
    n_threads : int, optional

    Returns
    -------
    Evaluation
    bool
        True when the Hessian is exact (the caller runs the rank check on it); False when it
        is the float32 approximation and has proved the design's full rank.
    """
    if sample_hessian is not None and uses_compiled(design):
        bound = approximate_hessian_error(design.n_params)
        if smallest_scaled_eigenvalue(sample_hessian) > 4.0 * bound:
            first = evaluate(begin, design, True, n_threads, approximate_hessian=True)
            if first.hessian is not None and smallest_scaled_eigenvalue(first.hessian) > 2 * bound:
                return first, False
    return evaluate(begin, design, True, n_threads), True


def steering_passes(
    design: Design, first: Evaluation, n_threads: int | None
) -> Callable[[NDArray[np.float64]], Evaluation] | None:
    """Return passes with float32 Hessian products for Newton's steering steps, if safe here.

    Only compiled passes form them, and only for a well-conditioned Hessian: float32 products
    perturb the correlation-scaled Hessian by about sqrt(p) 4e-6 typically (far below the
    worst case above), so a step's relative error stays below about 1e-2 while the condition
    number is at most 1e3 (LAPACK's estimate of the 1-norm one, which is within a factor p of
    the 2-norm one). The planner then sees a step a little short of Newton's.

    Parameters
    ----------
    design : Design
    first : Evaluation
        The first pass, with its Hessian.
    n_threads : int, optional

    Returns
    -------
    callable or None
        ``approximate(coef) -> Evaluation``, or None where the exact Hessian must steer.
    """
    if first.hessian is None or not uses_compiled(design):
        return None
    if not scaled_condition(first.hessian) <= _STEERING_CONDITION:
        return None

    def approximate(coef: NDArray[np.float64]) -> Evaluation:
        return evaluate(coef, design, True, n_threads, approximate_hessian=True)

    return approximate
