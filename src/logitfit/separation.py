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
from scipy.optimize import linprog

if TYPE_CHECKING:
    from logitfit.design import Design

__all__ = [
    "Candidate",
    "Separation",
    "confirmed_separation",
    "detect_separation",
    "direction_counts",
    "sample_candidate",
]

# Columns are scaled to a largest absolute value of 1, so a row margin above this is a real
# positive margin, far above HiGHS's feasibility tolerance (1e-7 on unscaled constraints).
_MARGIN = 1e-6

# HiGHS's primal feasibility tolerance: constraint violations up to this are "satisfied".
_FEASIBILITY = 1e-7

# Signed rows beyond which a systematic subsample is checked first (see detect_separation).
_SUBSAMPLE = 5_000


@dataclass(frozen=True)
class Separation:
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


def _sign_rows(
    design: Design, scale: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (signed rows s_i x_i, the row index each came from, scale per column)."""
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
    signed: np.ndarray,
) -> tuple[np.ndarray, np.ndarray] | None:
    """Solve Konis's program on signed rows: (direction, margins), or None if not separated."""
    n_cols = signed.shape[1]
    solution = linprog(
        c=-signed.sum(axis=0),
        A_ub=-signed,
        b_ub=np.zeros(signed.shape[0]),
        bounds=[(-1.0, 1.0)] * n_cols,
        method="highs",
    )
    if solution.status != 0:
        return None
    margins = signed @ solution.x
    if not np.any(margins > _MARGIN):
        return None
    return solution.x, margins


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
    signed, origin, _ = _sign_rows(design)
    n_cols = signed.shape[1]
    # Exact shortcut: a separating direction of all rows separates every subset of them, so a
    # subsample that is not separated proves the data are not. Only a separated subsample (or
    # small data) needs the full linear program.
    found = None
    subsample = signed[:: signed.shape[0] // _SUBSAMPLE] if signed.shape[0] > _SUBSAMPLE else None
    if subsample is not None:
        candidate = _separating_direction(subsample)
        if candidate is None:
            return None
        # The subsample's direction, if it separates every row too, is a proof for all rows.
        margins = signed @ candidate[0]
        if np.all(margins >= -_MARGIN * 1e-3) and np.any(margins > _MARGIN):
            found = (candidate[0], margins)
    if found is None:
        found = _separating_direction(signed)
    if found is None:
        return None
    direction, margins = found
    largest = float(np.max(np.abs(direction)))
    directions = {
        design.names[j]: int(np.sign(direction[j]))
        for j in range(n_cols)
        if abs(direction[j]) > 1e-7 * largest
    }
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
    signed, _, scale = _sign_rows(sample)
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
    signed, _, _ = _sign_rows(design, candidate.scale)
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
    direction = candidate.direction
    largest = float(np.max(np.abs(direction)))
    directions = {
        names[j]: int(np.sign(direction[j]))
        for j in range(direction.shape[0])
        if abs(direction[j]) > 1e-7 * largest
    }
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
