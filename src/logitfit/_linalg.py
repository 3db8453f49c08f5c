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
    "cholesky_lower",
    "find_aliased_columns",
    "inverse_spd",
    "inverse_hessian",
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
