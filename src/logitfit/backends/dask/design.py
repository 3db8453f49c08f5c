"""The problem's data when it lives in Dask partitions: totals on the client, rows on the workers.

A :class:`DaskDesign` plays the part of :class:`logitfit.design.core.Design` for data that are never
collected: it holds the totals that the fit statistics need (numbers of rows, observations,
trials and events, the saturated log-likelihood kernel, ...) and, for every partition, a lazy
Dask object plus a :class:`PartBuilder` that turns the computed partition into an ordinary
in-memory ``Design`` on the worker. All the checks on user input therefore run, partition by
partition, in the same code as in memory, and raise the same errors.

This module imports no Dask at load time (the results module refers to :class:`DaskDesign`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd
from formulaic import ModelSpec
from numpy.typing import NDArray

from logitfit.backends.dask.partitions import row_sums
from logitfit.design.arrays import arrays_design
from logitfit.design.core import Design
from logitfit.design.formula import formula_design
from logitfit.design.roles import RowRoles
from logitfit.exceptions import ScaleError

__all__ = [
    "ArrayBuilder",
    "BuiltParts",
    "DaskDesign",
    "FrameBuilder",
    "PartBuilder",
    "PartSummary",
    "stack_sample",
]


@dataclass(frozen=True)
class FrameBuilder:
    """Build one partition's Design from a pandas DataFrame with a formula fixed up front.

    Attributes
    ----------
    formula : str
        The formula as given.
    model_spec : formulaic.ModelSpec
        Right-hand side specification with the categorical levels of the whole data.
    roles : RowRoles
        Weights, offset and trials as column names; the modelled level, resolved on the whole
        data (None: 0/1, boolean or events/trials); the missing-value rule.
    """

    formula: str
    model_spec: ModelSpec
    roles: RowRoles

    def n_rows(self, part: Any) -> int:
        """Return the number of rows of a computed partition."""
        return int(part.shape[0])

    def slices(self, part: Any, rows: int) -> Iterator[Any]:
        """Cut a computed partition into pieces of at most ``rows`` rows (labels kept)."""
        for start in range(0, max(part.shape[0], 1), rows):
            yield part.iloc[start : start + rows]

    def __call__(self, part: Any) -> Design:
        """Return the Design of one computed partition (a pandas DataFrame)."""
        return formula_design(self.formula, part, self.roles, self.model_spec, whole_data=False)


@dataclass(frozen=True)
class ArrayBuilder:
    """Build one chunk's Design from a tuple ``(first_row, X, y, weights, offset, trials)``.

    Attributes
    ----------
    names : tuple of str
        Predictor names (without the intercept).
    intercept : bool
        Whether an intercept column is added.
    roles : RowRoles
        The modelled level, resolved on the whole outcome, and the missing-value rule (the
        per-row vectors come with each chunk).
    """

    names: tuple[str, ...]
    intercept: bool
    roles: RowRoles

    def n_rows(self, part: Any) -> int:
        """Return the number of rows of a computed chunk."""
        return int(part[1].shape[0])

    def slices(self, part: Any, rows: int) -> Iterator[Any]:
        """Cut a computed chunk into pieces of at most ``rows`` rows (global positions kept)."""
        first_row, *arrays = part
        for start in range(0, max(arrays[0].shape[0], 1), rows):
            piece = [None if a is None else a[start : start + rows] for a in arrays]
            yield (first_row + start, *piece)

    def __call__(self, part: Any) -> Design:
        """Return the Design of one computed chunk."""
        first_row, X, y, weights, offset, trials = part
        roles = self.roles.with_per_row(weights=weights, offset=offset, trials=trials)
        return arrays_design(X, y, self.names, self.intercept, roles, False, first_row)


@dataclass(frozen=True)
class BuiltParts:
    """Stand in for a builder when the partitions are their Designs already (``persist=True``).

    A persisted partition is the list of Designs its slices built in the first pass
    (:func:`logitfit.backends.dask.partitions.built_designs`); later passes read them as they
    are.

    Attributes
    ----------
    builder : FrameBuilder or ArrayBuilder
        The builder that made them (its ``roles`` are the fit's).
    """

    builder: FrameBuilder | ArrayBuilder | BuiltParts

    @property
    def roles(self) -> RowRoles:
        """The fit's row roles, as the original builder's."""
        return self.builder.roles

    def n_rows(self, part: Any) -> int:
        """Return the number of rows of a persisted partition."""
        return sum(design.n_rows for design in part)

    def slices(self, part: Any, rows: int) -> Iterator[Any]:
        """Yield the partition's Designs (already sliced when they were built)."""
        yield from part

    def __call__(self, part: Any) -> Design:
        """Return a persisted slice's Design as it is."""
        return part


PartBuilder = FrameBuilder | ArrayBuilder | BuiltParts


@dataclass(frozen=True)
class PartSummary:
    """Additive totals of one or more partitions (combined with ``+``).

    Attributes
    ----------
    n_rows, n_positive, n_dropped : int
        Rows used, rows with positive weight, rows dropped for missing values.
    n_obs, n_trials, n_events : float
        Sums of ``w``, ``w m`` and ``w y``.
    loglik_constant, saturated_loglik : float
        Sums of ``w log C(m, y)`` and of the saturated model's log-likelihood.
    unit_weights, is_binary : bool
        Every weight is 1; every row is one trial.
    has_offset : bool
        Some offset is non-zero.
    sample : tuple of Design
        A systematic row sample of each partition (for the warm start and separation check).
    """

    n_rows: int = 0
    n_positive: int = 0
    n_dropped: int = 0
    n_obs: float = 0.0
    n_trials: float = 0.0
    n_events: float = 0.0
    loglik_constant: float = 0.0
    saturated_loglik: float = 0.0
    unit_weights: bool = True
    is_binary: bool = True
    has_offset: bool = False
    sample: tuple[Design, ...] = field(default=())

    @classmethod
    def of(cls, design: Design, step: int) -> PartSummary:
        """Summarise a Design, keeping every ``step``-th row as its sample."""
        rows = slice(None, None, step)
        sample = Design(
            X=np.ascontiguousarray(design.X[rows]),
            successes=design.successes[rows].copy(),
            trials=design.trials[rows].copy(),
            weights=design.weights[rows].copy(),
            offset=design.offset[rows].copy(),
            names=design.names,
            response=design.response,
            event=design.event,
            intercept_index=design.intercept_index,
            row_labels=design.row_labels[rows],
            model_spec=design.model_spec,
            formula=design.formula,
            term_columns=design.term_columns,
        )
        return cls(
            n_rows=design.n_rows,
            n_positive=int(np.count_nonzero(design.weights > 0)),
            n_dropped=design.n_dropped,
            n_obs=design.n_obs,
            n_trials=design.n_trials,
            n_events=design.n_events,
            loglik_constant=design.loglik_constant,
            saturated_loglik=design.saturated_loglik,
            unit_weights=design.unit_weights,
            is_binary=design.is_binary,
            has_offset=design.has_offset,
            sample=(sample,) if design.n_rows else (),
        )

    def __add__(self, other: PartSummary) -> PartSummary:
        """Combine the totals of two sets of partitions."""
        return PartSummary(
            n_rows=self.n_rows + other.n_rows,
            n_positive=self.n_positive + other.n_positive,
            n_dropped=self.n_dropped + other.n_dropped,
            n_obs=self.n_obs + other.n_obs,
            n_trials=self.n_trials + other.n_trials,
            n_events=self.n_events + other.n_events,
            loglik_constant=self.loglik_constant + other.loglik_constant,
            saturated_loglik=self.saturated_loglik + other.saturated_loglik,
            unit_weights=self.unit_weights and other.unit_weights,
            is_binary=self.is_binary and other.is_binary,
            has_offset=self.has_offset or other.has_offset,
            sample=self.sample + other.sample,
        )


@dataclass(frozen=True, eq=False)
class DaskDesign:
    """A logistic regression problem whose rows stay in Dask partitions.

    It offers the attributes of :class:`logitfit.design.core.Design` that describe the whole problem
    (names, totals, flags); the per-row arrays (``X``, ``successes``, ...) exist only partition
    by partition on the workers. Functions that need every row in memory raise
    :class:`logitfit.exceptions.ScaleError` for it (see
    :func:`logitfit.design.core.rows_in_memory`).

    Attributes
    ----------
    names : tuple of str, length p
        Column names of the design matrix.
    response, event : str
        Outcome name and the modelled event in words.
    intercept_index : int or None
        Position of the intercept column.
    model_spec : formulaic.ModelSpec or None
        The right-hand side's specification (formula fits).
    formula : str or None
        The formula as given.
    term_columns : tuple of (str, tuple of str)
        Each model term with its design columns.
    totals : PartSummary
        Totals over every partition (without the row sample).
    parts : tuple
        One lazy Dask object per partition (a ``Delayed``).
    build : FrameBuilder or ArrayBuilder
        Turns a computed partition into its in-memory Design.
    source : object
        The Dask DataFrame (formula fits) or tuple of Dask arrays the model was fitted on.
    """

    names: tuple[str, ...]
    response: str
    event: str
    intercept_index: int | None
    model_spec: ModelSpec | None
    formula: str | None
    term_columns: tuple[tuple[str, tuple[str, ...]], ...]
    totals: PartSummary
    parts: tuple[Any, ...]
    build: PartBuilder
    source: Any

    @property
    def n_rows(self) -> int:
        """Number of rows used."""
        return self.totals.n_rows

    @property
    def n_params(self) -> int:
        """Number of coefficients."""
        return len(self.names)

    @property
    def n_partitions(self) -> int:
        """Number of partitions (or chunks)."""
        return len(self.parts)

    @property
    def n_dropped(self) -> int:
        """Number of rows dropped for missing values."""
        return self.totals.n_dropped

    @property
    def n_obs(self) -> float:
        """Number of observations (sum of frequency weights)."""
        return self.totals.n_obs

    @property
    def n_trials(self) -> float:
        """Total number of Bernoulli trials."""
        return self.totals.n_trials

    @property
    def n_events(self) -> float:
        """Total number of events."""
        return self.totals.n_events

    @property
    def unit_weights(self) -> bool:
        """True when every frequency weight is 1."""
        return self.totals.unit_weights

    @property
    def has_offset(self) -> bool:
        """True when some offset is non-zero."""
        return self.totals.has_offset

    @property
    def is_binary(self) -> bool:
        """True when every row is a single Bernoulli trial."""
        return self.totals.is_binary

    @property
    def loglik_constant(self) -> float:
        """Sum of ``w log C(m, y)`` over all rows."""
        return self.totals.loglik_constant

    @property
    def saturated_loglik(self) -> float:
        """Log-likelihood of the saturated model over all rows."""
        return self.totals.saturated_loglik

    # -- the row source (see logitfit.design.core.Design.sum_over_rows) ---------------------------
    def sum_over_rows(self, sums: Callable[..., Any], *args: Any) -> Any:
        """Add up ``sums(partition_design, *args)`` over the partitions, in one Dask pass."""
        return row_sums(self.parts, self.build, sums, *args)

    def cluster_score_sums(self, coef: NDArray[np.float64], column: str) -> NDArray[np.float64]:
        """Return each cluster's score sum, in one pass (CR1, see ``backends.dask.clusters``)."""
        from logitfit.backends.dask.clusters import cluster_score_sums

        return cluster_score_sums(self, coef, column)

    def lazy_rows(self) -> ModuleType | None:
        """Return :mod:`logitfit.backends.dask.rows`, the lazy per-row results of this fit."""
        from logitfit.backends.dask import rows

        return rows

    def rows_in_memory(self, what: str) -> Design:
        """Refuse: ``what`` needs every row in memory, and Dask data are never collected."""
        raise ScaleError(
            f"The {what} needs every row in memory, and this model was fitted on Dask data, "
            "which logitfit never collects. Per-row results of a Dask fit are available lazily "
            "from logitfit.dask (predict, residuals, influence); for this one, fit the model to "
            "a sample that fits in memory (ddf.sample(frac=...).compute()) or to ddf.compute() "
            "if it fits."
        )


def stack_sample(samples: Sequence[Design]) -> Design:
    """Concatenate the partitions' row samples into one in-memory Design.

    Parameters
    ----------
    samples : sequence of Design
        Non-empty; all with the same columns.

    Returns
    -------
    Design
    """
    first = samples[0]

    def join(values: list[NDArray[np.float64]]) -> NDArray[np.float64]:
        return np.ascontiguousarray(np.concatenate(values))

    return Design(
        X=join([s.X for s in samples]),
        successes=join([s.successes for s in samples]),
        trials=join([s.trials for s in samples]),
        weights=join([s.weights for s in samples]),
        offset=join([s.offset for s in samples]),
        names=first.names,
        response=first.response,
        event=first.event,
        intercept_index=first.intercept_index,
        row_labels=pd.RangeIndex(sum(s.n_rows for s in samples)),
        model_spec=first.model_spec,
        formula=first.formula,
        term_columns=first.term_columns,
    )
