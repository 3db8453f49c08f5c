"""Checks on user input, each raising a project exception that names the column or row at fault.

Used by :mod:`logitfit.design.core` while it builds a Design; nothing else should need them.
"""

from __future__ import annotations

import difflib
import re
import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from logitfit._linalg import find_aliased_columns
from logitfit.exceptions import (
    DataError,
    FormulaError,
    MissingValueError,
    OutcomeError,
    RankDeficiencyError,
)

if TYPE_CHECKING:
    from logitfit.design.core import Design
    from logitfit.design.source import RowSource


def constant_vector(value: float, n_rows: int) -> NDArray[np.float64]:
    """Return a read-only length-``n_rows`` vector of one value, taking no memory (zero stride).

    Default trials, weights and offsets are such vectors, so a large unweighted design carries
    no extra row-length arrays.
    """
    return np.broadcast_to(np.float64(value), (n_rows,))


def list_names(names: Iterable[Any], limit: int = 12) -> str:
    """Format names for a message, quoting each and eliding past ``limit``."""
    items = [f"'{n}'" for n in names]
    if len(items) > limit:
        return ", ".join(items[:limit]) + f" and {len(items) - limit} more"
    return ", ".join(items)


def list_rows(labels: Sequence[Any], limit: int = 5) -> str:
    """Format row labels for a message: ``"row 3"`` or ``"rows 3, 8 and 4 more"``."""
    shown = ", ".join(str(label) for label in labels[:limit])
    more = f" and {len(labels) - limit} more" if len(labels) > limit else ""
    return f"{'row' if len(labels) == 1 else 'rows'} {shown}{more}"


def same_length(array: NDArray[Any], n_rows: int, role: str) -> None:
    """Raise DataError unless ``array`` has one entry per row."""
    if array.shape[0] != n_rows:
        raise DataError(
            f"The {role} has {array.shape[0]} entries but the data have {n_rows} rows; "
            "give exactly one per row."
        )


