r"""Detect complete and quasi-complete separation with a linear program.

The maximum-likelihood estimate is finite exactly when no direction :math:`b \ne 0` satisfies
:math:`s_i x_i^T b \ge 0` for every row, with :math:`s_i = +1` for events and :math:`-1` for
non-events (Albert & Anderson 1984). Following Konis (2007, *Linear programming algorithms for
detecting separated data in binary logistic regression models*, DPhil thesis, Oxford; the method
of R's ``detectseparation``) we solve

.. math::

    \max_b \sum_i s_i x_i^T b \quad \text{s.t.} \quad s_i x_i^T b \ge 0, \; -1 \le b_j \le 1,

with ``scipy.optimize.linprog`` (HiGHS). A positive optimum means separation along :math:`b`:
coefficients with :math:`b_j \ne 0` diverge to :math:`\mathrm{sign}(b_j) \infty`, and rows with
:math:`s_i x_i^T b > 0` are predicted perfectly. The separation is complete when a second program,
:math:`s_i x_i^T b \ge 1` for all rows, is feasible. Rows of events/trials data with both outcomes
contribute both signs, forcing :math:`x_i^T b = 0`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from scipy.optimize import linprog

from logitfit.results.records import Record

if TYPE_CHECKING:
    from logitfit.design.core import Design

__all__ = [
    "Candidate",
    "Separation",
    "confirmed_separation",
    "detect_separation",
    "RowStack",
    "direction_counts",
    "projected_rows",
    "sample_candidate",
    "separation_in_directions",
    "sign_rows",
    "unexplored_directions",
]

# Columns are scaled to a largest absolute value of 1, so a row margin above this is a real
# positive margin, far above HiGHS's feasibility tolerance (1e-7 on unscaled constraints).
_MARGIN = 1e-6

# HiGHS's primal feasibility tolerance: constraint violations up to this are "satisfied".
_FEASIBILITY = 1e-7

# Signed rows beyond which a systematic subsample is checked first (see detect_separation).
_SUBSAMPLE = 5_000


@dataclass(frozen=True)
class Separation(Record):
    """The outcome of the separation check.

    Attributes
    ----------
    kind : {"complete", "quasi-complete"}
        Complete: every row is predicted perfectly; quasi-complete: some rows are.
    directions : dict of str to int
        Each coefficient whose estimate diverges, with the sign (+1 or -1) of its divergence.
    separated_rows : tuple
        Labels of the rows predicted perfectly along the separating direction (empty for data
        in Dask partitions, whose labels stay on the workers).
    n_separated : int or None
        Their number, when the labels are not kept (Dask); else ``len(separated_rows)``.
    """

    kind: Literal["complete", "quasi-complete"]
    directions: dict[str, int]
    separated_rows: tuple[Any, ...]
    n_separated: int | None = None

    @property
    def rows_count(self) -> int:
        """Number of rows predicted perfectly."""
        return len(self.separated_rows) if self.n_separated is None else self.n_separated

    def to_frame(self) -> pd.DataFrame:
        """Return one row per diverging coefficient: ``coefficient, direction`` (+1 or -1).

        Returns
        -------
        pandas.DataFrame
        """
        return pd.DataFrame(
            {"coefficient": list(self.directions), "direction": list(self.directions.values())}
        )

    def summary(self) -> str:
        """Return the finding in words (as :meth:`describe`).

        Returns
        -------
        str
        """
        return self.describe()

    def describe(self) -> str:
        """Return the finding in words, with the columns involved and what to do."""
        columns = ", ".join(
            f"'{name}' (to {'+' if sign > 0 else '-'}infinity)"
            for name, sign in self.directions.items()
        )
        return (
            f"{self.kind.capitalize()} separation: a combination of {columns} predicts the "
            f"outcome perfectly in {self.rows_count} rows, so the maximum-likelihood "
            "estimates of these coefficients are infinite and their standard errors meaningless. "
            "Consider removing or merging the separating predictor(s), or a penalised fit "
            "(Firth's method)."
        )


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


def _separating_direction(
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
    if not np.any(margins > _MARGIN):
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
    # largest leaves margins far below the program's _MARGIN: treat it as unexplored.
    rank = int(np.sum(singular > 1e-6 * singular[0])) if singular.size else 0
    return None if rank == sample_signed.shape[1] else vt[rank:].T


class RowStack:
    """Rows gathered from parts of the data, combined with ``+`` by stacking (Dask passes).

    Parameters
    ----------
    rows : ndarray of shape (k, d)
    """

    def __init__(self, rows: np.ndarray) -> None:
        self.rows = rows

    def __add__(self, other: RowStack) -> RowStack:
        return RowStack(np.vstack([self.rows, other.rows]))


def projected_rows(design: Design, basis: np.ndarray, scale: np.ndarray) -> RowStack:
    """Return the signed rows projected on ``basis`` that are not zero there (one pass each).

    Parameters
    ----------
    design : Design
    basis : ndarray of shape (p, d)
        From :func:`unexplored_directions`.
    scale : ndarray of shape (p,)
        The column scale the basis was computed with.

    Returns
    -------
    RowStack
    """
    signed, _, _ = sign_rows(design, scale)
    projected = signed @ basis
    return RowStack(projected[np.max(np.abs(projected), axis=1, initial=0.0) > _MARGIN * 1e-3])


def separation_in_directions(
    names: tuple[str, ...], projected: np.ndarray, basis: np.ndarray
) -> Separation | None:
    """Decide separation along the unexplored directions of a non-separated sample.

    The sample is not separated, so neither can the whole data be completely separated: a
    separation found here is quasi-complete.

    Parameters
    ----------
    names : tuple of str
    projected : ndarray of shape (k, d)
        Every row of the whole data projected on ``basis`` (rows that are zero may be left out).
    basis : ndarray of shape (p, d)

    Returns
    -------
    Separation or None
    """
    found = _separating_direction(projected, basis)
    if found is None:
        return None
    direction, margins = found
    return Separation(
        "quasi-complete",
        _diverging(names, direction),
        (),
        n_separated=int(np.sum(margins > _MARGIN)),
    )


def _diverging(names: tuple[str, ...], direction: np.ndarray) -> dict[str, int]:
    """Each coefficient with a non-negligible part in the direction, with its sign."""
    largest = float(np.max(np.abs(direction)))
    return {
        names[j]: int(np.sign(direction[j]))
        for j in range(direction.shape[0])
        if abs(direction[j]) > 1e-7 * largest
    }


def detect_separation(design: Design) -> Separation | None:
    """Decide whether the outcome is separated, exactly, by linear programming.

    Parameters
    ----------
    design : Design

    Returns
    -------
    Separation or None
        None when the maximum-likelihood estimate exists (no separation).
    """
    signed, origin, _ = sign_rows(design)
    # Shortcut: a separating direction of all rows separates every subset of them, so a
    # subsample that is not separated rules out every direction it spans; the directions it
    # does not span (a rare level left out) get an exact program of their own. Only a separated
    # subsample (or small data) needs the full linear program.
    found = None
    subsample = signed[:: signed.shape[0] // _SUBSAMPLE] if signed.shape[0] > _SUBSAMPLE else None
    if subsample is not None:
        candidate = _separating_direction(subsample)
        if candidate is None:
            # Sound only where the subsample spans every direction: search the rest exactly.
            basis = unexplored_directions(subsample)
            if basis is None:
                return None
            projected = signed @ basis  # rows that are zero here impose nothing: leave out
            involved = np.max(np.abs(projected), axis=1, initial=0.0) > _MARGIN * 1e-3
            reduced = _separating_direction(projected[involved], basis)
            if reduced is None:
                return None
            direction, _ = reduced
            margins = signed @ direction
            rows = np.unique(origin[margins > _MARGIN])
            directions = _diverging(design.names, direction)
            return Separation("quasi-complete", directions, tuple(design.row_labels[rows]))
        # The subsample's direction, if it separates every row too, is a proof for all rows.
        margins = signed @ candidate[0]
        if np.all(margins >= -_MARGIN * 1e-3) and np.any(margins > _MARGIN):
            found = (candidate[0], margins)
    if found is None:
        found = _separating_direction(signed)
    if found is None:
        return None
    direction, margins = found
    directions = _diverging(design.names, direction)
    rows = np.unique(origin[margins > _MARGIN])
    if subsample is not None and not _completely_separated(subsample):
        # complete separation of all rows would separate the subsample completely too
        return Separation("quasi-complete", directions, tuple(design.row_labels[rows]))
    if _completely_separated(signed):
        return Separation("complete", directions, tuple(design.row_labels[np.unique(origin)]))
    return Separation("quasi-complete", directions, tuple(design.row_labels[rows]))


@dataclass(frozen=True)
class Candidate:
    """A separating direction found on a row sample, to be checked on every row.

    Attributes
    ----------
    direction : ndarray of shape (p,)
        Konis's direction for the sample's columns scaled by ``scale``.
    scale : ndarray of shape (p,)
        Column scale of the sample.
    complete : ndarray of shape (p,) or None
        A direction separating every sample row strictly (``S b >= 1``), when the sample is
        completely separated; None when it is not (then the whole data cannot be either).
    """

    direction: np.ndarray
    scale: np.ndarray
    complete: np.ndarray | None


def sample_candidate(sample: Design) -> Candidate | None:
    """Solve the linear program on a row sample; None proves the whole data not separated.

    A direction separating all rows separates every subset of them, so a sample that is not
    separated is a proof for the whole data; a separated one gives a candidate direction that
    :func:`direction_counts` checks on every row.

    Parameters
    ----------
    sample : Design

    Returns
    -------
    Candidate or None
    """
    signed, _, scale = sign_rows(sample)
    found = _separating_direction(signed)
    if found is None:
        return None
    return Candidate(found[0], scale, _complete_direction(signed))


def direction_counts(design: Design, candidate: Candidate) -> np.ndarray:
    """Count, over a design's rows, those that the candidate direction fails and separates.

    Returns
    -------
    ndarray of shape (4,)
        Signed rows with a negative margin along Konis's direction (any one refutes it), with a
        positive margin (predicted perfectly), in all, and with a positive margin along the
        complete-separation direction; sums over parts add up.
    """
    signed, _, _ = sign_rows(design, candidate.scale)
    margins = signed @ candidate.direction
    strict = 0 if candidate.complete is None else np.sum(signed @ candidate.complete > _MARGIN)
    # A row fails only beyond HiGHS's feasibility tolerance, which the program solved on the
    # sample itself allows (its own rows can sit at -1e-8).
    return np.array(
        [np.sum(margins < -_FEASIBILITY), np.sum(margins > _MARGIN), margins.size, strict],
        dtype=float,
    )


def confirmed_separation(
    names: tuple[str, ...], candidate: Candidate, counts: np.ndarray
) -> Separation | None:
    """Return the separation proven by a candidate's counts over every row, or None.

    Parameters
    ----------
    names : tuple of str
        Column names.
    candidate : Candidate
    counts : ndarray of shape (4,)
        :func:`direction_counts` summed over all rows.

    Returns
    -------
    Separation or None
        None when Konis's direction fails some row (the question is then open). The kind is
        "complete" when the sample's strictly separating direction separates every row, else
        "quasi-complete" (proven when the sample itself is not completely separated).
    """
    failing, positive, total, strict = (int(c) for c in counts)
    if failing or not positive:
        return None
    directions = _diverging(names, candidate.direction)
    if strict == total or positive == total:  # every row strictly separated: complete
        return Separation("complete", directions, (), n_separated=total)
    return Separation("quasi-complete", directions, (), n_separated=positive)


def _completely_separated(signed: np.ndarray) -> bool:
    """Whether some direction gives every signed row a positive margin (``S b >= 1``)."""
    return _complete_direction(signed) is not None


def _complete_direction(signed: np.ndarray) -> np.ndarray | None:
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
