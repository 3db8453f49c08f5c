r"""Stukel's and Osius-Rojek's goodness-of-fit tests, beside Hosmer-Lemeshow and le Cessie's.

Both are in Hosmer, Lemeshow & Sturdivant, *Applied Logistic Regression*, 3rd ed., section 5.2.

* **Stukel's test** (Stukel 1988, JASA 83(402)) of the logit link against his two-parameter
  family of links: with the fitted logit :math:`\hat g`, add :math:`z_1 = \tfrac12 \hat g^2
  [\hat g \ge 0]` and :math:`z_2 = -\tfrac12 \hat g^2 [\hat g < 0]` to the model and test their
  coefficients, by the likelihood ratio of the augmented refit and by the score test at the
  fitted model (no refit). A column that is identically zero (every :math:`\hat g` on one side)
  is left out, and the test has one degree of freedom.
* **Osius & Rojek's** (1992, JASA 87(420)) normal approximation to the distribution of the
  Pearson chi-square over the :math:`J` covariate patterns, meant for :math:`J \approx n`,
  where the chi-square distribution fails: with :math:`v_j = m_j \pi_j (1 - \pi_j)` and
  :math:`c_j = (1 - 2\pi_j) / v_j`, :math:`\mathrm{RSS}` the weighted (by :math:`v_j`) residual
  sum of squares of :math:`c_j` regressed on the pattern's design row, and
  :math:`A = 2 (J - \sum_j 1/m_j)`, :math:`z = (X^2 - (J - p)) / \sqrt{A + \mathrm{RSS}}`,
  two-sided against the standard normal.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np
import pandas as pd
from scipy import stats

from logitfit._linalg import cholesky_lower, solve_spd
from logitfit.design.core import rows_in_memory
from logitfit.diagnostics.influence import covariate_patterns
from logitfit.exceptions import DataError
from logitfit.inference.profile import ml_refit, warn_unverified
from logitfit.likelihood.logistic import evaluate
from logitfit.results.records import Record

if TYPE_CHECKING:
    from logitfit.results.result import LogitResult

__all__ = ["OsiusRojek", "StukelTest", "osius_rojek", "stukel_test"]


@dataclass(frozen=True)
class StukelTest(Record):
    """Stukel's test of the logit link.

    Attributes
    ----------
    table : pandas.DataFrame
        Indexed by ``"Likelihood ratio"`` and ``"Score"``: ``chi2``, ``df``, ``p_value``.
    added : tuple of str
        The columns added (``z1``, ``z2``, or one of them).
    augmented_coef : pandas.Series
        The added columns' coefficients in the augmented refit (positive :math:`z_1`: the upper
        tail is longer than the logistic's).
    """

    title: ClassVar[str] = "Stukel's test of the logit link"
    table: pd.DataFrame
    added: tuple[str, ...]
    augmented_coef: pd.Series


@dataclass(frozen=True)
class OsiusRojek(Record):
    r"""Osius and Rojek's normal approximation to the Pearson chi-square.

    Attributes
    ----------
    pearson_chi2 : float
    n_patterns : int
    expected : float
        :math:`J - p`, the mean of the approximation.
    variance : float
        :math:`A + \mathrm{RSS}`.
    z, p_value : float
    """

    title: ClassVar[str] = "Osius-Rojek test (normal approximation to the Pearson chi-square)"
    pearson_chi2: float
    n_patterns: int
    expected: float
    variance: float
    z: float
    p_value: float


def _maximum_likelihood(result: LogitResult, what: str) -> None:
    result.likelihood.require("maximum_likelihood", what=what)
    if result.separation is not None:
        raise DataError(f"{what} needs finite estimates; the outcome is separated.")


def stukel_test(result: LogitResult) -> StukelTest:
    """Stukel's test of the logit link: do two extra link parameters improve the fit.

    Parameters
    ----------
    result : LogitResult
        A maximum-likelihood fit, rows in memory.

    Returns
    -------
    StukelTest

    Warns
    -----
    UnverifiedWarning
        When the augmented refit does not converge: its likelihood-ratio test is NaN.
    """
    _maximum_likelihood(result, "Stukel's test")
    design = rows_in_memory(result.design, "Stukel's test (an augmented refit)")
    logit = design.X @ result.coef.to_numpy() + design.offset
    candidates = {"z1": 0.5 * logit**2 * (logit >= 0), "z2": -0.5 * logit**2 * (logit < 0)}
    added = {name: column for name, column in candidates.items() if np.any(column != 0)}
    extra = np.column_stack(list(added.values()))
    augmented = dataclasses.replace(
        design, X=np.hstack([design.X, extra]), names=(*design.names, *added)
    )
    start = np.r_[result.coef.to_numpy(), np.zeros(len(added))]
    df = len(added)
    # Score test at the fitted model: its gradient is zero in the model's own coefficients.
    at_fit = evaluate(start, augmented, with_hessian=True)
    factor = None if at_fit.hessian is None else cholesky_lower(at_fit.hessian)
    if factor is None:
        raise DataError("The augmented model's information is singular: no Stukel test exists.")
    score = float(at_fit.gradient @ solve_spd(factor, at_fit.gradient))
    refit = ml_refit(augmented, start=start)
    if refit.ok:
        lr = max(result.deviance - refit.value, 0.0)
        coef = pd.Series(refit.coef[-df:], index=list(added))
    else:
        warn_unverified("Stukel's likelihood-ratio test", f"the augmented refit ({refit.message})")
        lr = float("nan")
        coef = pd.Series(np.nan, index=list(added))
    table = pd.DataFrame(
        {
            "chi2": [lr, score],
            "df": df,
            "p_value": [float(stats.chi2.sf(lr, df)), float(stats.chi2.sf(score, df))],
        },
        index=pd.Index(["Likelihood ratio", "Score"], name="test"),
    )
    return StukelTest(table=table, added=tuple(added), augmented_coef=coef)


def osius_rojek(result: LogitResult) -> OsiusRojek:
    """Osius and Rojek's normal approximation to the Pearson chi-square over covariate patterns.

    Parameters
    ----------
    result : LogitResult
        A maximum-likelihood fit, rows in memory.

    Returns
    -------
    OsiusRojek
    """
    _maximum_likelihood(result, "The Osius-Rojek test")
    patterns = covariate_patterns(result)
    table = patterns.table
    names = list(result.design.names)
    trials = table["trials"].to_numpy()
    fitted = table["fitted"].to_numpy()
    variance_j = trials * fitted * (1.0 - fitted)
    if np.any(variance_j <= 0):
        raise DataError("The Osius-Rojek test needs fitted probabilities strictly inside (0, 1).")
    c = (1.0 - 2.0 * fitted) / variance_j
    root = np.sqrt(variance_j)
    # Weighted least squares by QR of the scaled design (its rank is the model's).
    q = np.linalg.qr(table[names].to_numpy() * root[:, None], mode="reduced")[0]
    scaled = c * root
    residual = scaled - q @ (q.T @ scaled)
    rss = float(residual @ residual)
    n_patterns = len(table)
    a_term = 2.0 * (n_patterns - float(np.sum(1.0 / trials)))
    expected = float(n_patterns - len(names))
    variance = a_term + rss
    z = (patterns.pearson_chi2 - expected) / np.sqrt(variance)
    return OsiusRojek(
        pearson_chi2=patterns.pearson_chi2,
        n_patterns=n_patterns,
        expected=expected,
        variance=variance,
        z=float(z),
        p_value=float(2.0 * stats.norm.sf(abs(z))),
    )
