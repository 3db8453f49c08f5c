"""The linear programs behind the separation check, on signed and scaled rows.

Each row becomes :math:`s_i x_i` (:math:`s_i = +1` for an event, :math:`-1` for a non-event) with
the columns scaled to a largest absolute value of 1; Konis's program looks for a direction with
every margin non-negative and some positive (see :mod:`logitfit.diagnostics.separation`, which
turns the answers into findings, and the Dask fit, which runs them on a row sample).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from scipy.optimize import linprog

if TYPE_CHECKING:
    from logitfit.design.core import Design

__all__ = [
    "FEASIBILITY",
    "MARGIN",
    "complete_direction",
    "completely_separated",
    "diverging",
    "separating_direction",
    "sign_rows",
    "unexplored_directions",
]

# Columns are scaled to a largest absolute value of 1, so a row margin above this is a real
# positive margin, far above HiGHS's feasibility tolerance (1e-7 on unscaled constraints).
MARGIN = 1e-6

# HiGHS's primal feasibility tolerance: constraint violations up to this are "satisfied".
FEASIBILITY = 1e-7


def sign_rows(
    design: Design, scale: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (signed rows s_i x_i, the row index each came from, scale per column).

    Columns are divided by ``scale`` (default: their largest absolute value over rows in use).
    """
    used = design.weights > 0
    events = used & (design.successes > 0)
    non_events = used & (design.successes < design.trials)
    if scale is None:
        scale = np.max(np.abs(design.X[used]), axis=0, initial=0.0)
        scale[scale == 0] = 1.0
    X = design.X / scale
    signed = np.vstack([X[events], -X[non_events]])
    origin = np.concatenate([np.flatnonzero(events), np.flatnonzero(non_events)])
    return signed, origin, scale


def separating_direction(
    signed: np.ndarray, basis: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray] | None:
    """Solve Konis's program on signed rows: (direction, margins), or None if not separated.

    With ``basis`` (p x d), the direction is restricted to ``b = basis @ c`` and ``signed``
    holds the rows already projected on it (``S basis``, shape (k, d)); the box ``|b_j| <= 1``
    stays on ``b``.
    """
    n_cols = signed.shape[1]
    if basis is None:
        box: dict[str, Any] = {"bounds": [(-1.0, 1.0)] * n_cols}
        A_ub, b_ub = -signed, np.zeros(signed.shape[0])
    else:
        box = {"bounds": [(None, None)] * n_cols}
        A_ub = np.vstack([-signed, basis, -basis])
        b_ub = np.concatenate([np.zeros(signed.shape[0]), np.ones(2 * basis.shape[0])])
    solution = linprog(c=-signed.sum(axis=0), A_ub=A_ub, b_ub=b_ub, method="highs", **box)
    if solution.status != 0:
        return None
    margins = signed @ solution.x
    if not np.any(margins > MARGIN):
        return None
    direction = solution.x if basis is None else basis @ solution.x
    return direction, margins


def unexplored_directions(sample_signed: np.ndarray) -> np.ndarray | None:
    """Return a basis of the directions a non-separated sample says nothing about, or None.

    When Konis's program finds no separating direction on a sample, every direction ``b`` with
    ``S_sample b >= 0`` has ``X_sample b = 0``. If the sample's columns have full rank that is
    only ``b = 0``, which proves the whole data are not separated (a direction separating all
    rows separates every subset). Otherwise (a rare factor level absent from the sample, for
    instance) a separating direction of the whole data can only lie in the sample's null space,
    returned here (p x d, orthonormal, from an SVD), and a program in those d coordinates over
    the rows that involve them decides the question exactly.
    """
    if sample_signed.shape[0] == 0:
        return np.eye(sample_signed.shape[1])
    _, singular, vt = np.linalg.svd(sample_signed, full_matrices=True)
    # Columns are scaled to a largest |value| of 1, so a singular value below 1e-6 of the
    # largest leaves margins far below the program's MARGIN: treat it as unexplored.
    rank = int(np.sum(singular > 1e-6 * singular[0])) if singular.size else 0
    return None if rank == sample_signed.shape[1] else vt[rank:].T


def diverging(names: tuple[str, ...], direction: np.ndarray) -> dict[str, int]:
    """Return each coefficient with a non-negligible part in the direction, with its sign."""
    largest = float(np.max(np.abs(direction)))
    return {
        names[j]: int(np.sign(direction[j]))
        for j in range(direction.shape[0])
        if abs(direction[j]) > 1e-7 * largest
    }


def completely_separated(signed: np.ndarray) -> bool:
    """Tell whether some direction gives every signed row a positive margin (``S b >= 1``)."""
    return complete_direction(signed) is not None


def complete_direction(signed: np.ndarray) -> np.ndarray | None:
    """Return a direction with ``S b >= 1`` (every signed row a positive margin), or None."""
    n_cols = signed.shape[1]
    complete = linprog(
        c=np.zeros(n_cols),
        A_ub=-signed,
        b_ub=-np.ones(signed.shape[0]),
        bounds=[(None, None)] * n_cols,
        method="highs",
    )
    return np.asarray(complete.x) if complete.status == 0 else None
