"""Tests of terms and of nested models: likelihood-ratio (drop1, type II) and Wald.

References: R's ``drop1(fit, test = "LRT")`` and ``car::Anova(fit, type = "II", test.statistic =
"LR")``; Hosmer, Lemeshow & Sturdivant, *Applied Logistic Regression* (3rd ed.), sections 1.3
and 2.2; Agresti, *Categorical Data Analysis* (3rd ed.), section 4.5; ``logistf`` for the
penalised likelihood-ratio tests of Firth fits (Heinze & Schemper 2002).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Literal

import numpy as np
import pandas as pd
from scipy import stats

from logitfit._linalg import cholesky_lower, solve_spd
from logitfit.design.core import Design, rows_in_memory
from logitfit.exceptions import DataError
from logitfit.inference.profile import Refit, warn_unverified
from logitfit.inference.survey import refuse_survey
from logitfit.results.records import Record

if TYPE_CHECKING:
    from logitfit.results.result import LogitResult

__all__ = ["LRTest", "TermTests", "lr_test", "lr_tests_by_term", "wald_tests_by_term"]


@dataclass(frozen=True)
class LRTest(Record):
    """A likelihood-ratio test: ``statistic = D_smaller - D_larger`` on ``df`` degrees of freedom.

    Attributes
    ----------
    statistic : float
    df : int
    p_value : float
    """

    title: ClassVar[str] = "Likelihood-ratio test of nested models"
    statistic: float
    df: int
    p_value: float


@dataclass(frozen=True)
class TermTests(Record):
    """A test of each model term.

    Attributes
    ----------
    kind : {"drop1", "type2", "wald"}
        Likelihood-ratio tests as R's ``drop1`` or ``car::Anova(type = "II")``, or Wald tests.
    table : pandas.DataFrame
        One row per term tested (columns as the function that made it says).
    note : str
        Terms not tested and why (drop1's marginality rule), else empty.
    """

    title: ClassVar[str] = "Tests of each term"
    kind: str
    table: pd.DataFrame
    note: str = ""


TermTestKind = Literal["drop1", "type2"]


def _factors(term: str) -> frozenset[str]:
    """Return the factors of a formula term (``"age:smoke"`` -> {age, smoke})."""
    return frozenset(part.strip() for part in term.split(":"))


def _term_indices(result: LogitResult) -> list[tuple[str, list[int]]]:
    """Each model term (the intercept excluded) with the positions of its columns."""
    position = {name: j for j, name in enumerate(result.names)}
    terms = []
    for term, columns in result.design.term_columns:
        indices = [position[c] for c in columns if c in position]
        if indices and indices != [result.design.intercept_index]:
            terms.append((term, indices))
    return terms


def _containing(term: str, terms: list[tuple[str, list[int]]]) -> list[tuple[str, list[int]]]:
    """Return the terms of higher order that contain ``term`` (its factors and more)."""
    own = _factors(term)
    return [(t, i) for t, i in terms if t != term and own < _factors(t)]


def _constrained_value(result: LogitResult, design: Design, zero: list[int], full: Refit) -> Refit:
    """Refit with the columns ``zero`` held at 0: the objective of the smaller model.

    ``full`` is the fit itself, returned when nothing is held. The likelihood decides what
    holding means (:meth:`logitfit.likelihood.methods.Likelihood.refit`).
    """
    if not zero:
        return full
    likelihood = result.likelihood
    start = result.coef.to_numpy() if likelihood.warm_term_refits else None
    return likelihood.refit(design, dict.fromkeys(zero, 0.0), start)


def _full_value(result: LogitResult, design: Design) -> Refit:
    """Return the fitted model's objective (deviance, or penalised deviance) as a Refit."""
    coef = result.coef.to_numpy()
    value = result.likelihood.value(coef, design, result.deviance)
    return Refit(value, coef, True, "the fit itself")


def lr_tests_by_term(result: LogitResult, kind: TermTestKind = "drop1") -> TermTests:
    """Likelihood-ratio test of each term, as R's ``drop1`` or ``car::Anova(type = "II")``.

    A factor's indicator columns form one term. ``kind="drop1"`` (default) follows R's
    ``drop1(fit, test = "LRT")`` and its marginality rule: a term contained in a higher-order term
    of the model (``age`` in ``age:smoke``) is not tested, because dropping it while keeping the
    interaction changes what the interaction means; the skipped terms are named in
    the record's ``note``. ``kind="type2"`` tests every term after all the terms that do not
    contain it (``car::Anova(fit, type = "II", test.statistic = "LR")``); for a term contained in
    none it is the ``drop1`` test. Each smaller model is refitted from R's ``glm`` start and must
    converge (or, when separated, its deviance must settle on its limit): otherwise its statistic
    is NaN with an :class:`~logitfit.exceptions.UnverifiedWarning`. For a Firth fit the tests are
    penalised likelihood-ratio tests, the term's coefficients held at 0 in the full model's
    penalised likelihood (as ``logistf``), and ``deviance`` is the penalised deviance.

    Parameters
    ----------
    result : LogitResult
    kind : {"drop1", "type2"}

    Returns
    -------
    TermTests
        Its ``table`` has one row per term tested: ``term, df, deviance`` (of the model without
        the term), ``aic`` (of that model; drop1 only), ``lr_stat``, ``p_value`` and
        ``converged``.
    """
    refuse_survey(result, "A likelihood-ratio test of each term")
    if kind not in ("drop1", "type2"):
        raise DataError(f"kind must be 'drop1' or 'type2', got {kind!r}.")
    design = rows_in_memory(result.design, "likelihood-ratio test of each term (a refit per term)")
    terms = _term_indices(result)
    full = _full_value(result, design)
    rows, skipped = [], []
    for term, indices in terms:
        containers = _containing(term, terms)
        if containers and kind == "drop1":
            skipped.append(f"{term} (in {', '.join(t for t, _ in containers)})")
            continue
        above = sorted(j for _, columns in containers for j in columns)
        larger = _constrained_value(result, design, above, full)
        smaller = _constrained_value(result, design, sorted(above + indices), full)
        converged = larger.ok and smaller.ok
        if converged:
            statistic = max(smaller.value - larger.value, 0.0)
        else:
            statistic = float("nan")
            failed = smaller if not smaller.ok else larger
            warn_unverified(f"The likelihood-ratio test of '{term}'", failed.message)
        rows.append(
            {
                "term": term,
                "df": len(indices),
                "deviance": smaller.value if smaller.ok else float("nan"),
                "aic": (
                    result.aic + (smaller.value - result.deviance) - 2 * len(indices)
                    if kind == "drop1" and smaller.ok and not result.likelihood.penalised
                    else float("nan")
                ),
                "lr_stat": statistic,
                "p_value": float(stats.chi2.sf(statistic, len(indices))),
                "converged": converged,
            }
        )
    note = f"Not tested, by marginality (as R's drop1): {'; '.join(skipped)}." if skipped else ""
    return TermTests(kind, pd.DataFrame(rows), note)


def wald_tests_by_term(result: LogitResult) -> TermTests:
    """Wald chi-square test of each term, ``b_T^T V_TT^{-1} b_T``, under the result's covariance.

    Parameters
    ----------
    result : LogitResult

    Returns
    -------
    TermTests
        Its ``table`` has one row per term: ``term, df, wald_stat, p_value``. Under a survey
        design, as ``survey::regTermTest``: also ``f_stat`` (the chi-square over its df) and
        ``ddf`` (the t tests' degrees of freedom), and ``p_value`` is the F test's.
    """
    cov = result.cov.to_numpy()
    ddf = result.wald_df
    coef = result.coef.to_numpy()
    rows = []
    for term, indices in _term_indices(result):
        block = cov[np.ix_(indices, indices)]
        factor = cholesky_lower(block)
        if factor is None:
            raise DataError(f"The covariance of term '{term}' is singular; no Wald test exists.")
        statistic = float(coef[indices] @ solve_spd(factor, coef[indices]))
        row: dict[str, object] = {"term": term, "df": len(indices), "wald_stat": statistic}
        if ddf is None:
            row["p_value"] = float(stats.chi2.sf(statistic, len(indices)))
        else:
            row["f_stat"] = statistic / len(indices)
            row["ddf"] = ddf
            row["p_value"] = float(stats.f.sf(statistic / len(indices), len(indices), ddf))
        rows.append(row)
    return TermTests("wald", pd.DataFrame(rows))


def _same_rows(smaller: Design, larger: Design) -> bool:
    if smaller.n_rows != larger.n_rows or not smaller.row_labels.equals(larger.row_labels):
        return False
    pairs = ("successes", "trials", "weights", "offset")
    return all(np.array_equal(getattr(smaller, a), getattr(larger, a)) for a in pairs)


def lr_test(smaller: LogitResult, larger: LogitResult) -> LRTest:
    """Likelihood-ratio test of two nested fits on the same rows.

    Parameters
    ----------
    smaller, larger : LogitResult
        The larger model's columns must span the smaller model's columns.

    Returns
    -------
    LRTest
        ``statistic = D_smaller - D_larger`` on ``p_larger - p_smaller`` degrees of freedom.
    """
    refuse_survey(larger, "A likelihood-ratio test")
    smaller.likelihood.require("lr_test")
    larger.likelihood.require("lr_test")
    small_design = rows_in_memory(smaller.design, "likelihood-ratio test between two fits")
    large_design = rows_in_memory(larger.design, "likelihood-ratio test between two fits")
    if not _same_rows(small_design, large_design):
        raise DataError(
            "The two fits do not use the same rows, outcome, weights and offset, so their "
            "likelihoods cannot be compared; refit both on the same complete rows."
        )
    df = larger.n_params - smaller.n_params
    if df <= 0:
        raise DataError(
            f"The second model must be the larger one: it has {larger.n_params} coefficients, "
            f"the first {smaller.n_params}. Call lr_test(smaller, larger)."
        )
    # Nested when every column of the smaller design lies in the column space of the larger:
    # project on the larger design through its Gram matrix (no n x n matrix), as in _linalg.
    weights = large_design.weights
    big, small = large_design.X, small_design.X
    gram = big.T @ (weights[:, None] * big)
    cross = big.T @ (weights[:, None] * small)
    factor = cholesky_lower(gram)
    if factor is None:
        raise DataError("The larger model's design is rank deficient.")
    explained = np.einsum("ij,ij->j", cross, solve_spd(factor, cross))
    total = np.einsum("ij,ij->j", small, weights[:, None] * small)
    outside = [
        name for name, e, t in zip(smaller.names, explained, total, strict=True) if t - e > 1e-8 * t
    ]
    if outside:
        raise DataError(
            f"The models are not nested: {', '.join(outside)} of the first model is not "
            "in the span of the second model's columns."
        )
    statistic = max(smaller.deviance - larger.deviance, 0.0)
    return LRTest(statistic, df, float(stats.chi2.sf(statistic, df)))
