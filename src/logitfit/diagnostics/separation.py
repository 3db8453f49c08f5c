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

from logitfit.diagnostics.separation_programs import (
    FEASIBILITY,
    MARGIN,
    complete_direction,
    completely_separated,
    diverging,
    separating_direction,
    sign_rows,
    unexplored_directions,
)
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
]

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
    return RowStack(projected[np.max(np.abs(projected), axis=1, initial=0.0) > MARGIN * 1e-3])


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
    found = separating_direction(projected, basis)
    if found is None:
        return None
    direction, margins = found
    return Separation(
        "quasi-complete",
        diverging(names, direction),
        (),
        n_separated=int(np.sum(margins > MARGIN)),
    )


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
        candidate = separating_direction(subsample)
        if candidate is None:
            # Sound only where the subsample spans every direction: search the rest exactly.
            basis = unexplored_directions(subsample)
            if basis is None:
                return None
            projected = signed @ basis  # rows that are zero here impose nothing: leave out
            involved = np.max(np.abs(projected), axis=1, initial=0.0) > MARGIN * 1e-3
            reduced = separating_direction(projected[involved], basis)
            if reduced is None:
                return None
            direction, _ = reduced
            margins = signed @ direction
            rows = np.unique(origin[margins > MARGIN])
            directions = diverging(design.names, direction)
            return Separation("quasi-complete", directions, tuple(design.row_labels[rows]))
        # The subsample's direction, if it separates every row too, is a proof for all rows.
        margins = signed @ candidate[0]
        if np.all(margins >= -MARGIN * 1e-3) and np.any(margins > MARGIN):
            found = (candidate[0], margins)
    if found is None:
        found = separating_direction(signed)
    if found is None:
        return None
    direction, margins = found
    directions = diverging(design.names, direction)
    rows = np.unique(origin[margins > MARGIN])
    if subsample is not None and not completely_separated(subsample):
        # complete separation of all rows would separate the subsample completely too
        return Separation("quasi-complete", directions, tuple(design.row_labels[rows]))
    if completely_separated(signed):
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
    found = separating_direction(signed)
    if found is None:
        return None
    return Candidate(found[0], scale, complete_direction(signed))


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
    strict = 0 if candidate.complete is None else np.sum(signed @ candidate.complete > MARGIN)
    # A row fails only beyond HiGHS's feasibility tolerance, which the program solved on the
    # sample itself allows (its own rows can sit at -1e-8).
    return np.array(
        [np.sum(margins < -FEASIBILITY), np.sum(margins > MARGIN), margins.size, strict],
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
    directions = diverging(names, candidate.direction)
    if strict == total or positive == total:  # every row strictly separated: complete
        return Separation("complete", directions, (), n_separated=total)
    return Separation("quasi-complete", directions, (), n_separated=positive)
