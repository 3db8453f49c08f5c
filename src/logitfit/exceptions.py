"""Exceptions and warnings raised by logitfit.

Every error says what is wrong, where (column or row) and what to try next, in the spirit of
lifelines' ``exceptions.py``. All errors derive from :class:`LogitfitError`, so a caller (and the
CLI) can catch one class; the concrete classes also derive from ``ValueError`` where the cause is
bad input, so code written against numpy/pandas conventions keeps working.
"""

from __future__ import annotations

__all__ = [
    "ConvergenceError",
    "ConvergenceWarning",
    "DataError",
    "FewClustersWarning",
    "FormulaError",
    "LogitfitError",
    "MissingValueError",
    "OutcomeError",
    "RankDeficiencyError",
    "ScaleError",
    "SeparationWarning",
    "UnverifiedWarning",
]


class LogitfitError(Exception):
    """Base class of every error logitfit raises on purpose.

    Parameters
    ----------
    message : str
        What is wrong and what to do, in the words of the Python API (``overwrite=True``).
    cli : str, optional
        The same message in the command line's words (``--overwrite``), where they differ; the
        CLI prints :meth:`for_cli`, so no Python keyword reaches a command-line user.
    """

    def __init__(self, message: str = "", *, cli: str | None = None) -> None:
        super().__init__(message)
        self.cli = cli

    def for_cli(self) -> str:
        """Return the message as the command line says it."""
        return self.cli if self.cli is not None else str(self)


class DataError(LogitfitError, ValueError):
    """The input data cannot be used as given (shape, type, length, values)."""


class MissingValueError(DataError):
    """The data hold missing (NaN/None) or infinite values in columns the model uses."""


class OutcomeError(DataError):
    """The outcome is not a binary (or events/trials) response the model can fit."""


class FormulaError(DataError):
    """The formula cannot be applied to the data (unknown column, bad syntax)."""


class RankDeficiencyError(DataError):
    """Columns of the design matrix are constant or linear combinations of other columns."""


class ConvergenceError(LogitfitError, RuntimeError):
    """The solver stopped without a usable estimate (for example a singular Hessian)."""


class ScaleError(LogitfitError, NotImplementedError):
    """The operation needs every row in memory, and the model was fitted on Dask data."""


class ConvergenceWarning(UserWarning):
    """The solver reached its iteration limit before the convergence criteria were met."""


class SeparationWarning(UserWarning):
    """The outcome is (quasi-)completely separated: some estimates are infinite."""


class UnverifiedWarning(UserWarning):
    """A number could not be verified (a refit failed, a root was not bracketed): it is NaN."""


class FewClustersWarning(UserWarning):
    """Cluster-robust covariance with few clusters (fewer than about 20): biased downwards."""
