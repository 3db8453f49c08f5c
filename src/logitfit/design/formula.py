"""Build a Design from a Wilkinson formula and a DataFrame, with formulaic.

The formula entry point of :mod:`logitfit.design.core` (the array one is
:mod:`logitfit.design.arrays`); every check on the data runs here, at the boundary.
"""

from __future__ import annotations

import functools
import warnings
from typing import Any

import numpy as np
import pandas as pd
from formulaic import Formula, ModelSpec
from formulaic.errors import DataMismatchWarning, FormulaicError

from logitfit.design import checks as check
from logitfit.design.checks import mentioned_columns
from logitfit.design.core import Design, assemble
from logitfit.design.messages import formulaic_reason
from logitfit.design.plain import plain_columns, stack_columns
from logitfit.design.roles import Column, Missing, RowRoles, describe_row_roles
from logitfit.exceptions import DataError, FormulaError

__all__ = ["design_from_formula", "formula_design", "parse_formula"]


# Above this many rows, a formula of plain numeric columns skips formulaic's materialisation:
# 4.1 s of the 5.8 s a 5e6 x 20 formula fit took (measured here), against ~0.3 s for the copy.
_PLAIN_CHECK_ROWS = 10_000


def _plain_spec(rhs: Any, data: pd.DataFrame) -> ModelSpec | None:
    """Learn the specification from a few rows, when every term is a plain numeric column.

    Such terms learn nothing from the data (no levels, no transform state), so a few rows fix
    the specification exactly; anything else returns None and formulaic sees all the rows.
    """
    for name in rhs.required_variables:  # a text or boolean column is never plain: skip
        column = data[name]
        if pd.api.types.is_bool_dtype(column) or not pd.api.types.is_numeric_dtype(column):
            return None
    try:
        spec: ModelSpec = rhs.get_model_matrix(data.head(100), na_action="ignore").model_spec
    except FormulaicError:  # let the full materialisation report it
        return None
    return spec if plain_columns(spec, data) is not None else None


@functools.lru_cache(maxsize=64)
def parse_formula(formula: str) -> tuple[Any, Any, tuple[str, ...]]:
    """Parse ``"outcome ~ terms"`` with formulaic.

    Parsed formulas are cached: the Dask path builds a design from the same formula for every
    slice of every partition in every pass.

    Returns
    -------
    lhs, rhs : formulaic formula parts
        The outcome and the right-hand side.
    used : tuple of str
        The data columns the formula reads, sorted.
    """
    try:
        parsed = Formula(formula)
        lhs, rhs = parsed.lhs, parsed.rhs
    except (FormulaicError, AttributeError, SyntaxError, ValueError) as error:
        raise FormulaError(
            f"Cannot read the formula {formula!r}: {formulaic_reason(error)}. A formula looks "
            "like 'y ~ x1 + x2', with the outcome on the left."
        ) from error
    return lhs, rhs, tuple(sorted(set(lhs.required_variables) | set(rhs.required_variables)))


@describe_row_roles
def design_from_formula(
    formula: str,
    data: pd.DataFrame,
    *,
    weights: Column = None,
    offset: Column = None,
    trials: Column = None,
    event: object = None,
    missing: Missing = "raise",
) -> Design:
    """Build a Design from a Wilkinson formula and a DataFrame, with formulaic.

    Parameters
    ----------
    formula : str
        ``"outcome ~ terms"``; categorical terms as ``C(col)`` or string columns.
    data : pandas.DataFrame
        One row per observation.
    {row_roles}

    Returns
    -------
    Design
    """
    return formula_design(formula, data, RowRoles(weights, offset, trials, event, missing))


