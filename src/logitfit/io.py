"""Reading a user's data file: CSV, or Parquet when pyarrow is installed."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from logitfit.exceptions import DataError

__all__ = ["read_table"]


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
