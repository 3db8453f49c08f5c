r"""Odds ratios per stated change, with Wald and profile-likelihood intervals (SAS ``UNITS``, rms).

The odds ratio of a change :math:`u` in a predictor whose coefficient is :math:`\beta` is
:math:`e^{u \beta}`, and its interval :math:`e^{u \cdot [\text{low}, \text{high}]}` from the
coefficient's interval (Wald, or profile likelihood, which is invariant under the change of
scale; Hosmer, Lemeshow & Sturdivant, *Applied Logistic Regression*, 3rd ed., section 3.5). A
continuous predictor (a numeric data column, entered alone and in no interaction) takes the
change asked for: one unit, its interquartile range (rms's ``summary``, the 25th and 75th
percentiles of the rows used, R's default quantile; the range for a predictor with fewer than
4 distinct values, as rms's ``datadist``, so a 0/1 predictor compares 1 with 0), or a value per
predictor. A factor's
level is compared with its reference level, named. A column in an interaction or a
transformation is reported per unit of the column, with a note: its odds ratio depends on the
other terms.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Literal

import numpy as np
import pandas as pd

from logitfit.design.core import rows_in_memory
from logitfit.design.term_kinds import continuous_columns, term_kinds
from logitfit.exceptions import DataError
from logitfit.inference.measures import profile_conf_int
from logitfit.results.records import Record

if TYPE_CHECKING:
    from logitfit.results.result import LogitResult

__all__ = ["OddsRatios", "odds_ratios"]

Units = Literal["unit", "iqr"] | Mapping[str, float]


@dataclass(frozen=True)
class OddsRatios(Record):
    """Odds ratios of each coefficient for a stated change, with 95% (or ``level``) intervals.

    Attributes
    ----------
    table : pandas.DataFrame
        Indexed by coefficient name: ``term``, ``comparison`` (in words: ``"Chinstrap vs
        Adelie"``, ``"44.4 vs 39.2 (interquartile range)"``, ``"per unit"``), ``change`` (the
        change :math:`u` in the column), ``odds_ratio``, ``wald_low``, ``wald_high``,
        ``profile_low``, ``profile_high``.
    level : float
    note : str
        The columns whose odds ratio depends on other terms.
    """

    title: ClassVar[str] = "Odds ratios"
    table: pd.DataFrame
    level: float
    note: str


def _changes(
    result: LogitResult, units: Units
) -> tuple[dict[str, float], dict[str, str], list[str]]:
    """Return each column's change, its comparison in words, and the columns of "other" terms."""
    design = result.design
    position = {name: j for j, name in enumerate(design.names)}
    kinds = term_kinds(design)
    columns_of = dict(design.term_columns) or {name: (name,) for name in design.names}
    continuous = continuous_columns(design)
    if isinstance(units, Mapping):
        unknown = sorted(set(units) - set(continuous))
        if unknown:
            raise DataError(
                f"units names {unknown}, which are not continuous predictors of the model "
                f"(those are: {continuous}); a factor's levels are compared with its reference."
            )
        bad = {name: value for name, value in units.items() if not (np.isfinite(value) and value)}
        if bad:
            raise DataError(f"units must be finite non-zero changes; got {bad}.")
    elif units not in ("unit", "iqr"):
        raise DataError(f"units must be 'unit', 'iqr' or a mapping of changes, got {units!r}.")
    changes: dict[str, float] = {}
    comparisons: dict[str, str] = {}
    others: list[str] = []
    X = rows_in_memory(design, "odds ratios per interquartile range").X if units == "iqr" else None
    for term, (kind, levels) in kinds.items():
        for column in columns_of.get(term, ()):
            if column not in position or position[column] == design.intercept_index:
                continue
            changes[column], comparisons[column] = 1.0, "per unit"
            if kind == "factor" and isinstance(levels, list):
                level = column[len(term) :].removeprefix("[T.").removesuffix("]")
                comparisons[column] = f"{level} vs {levels[0]}"
            elif kind == "continuous" and isinstance(units, Mapping) and column in units:
                changes[column] = float(units[column])
                comparisons[column] = f"per {changes[column]:g}"
            elif kind == "continuous" and X is not None:
                values = X[:, position[column]]
                if np.unique(values).size < 4:
                    # rms's datadist: fewer than 4 distinct values, the range (0/1: 1 vs 0).
                    low, high = float(values.min()), float(values.max())
                    comparisons[column] = f"{high:.4g} vs {low:.4g}"
                else:
                    # R's quantile type 7 (numpy's default "linear"), over the rows used.
                    low, high = np.quantile(values, [0.25, 0.75])
                    comparisons[column] = f"{high:.4g} vs {low:.4g} (interquartile range)"
                changes[column] = float(high - low)
            elif kind == "other":
                others.append(column)
    return changes, comparisons, others


def odds_ratios(
    result: LogitResult, units: Units = "unit", level: float = 0.95, profile: bool = True
) -> OddsRatios:
    """Odds ratios per unit, per interquartile range or per a stated change, with intervals.

    Parameters
    ----------
    result : LogitResult
        A fit with rows in memory (the profile intervals refit the model).
    units : {"unit", "iqr"} or mapping of str to float
        The change of each continuous predictor: one unit, its interquartile range (the 75th
        minus the 25th percentile, as rms's ``summary``), or ``{column: change}`` (SAS's
        ``UNITS``; the other continuous predictors stay per unit).
    level : float
        Confidence level of the intervals.
    profile : bool
        Also the profile-likelihood intervals (refits; not defined under a survey design,
        where ``profile=False`` gives the Wald ones alone, on the design's t quantile).

    Returns
    -------
    OddsRatios

    Warns
    -----
    UnverifiedWarning
        A profile bound whose refits cannot be verified is NaN (see
        :func:`logitfit.profile_conf_int`).
    """
    changes, comparisons, others = _changes(result, units)
    if profile:
        bounds = profile_conf_int(result, level)
    else:
        wald = result.conf_int(level)
        bounds = pd.DataFrame({"wald_low": wald["lower"], "wald_high": wald["upper"]})
    coef = result.coef
    names = list(changes)
    change = pd.Series(changes)
    table = pd.DataFrame(
        {
            "term": [_term_of(result, name) for name in names],
            "comparison": [comparisons[name] for name in names],
            "change": change,
        },
        index=pd.Index(names, name="coefficient"),
    )
    scaled = {
        "odds_ratio": coef[names] * change,
        "wald_low": bounds.loc[names, "wald_low"] * change,
        "wald_high": bounds.loc[names, "wald_high"] * change,
    }
    if profile:
        scaled["profile_low"] = bounds.loc[names, "profile_low"] * change
        scaled["profile_high"] = bounds.loc[names, "profile_high"] * change
    with np.errstate(over="ignore"):
        for column, values in scaled.items():
            table[column] = np.exp(values)
    # A negative change turns the interval around.
    for kind in ("wald", "profile") if profile else ("wald",):
        low, high = table[f"{kind}_low"].copy(), table[f"{kind}_high"].copy()
        flip = change < 0
        table.loc[flip, f"{kind}_low"], table.loc[flip, f"{kind}_high"] = high[flip], low[flip]
    note = (
        f"{', '.join(others)}: in an interaction or transformed, so the odds ratio per unit "
        "of the column depends on the other terms."
        if others
        else ""
    )
    return OddsRatios(table=table, level=level, note=note)


def _term_of(result: LogitResult, column: str) -> str:
    for term, columns in result.design.term_columns:
        if column in columns:
            return term
    return column
