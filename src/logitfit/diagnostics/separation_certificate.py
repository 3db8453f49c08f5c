r"""A proof, from the fit itself, that the outcome is not separated (so no linear program runs).

Write every observation's success part as the row :math:`+x_i` and its failure part as
:math:`-x_i`. The outcome is separated (completely or quasi-completely) exactly when some
direction :math:`d \ne 0` has :math:`v_j^T d \ge 0` for every such row :math:`v_j` (Albert &
Anderson 1984). By Stiemke's lemma (a theorem of the alternative) that happens exactly when no
*strictly positive* weights :math:`\lambda` give :math:`\sum_j \lambda_j v_j = 0`. At a
maximum-likelihood fit the score equations nearly give them: with
:math:`\lambda^+_i = w_i y_i (1 - \mu_i)` and :math:`\lambda^-_i = w_i (m_i - y_i) \mu_i`,
:math:`\sum_j \lambda_j v_j = X^T (w (y - m\mu)) = g`, the gradient, which is small but not
zero. The weights :math:`\lambda_j (1 + t_j)`, with the least-squares correction
:math:`t = -\Lambda V (V^T \Lambda^2 V)^{-1} g`, sum the rows to exactly zero; if every
:math:`t_j > -1/2` they are strictly positive, and no separating direction exists. The check
costs one weighted Gram matrix and one product with :math:`X`, where the exact linear program
of :func:`logitfit.diagnostics.separation.detect_separation` can take seconds; when the proof
fails (a fitted probability rounds to 0 or 1, a large correction), that program decides.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg
from numpy.typing import NDArray

from logitfit.backends.threads import map_row_chunks
from logitfit.design.core import Design
from logitfit.likelihood.logistic import probabilities, row_blocks, weighted_gram

__all__ = ["certify_no_separation"]

# The corrected weights keep at least half of each row's weight.
_LARGEST_CORRECTION = 0.5


def _blocks(chunk: slice, n_params: int) -> list[slice]:
    """Return the row blocks of one chunk, as slices of the whole design."""
    offset = chunk.start or 0
    rows = (chunk.stop or 0) - offset
    return [slice(b.start + offset, b.stop + offset) for b in row_blocks(rows, n_params)]


def _parts(
    design: Design, coef: NDArray[np.float64], rows: slice
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Return the weights of the rows' success parts (+x) and failure parts (-x)."""
    eta = design.X[rows] @ coef + design.offset[rows]
    successes = design.successes[rows]
    positive = design.weights[rows] * successes * probabilities(-eta)
    negative = design.weights[rows] * (design.trials[rows] - successes) * probabilities(eta)
    return positive, negative


def _sums(
    design: Design, coef: NDArray[np.float64], chunk: slice
) -> tuple[bool, NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Over one chunk: every present part weighted, V' L^2 V, V' L 1 and sum L |v|."""
    p = design.n_params
    gram, gradient, magnitude = np.zeros((p, p)), np.zeros(p), np.zeros(p)
    for block in _blocks(chunk, p):
        X = design.X[block]
        positive, negative = _parts(design, coef, block)
        counted = design.weights[block] > 0
        successes = design.successes[block]
        failures = design.trials[block] - successes
        # A part that is present must keep a strictly positive weight.
        if np.any(counted & (successes > 0) & (positive <= 0)):
            return False, gram, gradient, magnitude
        if np.any(counted & (failures > 0) & (negative <= 0)):
            return False, gram, gradient, magnitude
        gram += weighted_gram(X, positive**2 + negative**2)
        gradient += X.T @ (positive - negative)
        magnitude += np.abs(X).T @ (positive + negative)
    return True, gram, gradient, magnitude


def _largest_correction(
    design: Design,
    coef: NDArray[np.float64],
    direction: NDArray[np.float64],
    uncertainty: float,
    chunk: slice,
) -> float:
    """Over one chunk: the largest -t_j, each with its allowance for rounding."""
    worst = 0.0
    for block in _blocks(chunk, design.n_params):
        X = design.X[block]
        positive, negative = _parts(design, coef, block)
        along = X @ direction
        slack = np.sqrt(np.einsum("ij,ij->i", X, X)) * uncertainty
        # t+ = -lambda+ x'h and t- = +lambda- x'h.
        worst = max(
            worst,
            float(np.max(positive * (along + slack), initial=0.0)),
            float(np.max(negative * (slack - along), initial=0.0)),
        )
    return worst


def certify_no_separation(
    design: Design, coef: NDArray[np.float64], n_threads: int | None = None
) -> bool:
    r"""Return True when the fit at ``coef`` proves that the outcome is not separated.

    The proof allows for rounding: the gradient is known only to
    :math:`\gamma \sum_j \lambda_j |v_j|` componentwise (:math:`\gamma` a multiple of the
    number of terms times the machine epsilon), and the correction must stay within its bound
    for every gradient in that box, which the smallest eigenvalue of :math:`V^T \Lambda^2 V`
    bounds. Rows whose weights are too small to count in floating point make that eigenvalue
    tiny and the proof fail, as it must under separation.

    Parameters
    ----------
    design : Design
        Rows in memory, with a full-rank design matrix.
    coef : ndarray of shape (p,)
        A converged maximum-likelihood estimate.
    n_threads : int, optional
        Threads for the two passes over the rows (default the cores).

    Returns
    -------
    bool
        True: no separating direction exists (proved). False: not proved either way.
    """
    p = design.n_params
    sums = map_row_chunks(lambda rows: _sums(design, coef, rows), design.n_rows, p, n_threads)
    if not all(ok for ok, *_ in sums):
        return False
    gram = sum((part[1] for part in sums), np.zeros((p, p)))
    gradient = sum((part[2] for part in sums), np.zeros(p))
    magnitude = sum((part[3] for part in sums), np.zeros(p))
    eigenvalues = np.linalg.eigvalsh(gram)
    terms = 2.0 * design.n_rows + p + 10.0
    epsilon = float(np.finfo(np.float64).eps)
    if not eigenvalues[0] > 10.0 * terms * epsilon * eigenvalues[-1]:
        return False  # V' L^2 V is numerically singular: some rows carry no usable weight
    try:
        factor = scipy.linalg.cho_factor(gram, lower=True)
    except np.linalg.LinAlgError:
        return False
    direction = scipy.linalg.cho_solve(factor, gradient)
    # The gradient's rounding error moves the correction direction by at most this much.
    uncertainty = terms * epsilon * float(np.linalg.norm(magnitude)) / eigenvalues[0]
    corrections = map_row_chunks(
        lambda rows: _largest_correction(design, coef, direction, uncertainty, rows),
        design.n_rows,
        p,
        n_threads,
    )
    worst = max(corrections)
    return bool(np.isfinite(worst) and worst < _LARGEST_CORRECTION)
