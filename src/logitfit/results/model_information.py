"""What was fitted to what: SAS's "Model Information" and "Response Profile", in one record."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import pandas as pd

from logitfit.results.records import Record

if TYPE_CHECKING:
    from logitfit.results.result import LogitResult

__all__ = ["ModelInformation", "model_information"]


@dataclass(frozen=True)
class ModelInformation(Record):
    """The response profile and how the model was fitted.

    Attributes
    ----------
    table : pandas.DataFrame
        The response profile: one row per outcome (the modelled event first), ``outcome``,
        ``count`` (observations: trials, frequency weights summed) and ``modelled``.
    response : str
    event : str
        The modelled event, in words.
    rows_read, rows_used, rows_dropped : int
        Rows of the data, rows in the fit, and rows left out for missing values.
    dropped_labels : tuple
        The labels of the rows left out.
    weights : str
        ``"none"``, or frequency weights and their total.
    outcome_kind : str
        ``"binary"`` or ``"events/trials"``.
    method : str
        The likelihood maximised and the solver.
    converged : bool
    iterations : int
    criterion : str
        The solver's own account of why it stopped.
    """

    title: ClassVar[str] = "Model information and response profile"
    table: pd.DataFrame
    response: str
    event: str
    rows_read: int
    rows_used: int
    rows_dropped: int
    dropped_labels: tuple[object, ...]
    weights: str
    outcome_kind: str
    method: str
    converged: bool
    iterations: int
    criterion: str


def _outcome_labels(event: str) -> tuple[str, str]:
    """Name the two outcomes from the event's description.

    ``"sex == 'male' (vs 'female')"`` gives ``male`` and ``female``; ``"GRADE == 1"`` gives
    ``1`` and ``0``; anything else, the description and its negation.
    """
    modelled, other = event, f"not {event}"
    if event.endswith(")") and " (vs " in event:
        modelled, other = event[:-1].split(" (vs ", 1)
    if " == " in modelled:
        modelled = modelled.split(" == ", 1)[1]
        if modelled == "1" and other.startswith("not "):
            other = "0"
    return modelled.strip("'\""), other.strip("'\"")


def model_information(result: LogitResult) -> ModelInformation:
    """Describe the response profile and the fit (SAS PROC LOGISTIC's first two tables).

    Parameters
    ----------
    result : LogitResult

    Returns
    -------
    ModelInformation
    """
    design = result.design
    modelled, other = _outcome_labels(design.event)
    events, trials = design.n_events, design.n_trials
    table = pd.DataFrame(
        {
            "outcome": [modelled, other],
            "count": [events, trials - events],
            "modelled": [True, False],
        },
        index=pd.Index([1, 2], name="ordered value"),
    )
    weighted = not design.unit_weights
    return ModelInformation(
        table=table,
        response=design.response,
        event=design.event,
        rows_read=design.n_rows + design.n_dropped,
        rows_used=design.n_rows,
        rows_dropped=design.n_dropped,
        dropped_labels=tuple(getattr(design, "dropped_rows", ())),
        weights=f"frequency weights, total {design.n_obs:g}" if weighted else "none",
        outcome_kind="binary" if design.is_binary else "events/trials",
        method=f"{result.likelihood.name}, {result.solver.method}",
        converged=result.converged,
        iterations=result.n_iter,
        criterion=result.solver.message,
    )
