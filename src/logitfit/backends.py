"""The one place the core knows that a Dask backend exists, and where it is loaded, lazily.

The core works on :class:`~logitfit.design.Design` objects and on the methods both kinds of
design offer (``sum_over_rows``, ``rows_in_memory``, and for a Dask fit ``lazy_rows``); only
the entry points (a Dask DataFrame or Dask arrays to fit) and the Parquet reader need the
backend itself, and they reach it through here. Nothing imports Dask until it is used.
"""

from __future__ import annotations

from types import ModuleType

from logitfit._validation import is_dask_collection

# The backend package's own __init__ loads neither Dask nor the rest of the backend.
from logitfit.dask import require_dask

__all__ = ["dask_fit", "is_dask_collection", "require_dask"]


def dask_fit() -> ModuleType:
    """Return :mod:`logitfit.dask.fit` (the fits on partitions), after checking the extra."""
    require_dask()
    from logitfit.dask import fit

    return fit