def numeric_vector(value: ArrayLike, role: str) -> NDArray[np.float64]:
    """Convert a per-row column to a float64 vector, or raise DataError naming its role."""
    series = value if isinstance(value, pd.Series) else None
    array = np.asarray(value)
    if array.ndim != 1:
        raise DataError(f"The {role} must be one-dimensional; got shape {array.shape}.")
    if series is not None and not (
        pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series)
    ):
        raise DataError(f"The {role} must be numeric; it holds {series.dtype} values.")
    try:
        return np.asarray(pd.to_numeric(pd.Series(array), errors="raise"), dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise DataError(f"The {role} must be numeric; it holds {array.dtype} values.") from error


def columns_exist(required: Sequence[str], available: pd.Index, formula: str) -> None:
    """Raise FormulaError naming each variable of the formula missing from the data."""
    unknown = [name for name in required if name not in available]
    if not unknown:
        return
    hints = []
    for name in unknown:
        close = difflib.get_close_matches(name, [str(c) for c in available], n=1, cutoff=0.5)
        hints.append(f"'{name}'" + (f" (did you mean '{close[0]}'?)" if close else ""))
    raise FormulaError(
        f"The formula {formula!r} uses {', '.join(hints)}, not a column of the data. "
        f"Available columns: {list_names(available)}."
    )


def confidence_level(level: float) -> float:
    """Return ``level``, or raise DataError unless it lies strictly between 0 and 1."""
    if not 0.0 < level < 1.0:
        raise DataError(f"The confidence level must lie strictly between 0 and 1, got {level}.")
    return level


def numpy_backed(frame: pd.DataFrame, columns: Sequence[Any] | None = None) -> pd.DataFrame:
    """Give Arrow-backed columns the numpy dtypes formulaic understands (text as object).

    formulaic 1.2 treats ``string[pyarrow]`` and ``pd.ArrowDtype`` columns (Dask's default for
    text; ``dtype_backend="pyarrow"`` for all) as numeric and fails on their values, while it
    encodes object text as categorical. Numbers and booleans become numpy columns (float64 when
    some are missing, so the missing-value check still sees them as NaN); text and dictionary
    (categorical) columns become object. Frames without such columns are returned as they are;
    ``columns`` limits the conversion to those (default: all).
    """
    changed: dict[Any, Any] = {}
    for name, dtype in frame.dtypes.items():
        if columns is not None and name not in columns:
            continue
        if isinstance(dtype, pd.StringDtype) and dtype.na_value is pd.NA:
            # "string[pyarrow]"/"string[python]"; pandas' default "str" (NaN for missing) is
            # encoded as categorical by formulaic already.
            changed[name] = frame[name].astype(object)
        elif isinstance(dtype, pd.ArrowDtype):
            column = frame[name]
            if dtype.kind in "iufb" and not column.hasnans:
                changed[name] = column.to_numpy(dtype=dtype.numpy_dtype)  # type: ignore[attr-defined]
            elif dtype.kind in "iuf":
                changed[name] = column.to_numpy(dtype=np.float64, na_value=np.nan)
            elif dtype.kind in "bOU":
                changed[name] = column.astype(object)
    if not changed:
        return frame
    return frame.assign(**{str(k): v for k, v in changed.items()})


def mentioned_columns(formula: str, columns: Iterable[Any]) -> list[Any]:
    """Return the columns whose names occur in ``formula`` as whole identifiers.

    A superset of formulaic's ``required_variables``, which (in formulaic 1.2) leaves out the
    arguments of stateful transforms such as ``center(x)``.
    """
    return [c for c in columns if re.search(rf"(?<![\w.]){re.escape(str(c))}(?!\w)", formula)]


def _bad_mask(column: pd.Series) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """Return (missing, infinite) masks of one column."""
    missing = column.isna().to_numpy()
    infinite = np.zeros(column.shape[0], dtype=bool)
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        values = column.to_numpy(dtype=np.float64, na_value=np.nan)
        infinite = np.isinf(values)
    return missing, infinite


def complete_rows(
    frame: pd.DataFrame, columns: Sequence[str], missing: str, whole_data: bool = True
) -> pd.Series | None:
    """Find rows with missing or infinite values in ``columns``.

    Returns None when every row is complete, a boolean Series (True = keep) when
    ``missing == "drop"``, and raises MissingValueError when ``missing == "raise"`` (counting
    the complete rows only when ``frame`` is the whole data, not one partition of it).
    """
    if missing not in ("raise", "drop"):
        raise DataError(f"missing must be 'raise' or 'drop', got {missing!r}.")
    any_bad = np.zeros(frame.shape[0], dtype=bool)
    problems = []
    for name in dict.fromkeys(columns):
        is_missing, is_infinite = _bad_mask(frame[name])
        for mask, what in ((is_missing, "missing"), (is_infinite, "infinite")):
            if mask.any():
                rows = list_rows(list(frame.index[mask]))
                problems.append(f"'{name}' has {int(mask.sum())} {what} ({rows})")
        any_bad |= is_missing | is_infinite
    if not any_bad.any():
        return None
    if missing == "raise":
        complete = f"the {int((~any_bad).sum())} complete rows" if whole_data else "complete rows"
        found = f"Missing or infinite values in columns the model uses: {'; '.join(problems)}. "
        raise MissingValueError(
            f"{found}Fill them in, or drop those rows explicitly with missing='drop' to fit "
            f"on {complete}.",
            cli=f"{found}Fill them in, or drop those rows explicitly with --drop-missing to fit "
            f"on {complete}.",
        )
    return pd.Series(~any_bad, index=frame.index)


def predictor_frame(X: ArrayLike, names: Sequence[str] | None) -> pd.DataFrame:
    """Turn the predictors of the matrix entry point into an all-numeric DataFrame."""
    if isinstance(X, pd.DataFrame):
        frame = X.copy()
    else:
        array = np.asarray(X)
        if array.ndim == 1:
            array = array.reshape(-1, 1)
        if array.ndim != 2:
            raise DataError(f"X must be a 2-D array (rows x predictors); got shape {array.shape}.")
        frame = pd.DataFrame(array, columns=[f"x{j + 1}" for j in range(array.shape[1])])
    if names is not None:
        if len(names) != frame.shape[1]:
            raise DataError(f"names has {len(names)} entries but X has {frame.shape[1]} columns.")
        frame.columns = pd.Index([str(n) for n in names])
    duplicated = frame.columns[frame.columns.duplicated()].unique()
    if len(duplicated):
        raise DataError(f"Predictor names must be unique; repeated: {list_names(duplicated)}.")
    if frame.shape[0] == 0:
        raise DataError("X has no rows: there is nothing to fit.")
    for name in frame.columns:
        column = frame[name]
        if pd.api.types.is_bool_dtype(column):
            frame[name] = column.astype(np.float64)
        elif not pd.api.types.is_numeric_dtype(column):
            converted = pd.to_numeric(column, errors="coerce")
            if (converted.isna() & column.notna()).any():
                raise DataError(
                    f"Column '{name}' is not numeric (it holds {column.dtype} values such as "
                    f"{column.dropna().iloc[0]!r}). Encode it yourself, or use a formula, which "
                    f"turns it into indicator columns: logitfit.fit('y ~ C({name}) + ...', data)."
                )
            frame[name] = converted
    return frame


def frequency_weights(weights: NDArray[np.float64], labels: pd.Index) -> NDArray[np.float64]:
    """Check frequency weights: finite and non-negative, not all zero."""
    bad = ~np.isfinite(weights) | (weights < 0)
    if bad.any():
        raise DataError(
            f"Frequency weights must be finite and non-negative; {list_rows(list(labels[bad]))} "
            "break this. Fix or drop those rows."
        )
    if not (weights > 0).any():
        raise DataError("All frequency weights are zero: there is nothing to fit.")
    return weights.astype(np.float64)


def code_outcome(
    raw: pd.Series,
    response: str,
    trials: NDArray[np.float64] | None,
    event: object,
    labels: pd.Index,
    require_event: bool = True,
) -> tuple[NDArray[np.float64], NDArray[np.float64], str]:
    """Turn the raw outcome into (successes, trials, modelled event in words).

    ``require_event=False`` (one partition of a larger dataset) accepts an ``event`` that does
    not occur in ``raw``: whether it occurs at all is checked on the whole data.
    """
    if trials is not None:
        successes = numeric_vector(raw, f"outcome '{response}' (events out of trials)")
        for mask, what in (
            (~(trials > 0), "trials must be positive"),
            ((successes < 0) | (successes > trials), "events must lie between 0 and the trials"),
        ):
            if mask.any():
                raise OutcomeError(
                    f"In events/trials data {what}; {list_rows(list(labels[mask]))} of "
                    f"'{response}' break this."
                )
        return successes, trials, f"events of '{response}' out of trials"
    ones = constant_vector(1.0, raw.shape[0])
    if isinstance(event, str) and pd.api.types.is_numeric_dtype(raw):
        try:  # an event typed on the command line arrives as text
            event = float(event)
        except ValueError:
            pass
    if event is not None:
        hits = (raw == event).to_numpy(dtype=bool)
        if require_event and not hits.any():
            seen = list_names(sorted(pd.unique(raw).tolist(), key=str))
            raise OutcomeError(
                f"The event {event!r} never occurs in '{response}'; its values are {seen}."
            )
        return hits.astype(np.float64), ones, f"{response} == {event!r}"
    if pd.api.types.is_bool_dtype(raw):
        return raw.to_numpy(dtype=np.float64), ones, f"{response} is True"
    if pd.api.types.is_numeric_dtype(raw):
        values = raw.to_numpy(dtype=np.float64)
        off = (values != 0.0) & (values != 1.0)
        if off.any():
            distinct = np.unique(values)
            hint = (
                f" To model {distinct[1]:g} against {distinct[0]:g}, pass event={distinct[1]:g}."
                if distinct.size == 2
                else " For counts of events out of trials, pass trials=..."
            )
            raise OutcomeError(
                f"The outcome '{response}' must be 0/1, boolean or two-level; "
                f"{list_rows(list(labels[off]))} hold other values "
                f"(e.g. {values[off][0]:g}).{hint}"
            )
        return values, ones, f"{response} == 1"
    levels = outcome_levels(raw)
    if len(levels) > 2:
        raise OutcomeError(
            f"The outcome '{response}' has {len(levels)} levels ({list_names(levels)}); "
            "logistic regression needs two. Choose the level to model with event=..., "
            "which compares it against all the others."
        )
    if len(levels) < 2:
        raise OutcomeError(
            f"The outcome '{response}' takes the single value {levels[0]!r} in all "
            f"{raw.shape[0]} rows; a logistic regression needs both outcomes."
        )
    hits = (raw == levels[1]).to_numpy(dtype=bool)
    return hits.astype(np.float64), ones, f"{response} == {levels[1]!r} (vs {levels[0]!r})"


def outcome_levels(raw: pd.Series) -> list[Any]:
    """Distinct values of a non-numeric outcome in modelling order (the second is the event).

    A categorical's own order, restricted to the levels present; otherwise sorted as text.
    """
    if isinstance(raw.dtype, pd.CategoricalDtype):
        present = set(raw.dropna().unique())
        return [c for c in raw.cat.categories if c in present]
    return sorted(pd.unique(raw).tolist(), key=str)


def outcome_varies(design: RowSource) -> None:
    """Raise OutcomeError when every trial is an event, or none is."""
    events, total = design.n_events, design.n_trials
    if events == 0 or events == total:
        which = "no events" if events == 0 else "only events"
        raise OutcomeError(
            f"The outcome '{design.response}' has {which} ({events:g} of {total:g}); "
            "a logistic regression needs both outcomes."
        )


def enough_rows(design: Design) -> None:
    """Raise DataError when there are fewer observations than coefficients."""
    used = int(np.count_nonzero(design.weights > 0))
    if used < design.n_params:
        raise DataError(
            f"Only {used} rows for {design.n_params} coefficients: a model needs at least as "
            "many rows as parameters. Use fewer predictors or more data."
        )


def full_rank(design: RowSource, gram: NDArray[np.float64]) -> None:
    """Raise RankDeficiencyError naming constant or aliased columns of the design.

    Parameters
    ----------
    design : Design
    gram : ndarray of shape (p, p)
        ``X^T D X`` for any positive diagonal ``D`` over the rows with positive weight (the
        Hessian at the starting point will do): it has the null space of the design itself.
    """
    aliased = find_aliased_columns(gram, design.names)
    if not aliased:
        return
    intercept = None if design.intercept_index is None else design.names[design.intercept_index]
    constant = [
        c.name for c in aliased if intercept is not None and set(c.combination) == {intercept}
    ]
    if constant:
        raise RankDeficiencyError(
            f"Column(s) {list_names(constant)} take a single value in every row, so they "
            "cannot be told apart from the intercept. Remove them from the model."
        )
    equations = "; ".join(column.describe() for column in aliased)
    raise RankDeficiencyError(
        f"The design matrix is rank deficient: {list_names(c.name for c in aliased)} "
        f"{'is a linear combination' if len(aliased) == 1 else 'are linear combinations'} "
        f"of earlier columns ({equations}). Remove the redundant column(s) from the model."
    )


def per_row_column(
    data: pd.DataFrame | None, value: str | ArrayLike | None, role: str, n_rows: int
) -> NDArray[np.float64] | None:
    """Resolve an optional per-row column given by name (in ``data``) or as an array."""
    if value is None:
        return None
    if isinstance(value, str):
        if data is None or value not in data.columns:
            raise FormulaError(
                f"The {role} column '{value}' is not in the data. "
                f"Available columns: {list_names(data.columns if data is not None else [])}."
            )
        return numeric_vector(data[value], f"{role} column '{value}'")
    array = numeric_vector(value, role)
    same_length(array, n_rows, role)
    return array


def is_dask_collection(value: object) -> bool:
    """Tell whether ``value`` is a Dask collection, without importing Dask when it is not loaded.

    Parameters
    ----------
    value : object

    Returns
    -------
    bool
    """
    dask = sys.modules.get("dask")
    return dask is not None and bool(dask.is_dask_collection(value))
