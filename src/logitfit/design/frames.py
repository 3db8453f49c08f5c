"""Any DataFrame in, pandas inside: polars, pyarrow and the other frames narwhals knows.

logitfit's design code reads pandas. Every entry point that takes a table (``fit``,
``fit_arrays``, ``predict``, ``augment``, the reports) passes it through :func:`as_pandas`
first, so a polars or pyarrow table gives the same numbers and the same error messages as the
pandas frame with the same columns. The conversion is narwhals' (``to_pandas``), not ours; lazy
frames (polars ``LazyFrame``, DuckDB relations, ...) are collected first. Dask collections never
come here: the entry points hand them to the Dask backend before.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["as_pandas"]


def as_pandas(data: Any) -> Any:
    """Return a narwhals-supported DataFrame or Series as pandas; anything else unchanged.

    Parameters
    ----------
    data : object
        A table or column from any library narwhals supports (pandas, polars, pyarrow, modin,
        cuDF, DuckDB, ...), or anything else (numpy arrays, lists), which is returned as it is
        for the caller's own checks.

    Returns
    -------
    pandas.DataFrame, pandas.Series, or ``data``
    """
    if isinstance(data, pd.DataFrame | pd.Series) or data is None:
        return data
    import narwhals as nw  # imported on use: pandas and numpy inputs never need it

    converted = nw.from_native(data, pass_through=True, allow_series=True)
    if isinstance(converted, nw.LazyFrame):
        converted = converted.collect()
    if isinstance(converted, nw.DataFrame | nw.Series):
        return converted.to_pandas()
    return data
