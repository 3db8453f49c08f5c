r"""A proof, from the fit itself, that the outcome is not separated (so no linear program runs).

Write every observation's success part as the row :math:`+x_i` and its failure part as
:math:`-x_i`. The outcome is separated (completely or quasi-completely) exactly when some
direction :math:`d \ne 0` has :math:`v_j^T d \ge 0` for every such row :math:`v_j` (Albert &
Anderson 1984). By Stiemke's lemma (a theorem of the alternative) that happens exactly when no
*strictly positive* weights :math:`\lambda` give :math:`\sum_j \lambda_j v_j = 0`. At a
maximum-likelihood fit the score equations nearly give them: with
:math:`\lambda^+_i = w_i y_i (1 - \mu_i)` and :math:`\lambda^-_i = w_i (m_i - y_i) \mu_i`,
:math:`\sum_j \lambda_j v_j = X^T (w (y - m\mu)) = s`, the score, which is small but not zero.

The correction comes from the fit's own Hessian. With :math:`h = H^{-1} s` (the last Newton
step) and :math:`t^+_i = -\mu_i x_i^T h`, :math:`t^-_i = (1 - \mu_i) x_i^T h`,

.. math::

    \sum_j \lambda_j t_j v_j = -\sum_i w_i [y_i (1 - \mu_i) \mu_i + (m_i - y_i) \mu_i (1 - \mu_i)]
    x_i x_i^T h = -H h = -s,

so the weights :math:`\lambda_j (1 + t_j)` sum the rows to exactly zero, and they are strictly
positive when every :math:`|x_i^T h| < 1/2`. At a converged fit :math:`h` is tiny, so the proof
costs one product with :math:`X` and the row norms (a gradient pass), where the exact linear
program of :func:`logitfit.diagnostics.separation.detect_separation` can take seconds; when the
proof fails (a fitted probability rounds to 0 or 1, a large step), that program decides.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from logitfit._linalg import cholesky_lower, solve_spd
from logitfit.backends.threads import map_row_chunks
from logitfit.design.core import Design
from logitfit.likelihood.logistic import evaluate, probabilities, row_blocks
from logitfit.solvers import Evaluation

__all__ = ["certify_no_separation"]

# The corrected weights keep at least half of each part's weight.
_LARGEST_CORRECTION = 0.5
_EPSILON = float(np.finfo(np.float64).eps)


def _blocks(chunk: slice, n_params: int) -> list[slice]:
    """Return the row blocks of one chunk, as slices of the whole design."""
    offset = chunk.start or 0
    rows = (chunk.stop or 0) - offset
    return [slice(b.start + offset, b.stop + offset) for b in row_blocks(rows, n_params)]


#: Over some rows: every present part positive, max |x'h|, max ||x||, sum |r| ||x||,
#: sum v ||x||^2 (r the score's residual, v the Hessian's weight).
Sums = tuple[bool, float, float, float, float]


def _sums(
    design: Design, coef: NDArray[np.float64], step: NDArray[np.float64], chunk: slice
) -> Sums:
    largest_along = largest_norm = residual_norms = weighted_squares = 0.0
    for block in _blocks(chunk, design.n_params):
        X = design.X[block]
        eta = X @ coef + design.offset[block]
        mu, one_minus_mu = probabilities(eta), probabilities(-eta)
        successes, trials, weights = (
            design.successes[block], design.trials[block], design.weights[block]
        )  # fmt: skip
        counted = weights > 0
        # A part that is present must keep a strictly positive weight.
        if np.any(counted & (successes > 0) & (one_minus_mu <= 0)) or np.any(
            counted & (trials - successes > 0) & (mu <= 0)
        ):
            return False, 0.0, 0.0, 0.0, 0.0
        norms = np.sqrt(np.einsum("ij,ij->i", X, X))
        along = np.abs(X @ step)
        largest_along = max(largest_along, float(np.max(along[counted], initial=0.0)))
        largest_norm = max(largest_norm, float(np.max(norms[counted], initial=0.0)))
        residual = weights * (successes - trials * mu)
        residual_norms += float(np.abs(residual) @ norms)
        weighted_squares += float((weights * trials * mu * one_minus_mu) @ norms**2)
    return True, largest_along, largest_norm, residual_norms, weighted_squares


def certify_no_separation(
    design: Design,
    coef: NDArray[np.float64],
    evaluation: Evaluation | None = None,
    n_threads: int | None = None,
) -> bool:
    r"""Return True when the fit at ``coef`` proves that the outcome is not separated.

    The proof allows for rounding. The score and the Hessian are known only to
    :math:`\gamma \sum_i |r_i| \|x_i\|` and :math:`\gamma \sum_i v_i \|x_i\|^2` in norm
    (:math:`\gamma` a multiple of the number of terms times the machine epsilon; Higham,
    *Accuracy and Stability of Numerical Algorithms*, 2nd ed., section 3.1), so the exact step
    is within :math:`(\|e_s\| + \|E_H\| \|h\|) / (\lambda_{\min}(H) - \|E_H\|)` of the computed
    one, and every :math:`|x_i^T h|` is bounded above with that allowance. Rows whose parts
    carry no weight in floating point, or a Hessian whose smallest eigenvalue is lost in its
    rounding, make the proof fail, as it must under separation.

    Parameters
    ----------
    design : Design
        Rows in memory, with a full-rank design matrix.
    coef : ndarray of shape (p,)
        A maximum-likelihood estimate (the proof holds wherever it is, but succeeds only near
        the optimum).
    evaluation : Evaluation, optional
        The objective at ``coef`` with its Hessian (the fit's last); default one more pass.
    n_threads : int, optional
        Threads for the pass over the rows (default the cores).

    Returns
    -------
    bool
        True: no separating direction exists (proved). False: not proved either way.
    """
    if evaluation is None or evaluation.hessian is None:
        evaluation = evaluate(coef, design, True, n_threads)
    hessian = evaluation.hessian
    if hessian is None or not np.all(np.isfinite(hessian)):
        return False
    p = design.n_params
    eigenvalues = np.linalg.eigvalsh(hessian)
    factor = cholesky_lower(hessian)
    if factor is None:
        return False
    step = solve_spd(factor, -evaluation.gradient)  # h = H^{-1} s, with s = -gradient
    sums = map_row_chunks(lambda rows: _sums(design, coef, step, rows), design.n_rows, p, n_threads)
    if not all(part[0] for part in sums):
        return False
    largest_along = max(part[1] for part in sums)
    largest_norm = max(part[2] for part in sums)
    residual_norms = sum(part[3] for part in sums)
    weighted_squares = sum(part[4] for part in sums)
    gamma = 4.0 * (design.n_rows + p + 10.0) * _EPSILON
    hessian_error = gamma * weighted_squares
    # eigvalsh is backward stable: its smallest eigenvalue is within p eps ||H|| of H's.
    smallest = eigenvalues[0] - hessian_error - 10.0 * p * _EPSILON * eigenvalues[-1]
    if not smallest > 0:
        return False  # the Hessian's conditioning hides whether a direction is flat
    step_norm = float(np.linalg.norm(step))
    # The solve's own error (backward stable: relative p eps times the condition) is folded in.
    solve_error = 10.0 * p * _EPSILON * step_norm * eigenvalues[-1] / smallest
    step_error = (gamma * residual_norms + hessian_error * step_norm) / smallest + solve_error
    worst = largest_along + largest_norm * (step_error + gamma * step_norm)
    return bool(np.isfinite(worst) and worst < _LARGEST_CORRECTION)
