r"""Restricted cubic splines as Harrell defines them (``Hmisc::rcspline.eval``, ``rms::rcs``).

With knots :math:`t_1 < \dots < t_k`, the basis is :math:`x` and, for :math:`j = 1, \dots, k-2`,

.. math::

    X_j = \frac{(x - t_j)_+^3 - (x - t_{k-1})_+^3 \frac{t_k - t_j}{t_k - t_{k-1}}
          + (x - t_k)_+^3 \frac{t_{k-1} - t_j}{t_k - t_{k-1}}}{(t_k - t_1)^2},

cubic between the knots and linear beyond the outer ones (Harrell, *Regression Modeling
Strategies*, 2nd ed., section 2.4.5; the division by :math:`(t_k - t_1)^2` is rcs's default
``norm = 2``, which keeps the columns on the scale of :math:`x`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from logitfit.exceptions import DataError

__all__ = ["harrell_knots", "restricted_cubic_basis"]

# Hmisc's rcspline.eval: share of the rows at an extreme value that moves the outer knot in.
_FRACTION_TIED = 0.05


def harrell_knots(x: NDArray[np.float64], n_knots: int = 4) -> NDArray[np.float64]:
    """Return the knots ``Hmisc::rcspline.eval`` (``rms::rcs``) places for ``n_knots`` knots.

    As Hmisc 4.8: quantiles (R's default type 7) equally spaced from ``outer`` to
    ``1 - outer`` (0.1 for 3 knots, 0.05 for 4 to 6, 0.025 for 7); when the smallest (largest)
    value holds at least 5% of the rows and no interior value does, the first (last) knot is
    the second smallest (largest) value and the others are placed among the rows beyond it;
    with fewer than 100 such rows the outer quantile knots move to the fifth smallest and fifth
    largest of them. Hmisc's fallback for heavily tied data is refused instead.

    Parameters
    ----------
    x : ndarray of shape (n,)
    n_knots : int
        3 to 7.

    Returns
    -------
    ndarray of shape (n_knots,)
    """
    if not (isinstance(n_knots, int) and 3 <= n_knots <= 7):
        raise DataError(f"n_knots must be a whole number from 3 to 7, got {n_knots!r}.")
    values, counts = np.unique(x, return_counts=True)
    if values.size - 2 <= n_knots:
        raise DataError(
            f"it has {values.size} distinct values, too few for {n_knots} knots, which need "
            f"more than {n_knots + 2}."
        )
    outer = 0.1 if n_knots == 3 else (0.025 if n_knots > 6 else 0.05)
    share = counts / x.size
    first: list[float] = []
    last: list[float] = []
    kept = x
    if share[1:-1].max() < _FRACTION_TIED:
        if share[0] >= _FRACTION_TIED:
            first = [float(values[1])]
            kept = kept[kept > values[1]]
        if share[-1] >= _FRACTION_TIED:
            last = [float(values[-2])]
            kept = kept[kept < values[-2]]
    inner = n_knots - len(first) - len(last)
    if inner == 1:
        middle = np.array([np.median(kept)])
    else:
        at = np.linspace(0.5 if inner == 2 else outer, 1.0 - outer, inner)
        middle = np.quantile(kept, at)
        if np.unique(middle).size < min(inner, 3):
            raise DataError(
                "its values are too heavily tied for the default knots; choose knots by hand."
            )
        if kept.size < 100:
            ordered = np.sort(kept)
            if not first:
                middle[0] = ordered[4]
            if not last:
                middle[-1] = ordered[-5]
    knots = np.unique(np.r_[first, middle, last])
    if knots.size != n_knots:
        raise DataError(f"it gives {knots.size} distinct knots, not {n_knots}.")
    return knots


def restricted_cubic_basis(
    x: NDArray[np.float64], knots: NDArray[np.float64]
) -> NDArray[np.float64]:
    r"""Return the nonlinear columns of the restricted cubic spline of ``x`` at ``knots``.

    Parameters
    ----------
    x : ndarray of shape (n,)
    knots : ndarray of shape (k,)
        Increasing.

    Returns
    -------
    ndarray of shape (n, k - 2)
        :math:`X_1, \dots, X_{k-2}` (the linear column :math:`x` is not repeated).
    """
    last, second_last, first = knots[-1], knots[-2], knots[0]

    def cube(at: float) -> NDArray[np.float64]:
        return np.maximum(x - at, 0.0) ** 3

    columns = [
        cube(t)
        - cube(second_last) * (last - t) / (last - second_last)
        + cube(last) * (second_last - t) / (last - second_last)
        for t in knots[:-2]
    ]
    return np.column_stack(columns) / (last - first) ** 2
