"""A fast path for plain numeric formulas: the design matrix is the data's columns.

formulaic's general materialisation handles every kind of term; when each term of a fixed
specification is the intercept or a numeric column used as it is (``y ~ x1 + x2 + ...``), the
same matrix is one copy of those columns. The Dask path builds a design for every slice of
every partition in every pass, so it uses this whenever it applies.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from formulaic import ModelSpec
from numpy.typing import NDArray

__all__ = ["plain_columns", "stack_columns"]


def plain_columns(spec: ModelSpec, data: pd.DataFrame) -> list[str | None] | None:
    """Name the data column behind each design column, if every term is an intercept or a column.

    Returns None (use formulaic) as soon as a term is anything else: a categorical, a
    transform, an interaction. For such plain numeric formulas the design matrix is the columns
    themselves, which :func:`stack_columns` copies in one pass, several times faster than
    formulaic's general path on 1e5 x 21 slices (the Dask path builds one per slice and pass).
    """
    columns: list[str | None] = []
    for part in spec.structure:
        factors = list(part.term.factors)
        if str(part.term) == "1":
            columns.append(None)
            continue
        name = str(factors[0]) if len(factors) == 1 else ""
        kind = spec.encoder_state.get(name, (None, {}))[0]
        if (
            name not in data.columns
            or str(getattr(kind, "value", kind)) != "numerical"
            or [str(c) for c in part.columns] != [name]
            or pd.api.types.is_bool_dtype(data[name])
            or not pd.api.types.is_numeric_dtype(data[name])
        ):
            return None
        columns.append(name)
    return columns


def stack_columns(data: pd.DataFrame, columns: list[str | None]) -> NDArray[np.float64]:
    """Copy plain columns (None: the intercept) into one column-major float64 matrix."""
    X = np.empty((data.shape[0], len(columns)), order="F")  # column by column: contiguous writes
    for j, name in enumerate(columns):
        X[:, j] = 1.0 if name is None else data[name].to_numpy(dtype=np.float64)
    return X
