"""Fix the model up front for data in Dask partitions: columns, categorical levels, event.

Every partition must give the same design columns, so the formula's categorical levels and the
outcome's modelled level are found once over the whole data, in a single pass that reads only the
columns concerned. formulaic then learns a :class:`formulaic.ModelSpec` from a small template frame
holding every level, and that specification is re-applied to each partition (formulaic's own
mechanism for new data). Transforms that learn state from the data (``center``, ``scale``, ...)
are refused: learned from one partition they would differ from the in-memory fit.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from formulaic import ModelSpec
from formulaic.errors import FormulaicError

from logitfit.backends.dask.design import FrameBuilder
from logitfit.backends.dask.scheduler import compute, tree_reduce
from logitfit.design import checks as check
from logitfit.design.formula import parse_formula
from logitfit.design.messages import formulaic_reason
from logitfit.design.roles import RowRoles
from logitfit.exceptions import DataError, FormulaError, OutcomeError

__all__ = ["FramePlan", "plan_frame", "resolve_event"]

# Rows read from the first partition to learn which factors are categorical.
_HEAD_ROWS = 100


@dataclass(frozen=True)
class FramePlan:
    """What is fixed before the first pass over the partitions.

    Attributes
    ----------
    builder : FrameBuilder
        Builds each partition's Design.
    names : tuple of str
        Design columns.
    intercept_index : int or None
        Position of the intercept column.
    term_columns : tuple of (str, tuple of str)
        Each term with its columns.
    response, event : str
        Outcome name and the modelled event in words.
    columns : list of str
        The data columns the model reads (the Dask frame is projected on them).
    """

    builder: FrameBuilder
    names: tuple[str, ...]
    intercept_index: int | None
    term_columns: tuple[tuple[str, tuple[str, ...]], ...]
    response: str
    event: str
    columns: list[str]


def _distinct_part(part: pd.DataFrame, columns: Sequence[str]) -> dict[str, pd.Series]:
    """Distinct non-missing values of ``columns`` among the partition's complete rows."""
    keep = check.complete_rows(part, list(part.columns), "drop")
    rows = check.numpy_backed(part if keep is None else part.loc[keep])
    return {name: rows[name].drop_duplicates().reset_index(drop=True) for name in columns}


def _merge_distinct(*parts: dict[str, pd.Series]) -> dict[str, pd.Series]:
    return {
        name: pd.concat([p[name] for p in parts], ignore_index=True).drop_duplicates()
        for name in parts[0]
    }


def resolve_event(
    distinct: pd.Series | None,
    response: str,
    event: object,
    events_of_trials: bool,
    boolean: bool = False,
) -> tuple[object, str]:
    """Decide the modelled level on the whole outcome, with the in-memory messages.

    Parameters
    ----------
    distinct : pandas.Series or None
        The outcome's distinct values over the whole data (None for a 0/1, boolean or
        events/trials outcome without ``event``, which each partition codes on its own).
    response : str
        Outcome name.
    event : object
        The level asked for, if any.
    events_of_trials : bool
        True for events/trials data.
    boolean : bool
        True when the outcome column is boolean (its event is stated as "is True").

    Returns
    -------
    event : object
        The level each partition compares the outcome with (None: code as 0/1).
    text : str
        The modelled event in words, as the in-memory fit states it.
    """
    labels = pd.RangeIndex(2)
    if events_of_trials:
        text = check.code_outcome(pd.Series([0.0, 1.0]), response, np.ones(2), None, labels)[2]
        return None, text
    if distinct is None:
        both = pd.Series([False, True]) if boolean else pd.Series([0.0, 1.0])
        return None, check.code_outcome(both, response, None, event, labels)[2]
    if pd.api.types.is_bool_dtype(distinct) and event is None:
        return None, check.code_outcome(pd.Series([False, True]), response, None, None, labels)[2]
    if event is None and not pd.api.types.is_numeric_dtype(distinct):
        levels = check.outcome_levels(distinct)
        if len(levels) == 1:
            raise OutcomeError(
                f"The outcome '{response}' takes the single value {levels[0]!r} in every row; "
                "a logistic regression needs both outcomes."
            )
        _, _, text = check.code_outcome(distinct, response, None, None, distinct.index)
        return levels[1], text
    _, _, text = check.code_outcome(distinct, response, None, event, distinct.index)
    return event, text


def _categorical_variables(spec: ModelSpec, used: Sequence[str]) -> list[str]:
    """Return the data columns read by the factors formulaic encodes as categorical."""
    found: list[str] = []
    for factor, (kind, _) in spec.encoder_state.items():
        if str(getattr(kind, "value", kind)) != "categorical":
            continue
        for name in used:
            if check.mentioned_columns(str(factor), [name]) and name not in found:
                found.append(name)
    return found


def _template(
    head: pd.DataFrame, levels: dict[str, pd.Series], categories: dict[str, Any]
) -> pd.DataFrame:
    """Build a few rows holding every level of every categorical column (the rest from ``head``).

    ``categories`` holds the category lists Dask knows for the whole data; a categorical whose
    categories are unknown (Parquet files with different ones) is given as plain values, whose
    levels formulaic sorts, as for the same files concatenated in memory.
    """
    complete = head.dropna()
    base = complete if complete.shape[0] else head
    n_rows = max([1, *(len(values) for values in levels.values())])
    template = base.iloc[[0] * n_rows].reset_index(drop=True)
    for name, values in levels.items():
        cycled = [values.iloc[i % len(values)] for i in range(n_rows)] if len(values) else []
        if name in categories:
            template[name] = pd.Categorical(cycled, categories=categories[name])
        elif isinstance(head[name].dtype, pd.CategoricalDtype):
            template[name] = pd.Series(cycled, dtype=object)
        elif cycled:
            template[name] = pd.Series(cycled, dtype=values.dtype)
    return template


