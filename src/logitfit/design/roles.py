"""The data-side settings of a fit: what each row carries besides its predictors and outcome.

The public entry points (:func:`logitfit.fit`, :func:`logitfit.fit_arrays` and the two design
builders) take these as keyword arguments, as R's ``glm`` and statsmodels do; each entry point
gathers them into one :class:`RowRoles` at once, and everything below it (the design builders,
the Dask fits, the partition builders) takes that object. The parameters' description is
written once, here, and filled into each entry point's docstring by :func:`describe_row_roles`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, TypeVar

from numpy.typing import ArrayLike

from logitfit.exceptions import DataError

__all__ = ["Column", "Missing", "ROW_ROLES_PARAMETERS", "RowRoles", "describe_row_roles"]

Missing = Literal["raise", "drop"]
Column = str | ArrayLike | None

#: The numpydoc "Parameters" entries of the row roles, as the entry points' docstrings show them.
ROW_ROLES_PARAMETERS = """\
weights, offset, trials : str or array-like of shape (n,), optional
        Frequency weights, an offset of the linear predictor, and trials per row for
        events/trials data (the outcome then counts events out of ``trials``). With a formula, a
        string names a column of ``data`` (the only form for Dask data); with arrays, each is a
        vector of length n (a Dask array for Dask inputs).
    event : object, optional
        The outcome level to model; default 1/True, or the second of two sorted levels.
    missing : {"raise", "drop"}
        Rows with missing or infinite values in the columns the model uses raise
        MissingValueError (default, naming the column and rows) or are dropped explicitly
        (their labels are kept on the design and the result)."""


@dataclass(frozen=True)
class RowRoles:
    """What each row carries besides its predictors and outcome.

    Attributes
    ----------
    weights, offset, trials : str, array-like of shape (n,) or None
        Frequency weights, offset and trials per row (see :data:`ROW_ROLES_PARAMETERS`).
    event : object
        The modelled outcome level (None: the default rule).
    missing : {"raise", "drop"}
        What to do with incomplete rows.
    """

    weights: Column = None
    offset: Column = None
    trials: Column = None
    event: object = None
    missing: Missing = "raise"

    def __post_init__(self) -> None:
        if self.missing not in ("raise", "drop"):
            raise DataError(f"missing must be 'raise' or 'drop', got {self.missing!r}.")

    @property
    def per_row(self) -> dict[str, Column]:
        """The per-row vectors by role: ``{"weights": ..., "offset": ..., "trials": ...}``."""
        return {"weights": self.weights, "offset": self.offset, "trials": self.trials}

    def with_per_row(self, **values: object) -> RowRoles:
        """Return the same roles with some per-row vectors (or the event) replaced."""
        return dataclasses.replace(self, **values)  # type: ignore[arg-type]


_Function = TypeVar("_Function", bound=Callable[..., object])


def describe_row_roles(function: _Function) -> _Function:
    """Fill ``{row_roles}`` in an entry point's docstring with :data:`ROW_ROLES_PARAMETERS`."""
    if function.__doc__ is not None:
        function.__doc__ = function.__doc__.replace("{row_roles}", ROW_ROLES_PARAMETERS)
    return function
