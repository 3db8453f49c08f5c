"""The row-source protocol: what the math may ask of a problem's data, wherever the rows live.

Two classes implement it: :class:`logitfit.design.core.Design` (rows in memory) and the Dask
backend's ``DaskDesign`` (rows in partitions, totals on the client). Code outside the backend
annotates with :class:`RowSource` and never names the Dask class, so the core does not know
that the backend exists. Sums over rows go through :meth:`RowSource.sum_over_rows`; an
operation that needs every row at once asks :meth:`RowSource.rows_in_memory` once, naming
itself, and gets an in-memory design or a :class:`~logitfit.exceptions.ScaleError` that says
which operation cannot run on partitions.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING, Any, Protocol

from formulaic import ModelSpec

if TYPE_CHECKING:
    from logitfit.design.core import Design

__all__ = ["RowSource"]


class RowSource(Protocol):
    """The data of one logistic regression problem, in memory or in partitions.

    Every member is read-only. The totals are over the rows used (sums of frequency weights
    for ``n_obs``, of ``w m`` for ``n_trials``, of ``w y`` for ``n_events``).
    """

    @property
    def names(self) -> tuple[str, ...]:
        """Column names of the design matrix, length p."""

    @property
    def response(self) -> str:
        """Name of the outcome."""

    @property
    def event(self) -> str:
        """The modelled event in words."""

    @property
    def intercept_index(self) -> int | None:
        """Position of the intercept column, if any."""

    @property
    def model_spec(self) -> ModelSpec | None:
        """The right-hand side's specification (formula models)."""

    @property
    def formula(self) -> str | None:
        """The formula as given (formula models)."""

    @property
    def term_columns(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """Each model term with its design columns."""

    @property
    def n_rows(self) -> int:
        """Number of rows used."""

    @property
    def n_params(self) -> int:
        """Number of coefficients."""

    @property
    def n_dropped(self) -> int:
        """Number of rows dropped for missing values."""

    @property
    def n_obs(self) -> float:
        """Number of observations (sum of frequency weights)."""

    @property
    def n_trials(self) -> float:
        """Total number of Bernoulli trials."""

    @property
    def n_events(self) -> float:
        """Total number of events."""

    @property
    def unit_weights(self) -> bool:
        """True when every frequency weight is 1."""

    @property
    def has_offset(self) -> bool:
        """True when some offset is non-zero."""

    @property
    def is_binary(self) -> bool:
        """True when every row is a single Bernoulli trial."""

    @property
    def loglik_constant(self) -> float:
        """Sum of ``w log C(m, y)`` over the rows."""

    @property
    def saturated_loglik(self) -> float:
        """Log-likelihood of the saturated model."""

    def sum_over_rows(self, sums: Callable[..., Any], *args: Any) -> Any:
        """Add up ``sums(in_memory_design, *args)`` over the rows (in one pass)."""

    def rows_in_memory(self, what: str) -> Design:
        """Return the rows as an in-memory Design, or raise ScaleError naming ``what``."""

    def lazy_rows(self) -> ModuleType | None:
        """Return the backend's module of lazy per-row results, or None for rows in memory."""
