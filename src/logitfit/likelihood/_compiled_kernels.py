r"""numba kernels for one row block of a binary design: eta, deviance, gradient, scaled rows.

Imported only by :mod:`logitfit.likelihood.compiled`, and only when numba is installed. Each
kernel reads the block once (from cache after its first column or row) and computes, per row
:math:`i`, the same quantities as the numpy pass in :mod:`logitfit.likelihood.logistic`:

.. math::

    \eta_i = x_i^T \beta + o_i, \quad t_i = e^{-|\eta_i|}, \quad
    \log \mu_i = \min(\eta_i, 0) - \log(1 + t_i), \quad
    \mu_i = (1 \text{ or } t_i) / (1 + t_i),

    d_i = -2 w_i [\log \mu_i - (1 - y_i) \eta_i], \qquad
    g \mathrel{-}= w_i (y_i - \mu_i) x_i, \qquad s_i = \sqrt{w_i \mu_i (1 - \mu_i)}\, x_i,

so that ``X^T W X = S^T S`` is left to BLAS's symmetric rank-k update on the scaled rows
``S`` (a compiled triple loop would be several times slower than OpenBLAS's blocked kernel).
``fastmath`` allows only re-association and fused multiply-adds, so that the sums over columns
and rows vectorise; it assumes nothing about NaN or infinity, which keep their meaning (a
non-finite coefficient makes the deviance and the largest |eta| NaN, as in numpy).

Empty arrays (length 0) stand for "absent": no offset, unit weights, no scaled rows wanted.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

# Re-association and contraction only: the results differ from numpy's by rounding in the
# order of the sums, never by a different treatment of NaN, infinity or signed zero.
_FLAGS = {"reassoc", "contract"}


@njit(nogil=True, fastmath=_FLAGS, cache=True, inline="always")
def _one_row(e, y, w):  # type: ignore[no-untyped-def]
    """Return a row's unit deviance times w, its residual w (y - mu) and sqrt(w mu (1 - mu))."""
    t = math.exp(-abs(e))
    log_mu = min(e, 0.0) - math.log1p(t)
    mu = (1.0 if e >= 0.0 else t) / (1.0 + t)
    # log(1 - mu) = log mu - eta, so the unit deviance needs no saturated term.
    return w * (-2.0 * (log_mu - (1.0 - y) * e)), w * (y - mu), math.sqrt(w * (mu * (1.0 - mu)))


@njit(nogil=True, fastmath=_FLAGS, cache=True, inline="always")
def _larger(largest, e):  # type: ignore[no-untyped-def]
    """Return max(largest, |e|), where a NaN, once met, stays (as numpy's max propagates it)."""
    a = abs(e)
    return a if (not a <= largest and largest == largest) else largest


@njit(nogil=True, fastmath=_FLAGS, cache=True)
def block_by_rows(X, coef, successes, offset, weights, gradient, scaled):  # type: ignore[no-untyped-def]
    """One C-ordered block, row by row: each row is read from memory once for all its work.

    Parameters
    ----------
    X : ndarray of shape (k, p), C-ordered
    coef : ndarray of shape (p,)
    successes : ndarray of shape (k,)
    offset, weights : ndarray of shape (k,) or (0,)
    gradient : ndarray of shape (p,)
        Accumulates ``-X^T w (y - mu)`` in place.
    scaled : ndarray of shape (k, p) or (0, p), float64 or float32
        Receives the scaled rows when its length is k (float32: an approximate Hessian).

    Returns
    -------
    deviance, largest_abs_eta : float
    """
    n, p = X.shape
    with_offset, weighted, with_scaled = (
        offset.shape[0] > 0,
        weights.shape[0] > 0,
        scaled.shape[0] > 0,
    )
    deviance = 0.0
    largest = 0.0
    for i in range(n):
        e = offset[i] if with_offset else 0.0
        for j in range(p):
            e += X[i, j] * coef[j]
        largest = _larger(largest, e)
        term, residual, root_variance = _one_row(e, successes[i], weights[i] if weighted else 1.0)
        deviance += term
        for j in range(p):
            gradient[j] -= residual * X[i, j]
        if with_scaled:
            for j in range(p):
                scaled[i, j] = root_variance * X[i, j]
    return deviance, largest


@njit(nogil=True, fastmath=_FLAGS, cache=True)
def block_by_columns(X, coef, successes, offset, weights, gradient, scaled, work):  # type: ignore[no-untyped-def]
    """One block of an F-ordered design (formula and plain-column designs), column by column.

    Parameters as :func:`block_by_rows`, with ``scaled`` F-ordered and ``work`` of shape (3, k)
    for eta, the residuals and the root variances.
    """
    n, p = X.shape
    weighted, with_scaled = weights.shape[0] > 0, scaled.shape[0] > 0
    eta, residuals, root_variances = work[0, :n], work[1, :n], work[2, :n]
    for i in range(n):
        eta[i] = offset[i] if offset.shape[0] > 0 else 0.0
    for j in range(p):
        c = coef[j]
        for i in range(n):
            eta[i] += X[i, j] * c
    deviance = 0.0
    largest = 0.0
    for i in range(n):
        largest = _larger(largest, eta[i])
        term, residuals[i], root_variances[i] = _one_row(
            eta[i], successes[i], weights[i] if weighted else 1.0
        )
        deviance += term
    for j in range(p):
        total = 0.0
        for i in range(n):
            total += residuals[i] * X[i, j]
        gradient[j] -= total
        if with_scaled:
            for i in range(n):
                scaled[i, j] = root_variances[i] * X[i, j]
    return deviance, largest


def warm_up() -> None:
    """Compile (or load from numba's cache) both kernels for the array types of a real pass."""
    empty = np.empty(0)
    rows = np.ones((2, 2))
    columns = np.ones((4, 2), order="F")[:2]  # rows sliced from an F-ordered design
    for dtype in (np.float64, np.float32):  # exact Hessians, and approximate ones
        scaled = np.empty((2, 2), dtype)
        block_by_rows(rows, np.zeros(2), np.ones(2), empty, empty, np.zeros(2), scaled)
        scaled = np.empty((2, 2), dtype, order="F")
        block_by_columns(
            columns, np.zeros(2), np.ones(2), empty, empty, np.zeros(2), scaled, np.empty((3, 2))
        )
