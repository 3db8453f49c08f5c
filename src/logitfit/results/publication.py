"""Tables for a paper: a fitted model as gtsummary, several models side by side as modelsummary.

* :func:`regression_table`: ``gtsummary::tbl_regression(fit, exponentiate = TRUE)`` with
  ``add_global_p()``: odds ratios with their intervals (profile likelihood, as gtsummary's
  ``confint``), a row per factor holding its global p (the likelihood-ratio test of the term,
  R's ``drop1``), the reference level shown with a dash, and N and events in a note;
* :func:`univariable_multivariable`: each term's odds ratio alone and adjusted, side by side
  (``tbl_uvregression`` merged with ``tbl_regression``), all fits on the same rows;
* :func:`models_table`: ``modelsummary``'s layout: each coefficient with its standard error
  below it, one column per model, then N, events, AIC, BIC and the log-likelihood.

Each returns a :class:`PublicationTable` that writes HTML and LaTeX through great_tables, and
Markdown (and Word, through pandoc) from the same cells.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from logitfit.design.core import rows_in_memory
from logitfit.design.term_kinds import term_kinds
from logitfit.exceptions import DataError
from logitfit.inference.odds_ratios import Units, odds_ratios
from logitfit.inference.term_tests import lr_tests_by_term, wald_tests_by_term

if TYPE_CHECKING:
    from logitfit.results.result import LogitResult

__all__ = ["PublicationTable", "models_table", "regression_table", "univariable_multivariable"]

_INDENT = "\u2003"  # an em space before a factor's levels
_DASH = "\u2014"
_UNITS_NOTE = {
    "iqr": " Continuous predictors: the odds ratio of the change shown, from the 25th to "
    "the 75th percentile (the range for fewer than 4 distinct values).",
    "mapping": " Continuous predictors: the odds ratio of the change shown.",
}


def publication_p(value: float) -> str:
    """Format a p-value as journals print it (gtsummary's ``style_pvalue``): "<0.001", 0.012."""
    if not np.isfinite(value):
        return ""
    if value < 0.001:
        return "<0.001"
    return f"{value:.3f}" if value < 0.1 else f"{value:.2f}"


def _ratio(value: float) -> str:
    """Format an odds ratio or bound as gtsummary's ``style_ratio`` roughly does.

    Two decimals between 0.1 and 10 (so that 1.04 is not shown as 1), three significant
    figures from 0.001 to 1,000, whole numbers with thousands separators to 100,000, and
    scientific notation beyond.
    """
    if not np.isfinite(value):
        return "\u221e" if value > 0 else ""
    size = abs(value)
    if 0.1 <= size < 10:
        return f"{value:.2f}"
    if 1e-3 <= size < 1e3:
        return f"{value:.3g}"
    if 1e3 <= size < 1e5:
        return f"{value:,.0f}"
    return f"{value:.2e}"


def _label(term: str, labels: Mapping[str, str]) -> str:
    """Return a term's row label: the user's, else its name without formulaic's ``C(...)``."""
    if term in labels:
        return labels[term]
    inner = term[2:-1] if term.startswith("C(") and term.endswith(")") else ""
    return inner if inner and "," not in inner else term


@dataclass(frozen=True)
class PublicationTable:
    """A table of text cells with its column groups, title and notes, in four formats.

    Attributes
    ----------
    body : pandas.DataFrame
        The cells, as text; the first column holds the row labels.
    spanners : tuple of (str, tuple of str)
        Column groups: a label over the columns it spans.
    title : str
    notes : tuple of str
    """

    body: pd.DataFrame
    spanners: tuple[tuple[str, tuple[str, ...]], ...] = ()
    title: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_frame(self) -> pd.DataFrame:
        """Return the cells with each column named by its group and label (for reports)."""
        frame = self.body.copy()
        group = {column: label for label, columns in self.spanners for column in columns}
        frame.columns = [
            f"{group[c]}: {c.split(' ', 1)[1] if ' ' in c else c}" if c in group else c
            for c in frame.columns
        ]
        return frame

    def to_great_table(self) -> Any:
        """Return the table as a ``great_tables.GT`` (for styling it further)."""
        from great_tables import GT  # imported on use

        first = self.body.columns[0]
        table = GT(self.body, rowname_col=first)
        table = table.cols_align(align="center", columns=list(self.body.columns[1:]))
        if self.title:
            table = table.tab_header(title=self.title)
        for label, columns in self.spanners:
            table = table.tab_spanner(label=label, columns=list(columns))
            relabelled: dict[str, Any] = {c: c.split(" ", 1)[1] for c in columns if " " in c}
            table = table.cols_label(cases=relabelled)
        for note in self.notes:
            table = table.tab_source_note(note)
        return table

    def to_html(self) -> str:
        """Return the table as an HTML fragment (great_tables' ``as_raw_html``)."""
        return str(self.to_great_table().as_raw_html())

    def to_latex(self) -> str:
        """Return the table as a LaTeX ``table`` (great_tables' ``as_latex``; booktabs)."""
        return str(self.to_great_table().as_latex())

    def to_markdown(self) -> str:
        """Return the table as a Markdown pipe table, the title above and the notes below."""
        frame = self.to_frame()
        # Markdown drops leading spaces: indent the factor levels with HTML's em space.
        first = frame.columns[0]
        frame[first] = frame[first].str.replace(_INDENT, "&emsp;", regex=False)
        text = frame.to_markdown(index=False, disable_numparse=True)
        parts = [f"**{self.title}**", "", text] if self.title else [text]
        return "\n".join([*parts, "", *self.notes]).rstrip() + "\n"

    def to_docx(self, path: str | Path, overwrite: bool = False) -> Path:
        """Write the table to a Word file through pandoc (from the Markdown).

        Parameters
        ----------
        path : str or pathlib.Path
        overwrite : bool
            Replace an existing file.

        Returns
        -------
        pathlib.Path
        """
        import pypandoc  # imported on use

        target = Path(path)
        if target.exists() and not overwrite:
            raise DataError(f"{target} already exists; pass overwrite=True to replace it.")
        pypandoc.convert_text(self.to_markdown(), "docx", format="md", outputfile=str(target))
        return target


def _likelihood_based(result: LogitResult) -> bool:
    """Profile intervals and likelihood-ratio tests, unless a survey design rules them out."""
    return result.covariance.kind != "survey"


def _term_rows(
    result: LogitResult, labels: Mapping[str, str], level: float, units: Units = "unit"
) -> dict[str, list[list[str]]]:
    """Return, per term, its rows: [label, odds ratio, interval, p] (the gtsummary layout).

    Profile-likelihood intervals and likelihood-ratio p-values; under a survey design, Wald
    intervals and F tests on the design's degrees of freedom (as ``regTermTest``).
    """
    profile = _likelihood_based(result)
    table = odds_ratios(result, units=units, level=level, profile=profile).table
    odds: dict[str, dict[str, Any]] = {
        str(name): {str(key): value for key, value in row.items()}
        for name, row in table.to_dict("index").items()
    }
    term_tests = lr_tests_by_term(result) if profile else wald_tests_by_term(result)
    tests = term_tests.table.set_index("term")["p_value"]
    kinds = term_kinds(result.design)
    rows: dict[str, list[list[str]]] = {}

    def cells(column: str) -> list[str]:
        row = odds[column]
        kind = "profile" if profile else "wald"
        interval = f"{_ratio(row[f'{kind}_low'])}, {_ratio(row[f'{kind}_high'])}"
        return [_ratio(row["odds_ratio"]), interval]

    for term, columns in result.design.term_columns or [(n, (n,)) for n in result.names]:
        columns = tuple(c for c in columns if c in odds)
        if not columns:
            continue
        p_value = publication_p(float(tests[term])) if term in tests.index else ""
        label = _label(term, labels)
        kind, levels = kinds.get(term, ("other", None))
        if kind == "factor" and isinstance(levels, list):
            block = [[label, "", "", p_value], [_INDENT + str(levels[0]), _DASH, _DASH, ""]]
            for column in columns:
                level_name = str(odds[column]["comparison"]).split(" vs ", 1)[0]
                block.append([_INDENT + level_name, *cells(column), ""])
            rows[term] = block
        elif len(columns) == 1:
            comparison = str(odds[columns[0]]["comparison"]).removesuffix(" (interquartile range)")
            per = "" if comparison == "per unit" else f", {comparison}"
            rows[term] = [[label + per, *cells(columns[0]), p_value]]
        else:
            rows[term] = [[label, "", "", p_value]] + [
                [_INDENT + column, *cells(column), ""] for column in columns
            ]
    return rows


def _method_note(units: Units, extra: str = "", likelihood: bool = True) -> str:
    """Say what the columns hold: OR, CI, p, and the change of the continuous predictors."""
    how = (
        "CI = confidence interval (profile likelihood); p-values from likelihood-ratio tests "
        "of each term."
        if likelihood
        else "CI = confidence interval (Wald, design-based); p-values from design-based F "
        "tests of each term (survey::regTermTest)."
    )
    return (
        "OR = odds ratio; "
        + how
        + _UNITS_NOTE.get(units if isinstance(units, str) else "mapping", "")
        + extra
    )


def _counts_note(result: LogitResult) -> str:
    design = result.design
    return f"N = {design.n_obs:g}; events = {design.n_events:g} ({design.event})."


def regression_table(
    result: LogitResult,
    labels: Mapping[str, str] | None = None,
    level: float = 0.95,
    units: Units = "unit",
) -> PublicationTable:
    """Odds ratios with profile intervals and a global p per term (gtsummary's tbl_regression).

    Parameters
    ----------
    result : LogitResult
    labels : mapping of str to str, optional
        Row labels by term (``{"bill_length_mm": "Bill length (mm)"}``).
    level : float
        Confidence level.
    units : {"unit", "iqr"} or mapping
        The change of each continuous predictor, as :func:`logitfit.odds_ratios`.

    Returns
    -------
    PublicationTable
    """
    blocks = _term_rows(result, labels or {}, level, units)
    rows = [row for block in blocks.values() for row in block]
    ci = f"{level:.0%} CI"
    body = pd.DataFrame(rows, columns=["Characteristic", "OR", ci, "p-value"])
    notes = (_counts_note(result), _method_note(units, likelihood=_likelihood_based(result)))
    return PublicationTable(body=body, title="Logistic regression", notes=notes)


def univariable_multivariable(
    result: LogitResult,
    labels: Mapping[str, str] | None = None,
    level: float = 0.95,
    units: Units = "unit",
) -> PublicationTable:
    """Each term's odds ratio alone and adjusted for the others, side by side.

    The univariable models refit the outcome on each term alone, on the rows of the
    multivariable fit (so that every column describes the same observations). A term inside
    an interaction has no univariable model and is refused.

    Parameters
    ----------
    result : LogitResult
        The multivariable fit, from a formula.
    labels : mapping of str to str, optional
    level : float
    units : {"unit", "iqr"} or mapping
        As :func:`regression_table`.

    Returns
    -------
    PublicationTable
    """
    from logitfit.fitting.entry import fit  # the univariable refits

    design = rows_in_memory(result.design, "the univariable refits")
    if design.formula is None or result.data is None:
        raise DataError("The univariable models need a fit from a formula and its DataFrame.")
    terms = [t for t, _ in design.term_columns if t not in ("1", "Intercept")]
    inside = [t for t in terms if ":" in t]
    if inside:
        raise DataError(
            f"{', '.join(inside)} are interactions, which have no univariable model; "
            "tabulate the multivariable fit alone (regression_table)."
        )
    # The univariable fits take the multivariable fit's own outcome, trials and weights on its
    # rows, so that they model the same event for the same observations.
    rows_used = result.data.loc[design.row_labels].assign(
        logitfit_events_=design.successes,
        logitfit_trials_=design.trials,
        logitfit_weights_=design.weights,
    )
    names = labels or {}
    adjusted = _term_rows(result, names, level, units)
    body_rows = []
    for term in terms:
        alone = fit(
            f"logitfit_events_ ~ {term}",
            rows_used,
            trials=None if design.is_binary else "logitfit_trials_",
            weights=None if design.unit_weights else "logitfit_weights_",
            method="firth" if result.likelihood.penalised else "newton",
        )
        single = _term_rows(alone, names, level, units)[term]
        for crude, adjusted_row in zip(single, adjusted[term], strict=True):
            body_rows.append([crude[0], *crude[1:], *adjusted_row[1:]])
    ci = f"{level:.0%} CI"
    columns = ["Characteristic", "Univariable OR", f"Univariable {ci}", "Univariable p",
               "Multivariable OR", f"Multivariable {ci}", "Multivariable p"]  # fmt: skip
    body = pd.DataFrame(body_rows, columns=columns)
    spanners = (
        ("Univariable", tuple(columns[1:4])),
        ("Multivariable", tuple(columns[4:])),
    )
    notes = (_counts_note(result), _method_note(units, " Every model is fitted to the same rows."))
    return PublicationTable(body=body, spanners=spanners, title="Logistic regression",
                            notes=notes)  # fmt: skip


def models_table(
    models: Mapping[str, LogitResult] | Sequence[LogitResult], exponentiate: bool = False
) -> PublicationTable:
    """Several models side by side, as ``modelsummary``: estimates with standard errors below.

    Parameters
    ----------
    models : mapping of name to LogitResult, or sequence of LogitResult
        The models (named "(1)", "(2)", ... when given as a sequence).
    exponentiate : bool
        Odds ratios instead of coefficients, with delta-method standard errors (the odds
        ratio times the coefficient's standard error).

    Returns
    -------
    PublicationTable
    """
    named = (
        dict(models)
        if isinstance(models, Mapping)
        else {f"({k})": model for k, model in enumerate(models, start=1)}
    )
    if not named:
        raise DataError("models_table needs at least one model.")
    order: list[str] = []
    for model in named.values():
        order.extend(name for name in model.names if name not in order)
    rows = []
    for name in order:
        estimate, error = [name], [""]
        for model in named.values():
            if name in model.names:
                value, se = float(model.coef[name]), float(model.std_errors[name])
                if exponentiate:
                    value, se = float(np.exp(value)), float(np.exp(value)) * se
                estimate.append(f"{value:.3f}" if abs(value) >= 1e-3 else f"{value:.2e}")
                error.append(f"({se:.3f})" if se >= 1e-3 else f"({se:.2e})")
            else:
                estimate.append("")
                error.append("")
        rows.extend([estimate, error])
    fitted = list(named.values())
    rows.append(["Num.Obs.", *(f"{m.n_obs:g}" for m in fitted)])
    rows.append(["Events", *(f"{m.design.n_events:g}" for m in fitted)])
    rows.append(["AIC", *(f"{m.aic:.1f}" for m in fitted)])
    rows.append(["BIC", *(f"{m.bic:.1f}" for m in fitted)])
    rows.append(["Log.Lik.", *(f"{m.loglik:.3f}" for m in fitted)])
    body = pd.DataFrame(rows, columns=["", *named])
    what = "Odds ratios" if exponentiate else "Coefficients (log odds)"
    notes = (f"{what}; standard errors in parentheses" + (" (delta method)." if exponentiate
             else "."),)  # fmt: skip
    return PublicationTable(body=body, title="Logistic regression models", notes=notes)
