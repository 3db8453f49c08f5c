"""The one place the core knows that a Dask backend exists, and where it is loaded, lazily.

The core works on :class:`~logitfit.design.core.Design` objects and on the methods both kinds of
design offer (``sum_over_rows``, ``rows_in_memory``, and for a Dask fit ``lazy_rows``); only
the entry points (a Dask DataFrame or Dask arrays to fit) and the Parquet reader need the
backend itself, and they reach it through here. Nothing imports Dask until it is used.
"""

from __future__ import annotations

from types import ModuleType

from logitfit.design.checks import is_dask_collection

__all__ = ["dask_fit", "is_dask_collection", "require_dask"]


def require_dask() -> None:
    """Raise a clear error when the ``dask`` extra is not installed."""
    try:
        import dask.dataframe  # noqa: F401
        import distributed  # noqa: F401
    except ImportError as error:
        from logitfit.exceptions import LogitfitError

        raise LogitfitError(
            f"Fitting Dask data needs the dask extra: pip install 'logitfit[dask]' ({error})."
        ) from error


def dask_fit() -> ModuleType:
    """Return :mod:`logitfit.backends.dask.fit` (fits on partitions), after checking the extra."""
    require_dask()
    from logitfit.backends.dask import fit

    return fit
