r"""The whole model against the null model: SAS's "Model Fit Statistics" and global null tests.

The null model is the intercept alone (with any offset), or the offset alone in a model without
an intercept, as R's ``glm`` defines it. Two tables of SAS PROC LOGISTIC:

* *Model Fit Statistics*: :math:`-2 \log L`, AIC :math:`= -2 \log L + 2 k` and BIC (SAS's SC)
  :math:`= -2 \log L + k \log n`, for the null model and the full one (:math:`k` parameters,
  :math:`n` observations: trials for events/trials rows, frequency weights summed).
* *Testing Global Null Hypothesis: BETA=0*, each chi-square with :math:`p - k_0` degrees of
  freedom (:math:`k_0` the null model's parameters):

  - likelihood ratio: the null deviance minus the deviance;
  - score (Rao): :math:`U^T I^{-1} U`, the gradient :math:`U = X^T (w (y - m \mu_0))` and the
    information :math:`I = X^T \operatorname{diag}(w m \mu_0 (1 - \mu_0)) X` of the full model's
    log-likelihood at the null model's estimate (Rao 1948; R's ``anova(null, fit, test =
    "Rao")``);
  - Wald: :math:`\hat\beta_S^T V_{SS}^{-1} \hat\beta_S` over the coefficients :math:`S` the null
    model lacks, :math:`V` the fit's covariance (model-based or robust, as the fit carries).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import stats

from logitfit._linalg import cholesky_lower, solve_spd
from logitfit.design.core import Design, rows_in_memory
from logitfit.exceptions import DataError
from logitfit.inference.profile import ml_refit, warn_unverified
from logitfit.inference.survey import refuse_survey
from logitfit.likelihood.logistic import evaluate, logit_rate
from logitfit.results.records import Record

if TYPE_CHECKING:
    from logitfit.results.result import LogitResult

__all__ = ["FitStatistics", "GlobalTests", "fit_statistics", "global_tests"]


@dataclass(frozen=True)
class FitStatistics(Record):
    """-2 log L, AIC and BIC of the null and the full model, side by side (SAS's table).

    Attributes
    ----------
    table : pandas.DataFrame
        Indexed by ``"-2 log L"``, ``"AIC"``, ``"BIC"``; columns ``null`` (intercept only, with
        any offset) and ``full``.
    n_obs : float
        The ``n`` of BIC.
    """

    title: ClassVar[str] = "Model fit statistics"
    table: pd.DataFrame
    n_obs: float


@dataclass(frozen=True)
class GlobalTests(Record):
    """Tests of the global null hypothesis that every coefficient but the null model's is 0.

    Attributes
    ----------
    table : pandas.DataFrame
        Indexed by ``"Likelihood ratio"``, ``"Score"``, ``"Wald"``; columns ``chi2``, ``df``,
        ``p_value``.
    covariance : str
        The covariance behind the Wald test.
    """

    title: ClassVar[str] = "Testing the global null hypothesis: BETA = 0"
    table: pd.DataFrame
    covariance: str


def fit_statistics(result: LogitResult) -> FitStatistics:
    """-2 log L, AIC and BIC of the null and the full model (SAS's "Model Fit Statistics").

    Parameters
    ----------
    result : LogitResult
        A maximum-likelihood fit.

    Returns
    -------
    FitStatistics
    """
    refuse_survey(result, "The table of -2 log L, AIC and BIC")
    result.likelihood.require("maximum_likelihood", what="The table of fit statistics")
    n = result.n_obs
    sizes = {"null": result.df_null_params, "full": result.n_params}
    minus_two = {"null": -2.0 * result.loglik_null, "full": -2.0 * result.loglik}
    table = pd.DataFrame(
        {
            model: [minus_two[model], minus_two[model] + 2.0 * k, minus_two[model] + k * np.log(n)]
            for model, k in sizes.items()
        },
        index=pd.Index(["-2 log L", "AIC", "BIC"], name="criterion"),
    )
    return FitStatistics(table=table, n_obs=n)


def _null_coef(design: Design) -> NDArray[np.float64] | str:
    """Return the null model's estimate as a full-length coefficient vector (0 elsewhere)."""
    coef = np.zeros(design.n_params)
    index = design.intercept_index
    if index is None:
        return coef  # eta = offset alone
    if not design.has_offset:
        coef[index] = logit_rate(design)  # closed form: the logit of the event rate
        return coef
    only = dataclasses.replace(
        design, X=design.X[:, [index]], names=(design.names[index],), intercept_index=0
    )
    refit = ml_refit(only)
    if not refit.ok:
        return f"the null model's refit did not converge ({refit.message})"
    coef[index] = float(refit.coef[0])
    return coef


def _quadratic_form(matrix: NDArray[np.float64], vector: NDArray[np.float64], what: str) -> float:
    """Return ``v^T M^{-1} v`` for a symmetric positive definite ``M``, by Cholesky."""
    factor = cholesky_lower(matrix)
    if factor is None:
        raise DataError(f"The {what} is singular, so the test statistic does not exist.")
    return float(vector @ solve_spd(factor, vector))


def global_tests(result: LogitResult) -> GlobalTests:
    """Likelihood-ratio, score and Wald tests that all coefficients but the intercept are 0.

    Parameters
    ----------
    result : LogitResult
        A maximum-likelihood fit with rows in memory.

    Returns
    -------
    GlobalTests

    Warns
    -----
    UnverifiedWarning
        When the null model's refit (needed with an offset) does not converge, the score test
        is NaN; when the outcome is separated, the Wald test is NaN (its estimate and
        covariance do not exist).
    """
    refuse_survey(result, "The likelihood-ratio and score tests of the global null")
    result.likelihood.require("maximum_likelihood", what="The global null hypothesis test")
    design = rows_in_memory(result.design, "the score test (the gradient at the null model)")
    df = result.n_params - result.df_null_params
    if df == 0:
        raise DataError("The model has no coefficient beyond the null model's to test.")
    null_coef = _null_coef(design)
    if isinstance(null_coef, str):
        warn_unverified("The score test", null_coef)
        score = float("nan")
    else:
        at_null = evaluate(null_coef, design, with_hessian=True)
        information = at_null.hessian if at_null.hessian is not None else np.eye(0)
        score = _quadratic_form(information, at_null.gradient, "information at the null model")
    tested = [j for j in range(design.n_params) if j != design.intercept_index]
    if result.separation is not None:
        warn_unverified(
            "The Wald test",
            "the outcome is separated, so the estimate and its covariance do not exist",
        )
        wald = float("nan")
    else:
        coef = result.coef.to_numpy()[tested]
        wald = _quadratic_form(result.cov.to_numpy()[np.ix_(tested, tested)], coef, "covariance")
    statistics = {"Likelihood ratio": result.lr_stat, "Score": score, "Wald": wald}
    table = pd.DataFrame(
        {
            "chi2": list(statistics.values()),
            "df": df,
            "p_value": [float(stats.chi2.sf(value, df)) for value in statistics.values()],
        },
        index=pd.Index(list(statistics), name="test"),
    )
    return GlobalTests(table=table, covariance=result.covariance.kind)
