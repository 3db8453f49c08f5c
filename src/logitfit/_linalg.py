"""Small dense linear algebra on p x p matrices: Cholesky solves and aliased-column detection.

Everything here works on the (p, p) Hessian or Gram matrix, never on the (n, p) design, so its
cost does not grow with the number of rows.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.linalg
from numpy.typing import NDArray

from logitfit.exceptions import ConvergenceError

__all__ = [
    "AliasedColumn",
    "TriangularFactor",
    "cholesky_lower",
    "covariance_from_factor",
    "find_aliased_columns",
    "inverse_spd",
    "inverse_hessian",
    "scaled_condition",
    "solve_spd",
]

# A column is called aliased when its squared residual norm, after projecting it on the earlier
# kept columns, is below this fraction of its own squared norm (R^2 > 1 - 1e-9). The Gram matrix
# squares the condition number, so the threshold sits well above float64 round-off (about 1e-16)
# and corresponds to R's QR tolerance of 1e-7 applied to norms (1e-14 on squares) relaxed by five
# orders of magnitude: a column that close to the span of the others gives standard errors inflated
# by about 3e4 and is better reported than fitted.
ALIAS_TOLERANCE = 1e-9


def cholesky_lower(matrix: NDArray[np.float64]) -> NDArray[np.float64] | None:
    """Return the lower Cholesky factor of a symmetric matrix, or None if not positive definite.

    Parameters
    ----------
    matrix : ndarray of shape (p, p)
        Symmetric matrix; only its lower triangle is read.

    Returns
    -------
    ndarray of shape (p, p) or None
        ``L`` with ``L @ L.T == matrix``, or None when the factorisation breaks down.
    """
    try:
        return scipy.linalg.cholesky(matrix, lower=True, check_finite=False)
    except np.linalg.LinAlgError:
        return None


def smallest_scaled_eigenvalue(matrix: NDArray[np.float64]) -> float:
    """Return the smallest eigenvalue of a symmetric matrix scaled to unit diagonal.

    ``-inf`` when a diagonal entry is not positive (the scaling does not exist).

    Parameters
    ----------
    matrix : ndarray of shape (p, p)

    Returns
    -------
    float
    """
    scaled = _unit_diagonal(matrix)
    return float("-inf") if scaled is None else float(scipy.linalg.eigvalsh(scaled)[0])


def _unit_diagonal(matrix: NDArray[np.float64]) -> NDArray[np.float64] | None:
    """Return ``D^-1/2 A D^-1/2`` for ``D = diag(A)``, or None when a diagonal entry is not > 0."""
    diagonal = np.diag(matrix)
    if not np.all(diagonal > 0.0):
        return None
    scale = np.sqrt(diagonal)
    return matrix / np.outer(scale, scale)


def solve_spd(factor: NDArray[np.float64], rhs: NDArray[np.float64]) -> NDArray[np.float64]:
    """Solve ``A x = rhs`` given the lower Cholesky factor of ``A``.

    Parameters
    ----------
    factor : ndarray of shape (p, p)
        Lower Cholesky factor of ``A`` (from :func:`cholesky_lower`).
    rhs : ndarray of shape (p,) or (p, m)
        Right-hand side.

    Returns
    -------
    ndarray of the shape of ``rhs``
    """
    return scipy.linalg.cho_solve((factor, True), rhs, check_finite=False)


def inverse_spd(factor: NDArray[np.float64]) -> NDArray[np.float64]:
    """Return the inverse of ``A`` from its lower Cholesky factor, exactly symmetric.

    Parameters
    ----------
    factor : ndarray of shape (p, p)
        Lower Cholesky factor of ``A``.

    Returns
    -------
    ndarray of shape (p, p)
    """
    inverse = solve_spd(factor, np.eye(factor.shape[0]))
    return (inverse + inverse.T) / 2.0


def inverse_hessian(hessian: NDArray[np.float64]) -> NDArray[np.float64]:
    """Return the inverse of a Hessian by Cholesky, the model-based covariance of the estimates.

    Parameters
    ----------
    hessian : ndarray of shape (p, p)

    Returns
    -------
    ndarray of shape (p, p)

    Raises
    ------
    ConvergenceError
        When the Hessian is not positive definite (never a silent pseudo-inverse).
    """
    factor = cholesky_lower(hessian)
    if factor is None:
        raise ConvergenceError("The Hessian is not positive definite: no covariance exists.")
    return inverse_spd(factor)


#: Above this condition number of the Hessian scaled to unit diagonal, the model covariance is
#: formed from a QR factorisation of sqrt(W) X rather than from the Cholesky factor of X'WX: the
#: Cholesky route loses about cond x 1e-16 relative (1e-10 at 1e6), the QR route about
#: sqrt(cond) x 1e-16 (Higham, *Accuracy and Stability of Numerical Algorithms*, ch. 19-20).
ILL_CONDITIONED = 1e6


def scaled_condition(matrix: NDArray[np.float64]) -> float:
    """Estimate the 1-norm condition number of ``D^-1/2 A D^-1/2``, ``D = diag(A)``.

    LAPACK's ``pocon`` estimate from the Cholesky factor, O(p^2) beyond the factorisation.
    Scaling to unit diagonal removes the part of the condition number that comes from units
    (grams against kilograms), which costs a Cholesky factorisation no accuracy.

    Parameters
    ----------
    matrix : ndarray of shape (p, p)
        Symmetric positive definite.

    Returns
    -------
    float
        ``inf`` when the scaled matrix is not positive definite (or a diagonal entry is not
        positive, so that there is no scaling).
    """
    if matrix.shape[0] == 0:
        return 1.0
    scaled = _unit_diagonal(matrix)
    factor = None if scaled is None else cholesky_lower(scaled)
    if scaled is None or factor is None:
        return float("inf")
    (pocon,) = scipy.linalg.get_lapack_funcs(("pocon",), (scaled,))
    rcond, info = pocon(factor, float(np.max(np.sum(np.abs(scaled), axis=0))), uplo="L")
    return float("inf") if info != 0 or rcond <= 0.0 else float(1.0 / rcond)


class TriangularFactor:
    """The R factor of a QR factorisation of some rows, combined with ``+`` over row sets.

    ``R_a + R_b`` is the R factor of the stacked rows (the QR of ``[R_a; R_b]``), so partial
    factors of row blocks, threads or Dask partitions combine like the sums of
    :func:`logitfit.design.core.sum_over_rows` (the tall-skinny QR of Demmel et al. 2012).

    Parameters
    ----------
    R : ndarray of shape (p, p)
        Upper triangular.
    """

    def __init__(self, R: NDArray[np.float64]) -> None:
        self.R = R

    @classmethod
    def of_rows(cls, rows: NDArray[np.float64]) -> TriangularFactor:
        """Return the R factor of ``rows`` (shape (k, p)), padded with zero rows when k < p."""
        n_cols = rows.shape[1]
        if rows.shape[0] < n_cols:
            rows = np.vstack([rows, np.zeros((n_cols - rows.shape[0], n_cols))])
        R = scipy.linalg.qr(rows, mode="r", check_finite=False)[0]
        return cls(np.triu(R[:n_cols]))

    def __add__(self, other: TriangularFactor) -> TriangularFactor:
        return TriangularFactor.of_rows(np.vstack([self.R, other.R]))


def covariance_from_factor(factor: TriangularFactor) -> NDArray[np.float64]:
    """Return ``(R^T R)^-1 = R^-1 R^-T`` from the R factor of ``sqrt(W) X``.

    Parameters
    ----------
    factor : TriangularFactor

    Returns
    -------
    ndarray of shape (p, p)

    Raises
    ------
    ConvergenceError
        When R is singular (a zero on its diagonal).
    """
    R = factor.R
    if R.shape[0] and np.min(np.abs(np.diag(R))) == 0.0:
        raise ConvergenceError("The weighted design is singular: no covariance exists.")
    inverse = scipy.linalg.solve_triangular(R, np.eye(R.shape[0]), check_finite=False)
    cov = inverse @ inverse.T
    return (cov + cov.T) / 2.0


class AliasedColumn:
    """A design column that is (numerically) a linear combination of earlier columns.

    Parameters
    ----------
    name : str
        The aliased column.
    combination : dict of str to float
        The earlier columns and their coefficients in the combination that reproduces it.
    """

    def __init__(self, name: str, combination: dict[str, float]) -> None:
        self.name = name
        self.combination = combination

    def describe(self) -> str:
        """Return the alias as an equation, e.g. ``"x3 = 1 * x1 + 2 * x2"``."""
        if not self.combination:
            return f"{self.name} is zero in every row"
        parts = " + ".join(f"{coef:.6g} * {other}" for other, coef in self.combination.items())
        return f"{self.name} = {parts}"


def find_aliased_columns(gram: NDArray[np.float64], names: Sequence[str]) -> list[AliasedColumn]:
    """Find columns that are linear combinations of earlier ones, in column order (as R's ``lm``).

    Works on the Gram matrix ``X^T W X`` so it never needs the rows again: a sequential Cholesky
    keeps a column when its residual after projection on the kept columns is non-negligible
    (:data:`ALIAS_TOLERANCE`) and reports it otherwise, with the combination that reproduces it.

    Parameters
    ----------
    gram : ndarray of shape (p, p)
        Weighted Gram matrix of the design.
    names : sequence of str, length p
        Column names.

    Returns
    -------
    list of AliasedColumn
        Empty when the design has full column rank.
    """
    raw_diagonal = np.diag(gram).copy()
    # Work on the correlation-like matrix D^-1/2 G D^-1/2 so columns in grams and in kilograms
    # are treated alike; the combinations are scaled back to the original units below.
    scale = np.sqrt(np.where(raw_diagonal > 0.0, raw_diagonal, 1.0))
    gram = gram / np.outer(scale, scale)
    diagonal = np.where(raw_diagonal > 0.0, 1.0, 0.0)
    # Fast path: in an unpivoted Cholesky, L[j, j]^2 is exactly the residual of column j after
    # projection on columns 0..j-1, so one factorisation settles the full-rank case.
    full = cholesky_lower(gram) if np.all(diagonal > 0.0) else None
    if full is not None and np.all(np.diag(full) ** 2 > ALIAS_TOLERANCE * diagonal):
        return []
    kept: list[int] = []
    aliased: list[AliasedColumn] = []
    for j in range(gram.shape[0]):
        if diagonal[j] <= 0.0:
            aliased.append(AliasedColumn(names[j], {}))
            continue
        if kept:
            sub = gram[np.ix_(kept, kept)]
            cross = gram[kept, j]
            factor = cholesky_lower(sub)
            if factor is None:  # cannot happen for kept columns, but never divide blindly
                coefs = np.linalg.lstsq(sub, cross, rcond=None)[0]
            else:
                coefs = solve_spd(factor, cross)
            residual = diagonal[j] - float(cross @ coefs)
        else:
            coefs = np.zeros(0)
            residual = diagonal[j]
        if residual <= ALIAS_TOLERANCE * diagonal[j]:
            combo = {
                names[k]: float(c) * scale[j] / scale[k]
                for k, c in zip(kept, coefs, strict=True)
                if abs(c) > 1e-8 * max(1.0, float(np.max(np.abs(coefs))))
            }
            aliased.append(AliasedColumn(names[j], combo))
        else:
            kept.append(j)
    return aliased
