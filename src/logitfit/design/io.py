"""Reading a user's data: a CSV or Parquet file, or many Parquet files lazily with Dask."""

from __future__ import annotations

import glob
from pathlib import Path
from typing import Any

import pandas as pd

from logitfit.exceptions import DataError

__all__ = ["read_dask_table", "read_table", "wants_dask"]

_GLOB = ("*", "?", "[")


def wants_dask(path: str | Path) -> bool:
    """Tell whether a data argument names many files: a folder or a glob pattern.

    Parameters
    ----------
    path : str or pathlib.Path

    Returns
    -------
    bool
    """
    text = str(path)
    return Path(text).is_dir() or any(mark in text for mark in _GLOB)


def read_dask_table(path: str | Path) -> Any:
    """Open Parquet (a file, folder or glob) or CSV files lazily as a Dask DataFrame.

    Parameters
    ----------
    path : str or pathlib.Path
        A Parquet folder, a glob such as ``"data/*.parquet"``, or CSV files by suffix.

    Returns
    -------
    dask.dataframe.DataFrame
    """
    from logitfit.backends.dispatch import require_dask

    require_dask()
    import dask.dataframe as dd

    text = str(path)
    is_csv = text.lower().endswith(".csv")
    if not (Path(text).exists() or glob.glob(text)):
        raise DataError(f"No data file or folder matches {text}")
    try:
        return dd.read_csv(text) if is_csv else dd.read_parquet(text)
    except (OSError, ValueError) as error:
        kind = "CSV" if is_csv else "Parquet"
        raise DataError(f"Cannot read {text} as {kind}: {str(error).splitlines()[0]}") from error


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a data file into a DataFrame: Parquet by its suffix, otherwise CSV.

    Parameters
    ----------
    path : str or pathlib.Path
        A ``.csv`` file, or a ``.parquet``/``.pq`` file (needs pyarrow).

    Returns
    -------
    pandas.DataFrame
    """
    file = Path(path)
    if not file.is_file():
        raise DataError(f"No such data file: {path}")
    if file.suffix.lower() in (".parquet", ".pq"):
        try:
            return pd.read_parquet(file)
        except ImportError as error:
            raise DataError(
                "Reading Parquet needs pyarrow: pip install pyarrow (or convert to CSV)."
            ) from error
    try:
        return pd.read_csv(file)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as error:
        raise DataError(f"Cannot read {path} as CSV: {str(error).splitlines()[0]}") from error