def _known_categories(data: Any, names: Sequence[str]) -> dict[str, Any]:
    """Return the category lists of the Dask frame's categoricals whose categories are known."""
    known = {}
    for name in names:
        if isinstance(data[name].dtype, pd.CategoricalDtype) and data[name].cat.known:
            known[name] = data[name].cat.categories
    return known


def plan_frame(
    formula: str,
    data: Any,
    roles: RowRoles,
    progress: bool = False,
    keep: Sequence[str] = (),
) -> tuple[FramePlan, Any]:
    """Check the formula against a Dask DataFrame and fix its specification over all the data.

    Parameters
    ----------
    formula : str
        ``"outcome ~ terms"``.
    data : dask.dataframe.DataFrame
        The data, in partitions.
    roles : RowRoles
        Weights, offset and trials as column names (per-row arrays cannot be aligned with
        partitions), the event if given, and the missing-value rule.
    progress : bool
        Show Dask's progress bar during the pass over the data.
    keep : sequence of str
        Other columns to keep in the projection (the cluster column of CR1).

    Returns
    -------
    plan : FramePlan
    projected : dask.dataframe.DataFrame
        ``data`` restricted to the columns the model reads.
    """
    from dask import delayed

    for role, value in roles.per_row.items():
        if value is not None and not isinstance(value, str):
            raise DataError(
                f"With Dask data, give {role}= as the name of a column of the data "
                f"(got {type(value).__name__}); a separate array cannot be aligned with the "
                "partitions."
            )
    lhs, rhs, used = parse_formula(formula)
    event, trials = roles.event, roles.trials
    extra = [v for v in roles.per_row.values() if isinstance(v, str)]
    check.columns_exist([*used, *extra], data.columns, formula)
    for name in keep:
        if name not in data.columns:
            raise FormulaError(f"The cluster column '{name}' is not in the data.")
    # formulaic 1.2 leaves the arguments of stateful transforms (center(x)) out of
    # required_variables, so also keep every column whose name appears in the formula.
    named = [str(c) for c in check.mentioned_columns(formula, data.columns)]
    columns = list(dict.fromkeys([*used, *named, *extra, *keep]))
    projected = data[columns]
    with warnings.catch_warnings():  # a first partition shorter than _HEAD_ROWS is fine
        warnings.filterwarnings("ignore", "Insufficient elements for `head`", UserWarning)
        head = projected.head(_HEAD_ROWS, npartitions=1, compute=True)
    if head.shape[0] == 0:  # an empty first partition: look further (reads more partitions)
        head = projected.head(_HEAD_ROWS, npartitions=-1, compute=True)
    head = check.numpy_backed(head)
    if head.shape[0] == 0:
        raise DataError("The data have no rows: there is nothing to fit.")
    try:
        first_spec = rhs.get_model_matrix(head, na_action="ignore").model_spec
    except FormulaicError as error:
        raise FormulaError(
            f"Cannot build the design matrix from {formula!r}: {formulaic_reason(error)}."
        ) from error
    if first_spec.transform_state:
        stateful = ", ".join(sorted(first_spec.transform_state))
        raise FormulaError(
            f"The formula uses {stateful}, which learns its parameters from the data; on Dask "
            "data each partition would learn different ones. Compute the transformed column "
            "first (e.g. ddf.assign(x_c=ddf.x - ddf.x.mean())) and use it in the formula."
        )
    response = str(lhs)
    wanted = _categorical_variables(first_spec, used)
    outcome_needs_levels = response in data.columns and (
        event is not None
        or not (
            pd.api.types.is_numeric_dtype(data[response].dtype)
            or pd.api.types.is_bool_dtype(data[response].dtype)
        )
    )
    if outcome_needs_levels and trials is None and response not in wanted:
        wanted.append(response)
    distinct: dict[str, pd.Series] = {}
    if wanted:
        parts = [
            delayed(_distinct_part, pure=True)(part, wanted)
            for part in data[columns if roles.missing == "drop" else wanted].to_delayed()
        ]
        distinct = compute(tree_reduce(parts, _merge_distinct), progress)
    event_level, event_text = resolve_event(
        distinct.get(response) if outcome_needs_levels and trials is None else None,
        response,
        event,
        trials is not None,
        response in data.columns and pd.api.types.is_bool_dtype(data[response].dtype),
    )
    levels = {name: values for name, values in distinct.items() if name != response}
    try:
        template = _template(head, levels, _known_categories(data, list(levels)))
        spec = rhs.get_model_matrix(template, na_action="ignore").model_spec
    except FormulaicError as error:  # pragma: no cover - the head already built
        raise FormulaError(
            f"Cannot build the design matrix from {formula!r}: {formulaic_reason(error)}."
        ) from error
    names = tuple(str(c) for c in spec.column_names)
    builder = FrameBuilder(
        formula=formula, model_spec=spec, roles=roles.with_per_row(event=event_level)
    )
    plan = FramePlan(
        builder=builder,
        names=names,
        intercept_index=names.index("Intercept") if "Intercept" in names else None,
        term_columns=tuple(
            (str(part.term), tuple(str(c) for c in part.columns)) for part in spec.structure
        ),
        response=response,
        event=event_text,
        columns=columns,
    )
    return plan, projected
