"""Categorical levels in new data that the fit never saw.

A level of a categorical factor that the fit never saw has no coefficient. formulaic only warns
and codes it as all-zero dummies, i.e. as the reference level, which would be a silent wrong
answer; :func:`formula_rows` refuses such rows (R's ``predict`` does too: "factor has new
levels"), or with ``unseen="nan"`` returns NaN rows for them alone.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Hashable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from formulaic import ModelSpec
from formulaic.errors import DataMismatchWarning, FormulaicError
from formulaic.materializers.types import FactorValues
from formulaic.parser.types import Factor
from numpy.typing import NDArray

from logitfit.design.messages import formulaic_reason
from logitfit.exceptions import DataError, FormulaError

__all__ = ["Unseen", "formula_rows", "unseen_option"]

Unseen = Literal["raise", "nan"]
_UNSEEN_OPTIONS: tuple[Unseen, ...] = ("raise", "nan")
_SHOWN = 5  # levels and row labels named in a message; the rest are counted


def unseen_option(unseen: object) -> Unseen:
    """Return ``unseen`` if it is one of the allowed values, else raise DataError.

    Parameters
    ----------
    unseen : object
        The ``unseen=`` argument of a prediction.

    Returns
    -------
    {"raise", "nan"}
    """
    for option in _UNSEEN_OPTIONS:
        if unseen == option:
            return option
    allowed = " or ".join(repr(option) for option in _UNSEEN_OPTIONS)
    raise DataError(
        f"unseen must be {allowed} (what to do with rows holding a categorical level the "
        f"model was not fitted on), got {unseen!r}."
    )


@dataclass(frozen=True)
class _UnseenLevels:
    """The rows of new data where one categorical factor takes a level the fit never saw."""

    factor: str  # the factor as formulaic names it: "C(group)", or a column name
    columns: tuple[str, ...]  # the data columns it reads
    levels: tuple[Hashable, ...]  # the unseen levels, in order of first appearance
    fitted: tuple[Hashable, ...]  # the levels the model has
    rows: NDArray[np.bool_]  # the rows holding them

    def describe(self, labels: pd.Index) -> str:
        """Name the factor, its unseen levels and the first few rows holding them."""
        if self.columns == (self.factor,):
            name = f"column {self.factor!r}"
        elif self.columns:
            name = f"{self.factor} (column {', '.join(repr(c) for c in self.columns)})"
        else:
            name = self.factor
        count = int(self.rows.sum())
        return (
            f"{name} has {_listed(self.levels)} (fitted levels: {_listed(self.fitted)}) in "
            f"{count} row{'s' if count != 1 else ''}, labelled {_listed(labels[self.rows])}"
        )


def formula_rows(
    spec: ModelSpec, new_data: pd.DataFrame, unseen: Unseen = "raise"
) -> tuple[NDArray[np.float64], NDArray[np.bool_] | None]:
    """Apply a fitted formula to new rows, refusing (or blanking) levels the fit never saw.

    Parameters
    ----------
    spec : formulaic.ModelSpec
        The fitted right-hand side, with its categorical levels.
    new_data : pandas.DataFrame
        The new rows.
    unseen : {"raise", "nan"}
        Raise DataError naming the factors, levels and rows; or return those rows as NaN,
        with a UserWarning.

    Returns
    -------
    X : ndarray of shape (m, p)
        The design rows; all NaN for rows holding an unseen level.
    unseen_rows : ndarray of shape (m,) of bool, or None
        The rows set to NaN; None when there are none.

    Raises
    ------
    DataError
        With ``unseen="raise"``, when some row holds a level the model has no coefficient for.
    FormulaError
        When formulaic warns of a level mismatch the check could not locate.
    ValueError
        formulaic's own, when a row holds a missing value (as before this check existed).
    formulaic.errors.FormulaicError
        When the formula cannot be applied to the new data (the caller words it).
    """
    unseen = unseen_option(unseen)
    found = _unseen_levels(spec, new_data)
    labels = new_data.index
    details = "; ".join(item.describe(labels) for item in found)
    if found and unseen == "raise":
        raise DataError(
            f"The new data hold categorical levels the model was not fitted on, so it has no "
            f"coefficient for them (formulaic would silently give them all-zero dummies, the "
            f"reference level's coding): {details}. Pass unseen='nan' to predict NaN for these "
            "rows, or refit the model on data that include these levels."
        )
    if not found:
        return _model_matrix(spec, new_data), None
    rows = np.logical_or.reduce([item.rows for item in found])
    # Only the other rows go through formulaic: it would code an unseen level as the reference
    # (and pandas deprecates the Categorical it builds from one). The rows left out still must
    # not hold missing values, as every row of a prediction.
    _refuse_missing(spec, new_data[rows])
    X = np.full((rows.shape[0], len(spec.column_names)), np.nan)
    if not rows.all():
        X[~rows] = _model_matrix(spec, new_data[~rows])
    warnings.warn(
        f"Predictions are NaN for {int(rows.sum())} of {rows.shape[0]} new rows, which hold "
        f"categorical levels the model was not fitted on: {details}.",
        UserWarning,
        stacklevel=_caller_level(),
    )
    return X, rows


def _model_matrix(spec: ModelSpec, data: pd.DataFrame) -> NDArray[np.float64]:
    """Build the model matrix of ``data``, refusing missing values and any level mismatch."""
    try:
        with warnings.catch_warnings():
            # formulaic codes a level outside the fitted ones as the reference level, with only
            # this warning: one the check in formula_rows could not locate must fail, not pass.
            warnings.simplefilter("error", DataMismatchWarning)
            matrix = spec.get_model_matrix(data, na_action="raise")
    except DataMismatchWarning as error:  # formulaic's own errors are left to the caller
        raise FormulaError(
            f"Cannot apply the model's formula to new data: {formulaic_reason(error)}."
        ) from error
    return np.asarray(matrix.to_numpy(dtype=np.float64))


def _refuse_missing(spec: ModelSpec, data: pd.DataFrame) -> None:
    """Raise formulaic's own missing-value error if a factor is null in some row of ``data``.

    For rows kept out of the model matrix: evaluating the factors (without encoding them) runs
    the same check, with the same message, as building the matrix with ``na_action="raise"``.
    """
    strict = spec.update(na_action="raise")
    materializer = spec.get_materializer(data)
    for factor in _factors(spec):
        materializer._evaluate_factor(factor, strict, set())


def _unseen_levels(spec: ModelSpec, data: pd.DataFrame) -> list[_UnseenLevels]:
    """Evaluate each categorical factor of ``spec`` on ``data`` and find levels it never saw.

    formulaic's ``DataMismatchWarning`` names the levels but neither the factor nor the rows,
    so each categorical factor (``C(group)``, a text column, either inside an interaction) is
    evaluated as formulaic evaluates it and compared with the levels in its encoder state.

    A factor that cannot be read so (formulaic fails to evaluate it, or its values are not
    one column) is skipped: building the model matrix then reports the failure, or its level
    mismatch (see :func:`_model_matrix`).

    Returns
    -------
    list of _UnseenLevels
        One per factor with unseen levels, in formula order.
    """
    # Missing values are not levels: they stay for the model matrix build to refuse, as before.
    probe = spec.update(na_action="ignore")
    materializer = spec.get_materializer(data)
    found: list[_UnseenLevels] = []
    for factor in _factors(spec):
        kind, state = spec.encoder_state.get(factor.expr, (None, {}))
        if kind is not Factor.Kind.CATEGORICAL:
            continue
        fitted = state.get("categories") if isinstance(state, dict) else None
        try:
            # A private method, but the very evaluation the model matrix uses (lookup of a
            # column, or the Python expression with the fitted transform state).
            evaluated = materializer._evaluate_factor(factor, probe, set())
        except FormulaicError:
            continue
        values = evaluated.values
        if isinstance(values, FactorValues):
            values = values.__wrapped__
        if fitted is None or np.ndim(values) != 1 or len(values) != len(data):
            continue
        series = pd.Series(np.asarray(values, dtype=object))
        rows = ~(series.isin(list(fitted)) | series.isna()).to_numpy()
        if rows.any():
            columns = sorted(str(v) for v in (evaluated.variables or ()) if v.source == "data")
            found.append(
                _UnseenLevels(
                    factor=factor.expr,
                    columns=tuple(columns),
                    levels=tuple(pd.unique(series[rows])),
                    fitted=tuple(fitted),
                    rows=rows,
                )
            )
    return found


def _factors(spec: ModelSpec) -> Iterator[Factor]:
    """Yield the factors of ``spec`` once each, in the order of its terms (stable messages)."""
    seen: set[str] = set()
    for part in spec.structure or ():
        for factor in part.term.factors:
            if factor.expr not in seen:
                seen.add(factor.expr)
                yield factor


def _listed(values: Any) -> str:
    """Up to ``_SHOWN`` values as reprs, then how many more (messages stay one line)."""
    # numpy scalars as Python ones: 'np.int64(3)' would be noise in a message about level 3.
    values = [value.item() if isinstance(value, np.generic) else value for value in values]
    shown = ", ".join(repr(value) for value in values[:_SHOWN])
    more = len(values) - _SHOWN
    return shown + (f" and {more} more" if more > 0 else "")


def _caller_level() -> int:
    """Return the ``stacklevel`` of the first frame outside logitfit (a warning names user code).

    The same warning is reached through predict, predict_interval and LogitResult's methods,
    each a different depth below the caller.
    """
    level, frame = 1, sys._getframe(1)
    while frame.f_back is not None and _in_package(frame.f_globals.get("__name__", "")):
        level, frame = level + 1, frame.f_back
    return level


def _in_package(module: str) -> bool:
    """Whether ``module`` is logitfit or one of its submodules."""
    return module == "logitfit" or module.startswith("logitfit.")