def formula_design(
    formula: str,
    data: pd.DataFrame,
    roles: RowRoles,
    model_spec: ModelSpec | None = None,
    whole_data: bool = True,
) -> Design:
    """Build a Design from a formula, a DataFrame and the rows' roles.

    The work of :func:`design_from_formula`, which the Dask partitions call with a fixed
    specification.

    Parameters
    ----------
    formula : str
        ``"outcome ~ terms"``.
    data : pandas.DataFrame
        One row per observation.
    roles : RowRoles
        Weights, offset, trials, event and the missing-value rule.
    model_spec : formulaic.ModelSpec, optional
        A right-hand side specification fixed in advance (categorical levels found over all the
        data); the Dask path applies one to every partition so that all get the same columns.
    whole_data : bool
        False when ``data`` is one part of a larger dataset (a Dask partition): the checks that
        need every row (enough rows, both outcomes present, the event occurring) are then left
        to the caller, who runs them on the totals, and an empty part is allowed.

    Returns
    -------
    Design
    """
    if not isinstance(data, pd.DataFrame):
        raise DataError(
            f"`data` must be a pandas DataFrame, got {type(data).__name__}; "
            "for arrays use logitfit.fit_arrays(X, y)."
        )
    if data.shape[0] == 0 and whole_data:
        raise DataError("The data have no rows: there is nothing to fit.")
    lhs, rhs, used = parse_formula(formula)
    # Per-row values given as arrays join the frame under a bracketed name, so that the
    # missing-value check (and missing="drop") treats them like named columns and its message
    # names them ('<offset>' has 1 missing (row 7)).
    given = roles.per_row
    for role, value in given.items():
        if value is not None and not isinstance(value, str):
            array = np.asarray(value)
            check.same_length(array, data.shape[0], role)
            data = data.assign(**{f"<{role}>": array})
            given[role] = f"<{role}>"
    weights, offset, trials = given["weights"], given["offset"], given["trials"]
    extra = [v for v in (weights, offset, trials) if isinstance(v, str)]
    check.columns_exist([*used, *extra], data.columns, formula)
    data = check.numpy_backed(data, [*mentioned_columns(formula, data.columns), *extra])

    keep = check.complete_rows(data, [*used, *extra], roles.missing, whole_data)
    if keep is not None:
        data = data.loc[keep]
    dropped = () if keep is None else tuple(keep[~keep].index)

    response_name = str(lhs)
    if response_name in data.columns:
        raw_outcome: pd.Series = data[response_name]
    else:
        try:
            lhs_matrix = lhs.get_model_matrix(data, na_action="raise")
        except FormulaicError as error:
            raise FormulaError(
                f"Cannot evaluate the outcome {response_name!r}: {formulaic_reason(error)}."
            ) from error
        if lhs_matrix.shape[1] != 1:
            raise FormulaError(
                f"The outcome {response_name!r} expands to {lhs_matrix.shape[1]} columns; "
                "give a single column (binary, two-level, or events with trials=...)."
            )
        raw_outcome = lhs_matrix.iloc[:, 0]
    if model_spec is None and data.shape[0] > _PLAIN_CHECK_ROWS:
        model_spec = _plain_spec(rhs, data)
    plain = None if model_spec is None else plain_columns(model_spec, data)
    if model_spec is not None and plain is not None:
        spec: ModelSpec = model_spec
        names = tuple(str(c) for c in spec.column_names)
        X = stack_columns(data, plain)
    else:
        try:
            with warnings.catch_warnings():
                # A level unseen when ``model_spec`` was fixed would be all zeros: refuse it.
                warnings.simplefilter("error", DataMismatchWarning)
                source = rhs if model_spec is None else model_spec
                matrix = source.get_model_matrix(data, na_action="raise")
        except (FormulaicError, DataMismatchWarning) as error:
            message = f"Cannot build the design matrix from {formula!r}: {formulaic_reason(error)}."
            raise FormulaError(message) from error
        spec = matrix.model_spec
        names = tuple(str(c) for c in matrix.columns)
        X = np.asarray(matrix.to_numpy(dtype=np.float64))
    intercept = names.index("Intercept") if "Intercept" in names else None
    terms = tuple((str(part.term), tuple(str(c) for c in part.columns)) for part in spec.structure)
    n_rows = data.shape[0]
    return assemble(
        X=X,
        raw_outcome=raw_outcome,
        names=names,
        response=response_name,
        intercept_index=intercept,
        row_labels=data.index,
        weights=check.per_row_column(data, weights, "weights", n_rows),
        offset=check.per_row_column(data, offset, "offset", n_rows),
        trials=check.per_row_column(data, trials, "trials", n_rows),
        event=roles.event,
        dropped=dropped,
        model_spec=spec,
        formula=formula,
        terms=terms,
        whole_data=whole_data,
    )
