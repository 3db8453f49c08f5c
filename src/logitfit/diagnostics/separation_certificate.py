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

from logitfit.design.core import Design
from logitfit.likelihood.logistic import probabilities, row_blocks, weighted_gram

__all__ = ["certify_no_separation"]

# The corrected weights keep at least half of each row's weight.
_LARGEST_CORRECTION = 0.5


def certify_no_separation(design: Design, coef: NDArray[np.float64]) -> bool:
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

    Returns
    -------
    bool
        True: no separating direction exists (proved). False: not proved either way.
    """
    p = design.n_params
    gram = np.zeros((p, p))
    gradient = np.zeros(p)
    magnitude = np.zeros(p)  # sum of lambda_j |v_j|, componentwise
    parts: list[tuple[NDArray[np.float64], NDArray[np.float64]]] = []
    for block in row_blocks(design.n_rows, p):
        X = design.X[block]
        eta = X @ coef + design.offset[block]
        mu, complement = probabilities(eta), probabilities(-eta)
        successes = design.successes[block]
        failures = design.trials[block] - successes
        counted = design.weights[block] > 0
        positive = design.weights[block] * successes * complement  # lambda+ of +x
        negative = design.weights[block] * failures * mu  # lambda- of -x
        # A part that is present must keep a strictly positive weight.
        if np.any(counted & (successes > 0) & (positive <= 0)):
            return False
        if np.any(counted & (failures > 0) & (negative <= 0)):
            return False
        gram += weighted_gram(X, positive**2 + negative**2)
        gradient += X.T @ (positive - negative)
        magnitude += np.abs(X).T @ (positive + negative)
        parts.append((positive, negative))
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
    worst = 0.0
    for block, (positive, negative) in zip(row_blocks(design.n_rows, p), parts, strict=True):
        along = design.X[block] @ direction
        lengths = np.sqrt(np.einsum("ij,ij->i", design.X[block], design.X[block]))
        # t+ = -lambda+ x'h and t- = +lambda- x'h, each with its rounding allowance.
        worst = max(
            worst,
            float(np.max(positive * along + positive * lengths * uncertainty, initial=0.0)),
            float(np.max(-negative * along + negative * lengths * uncertainty, initial=0.0)),
        )
    return bool(np.isfinite(worst) and worst < _LARGEST_CORRECTION)
