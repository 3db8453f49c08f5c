"""Inference beyond the Wald table.

Profile-likelihood intervals, pseudo-R2 measures and average marginal effects (the tests of
terms and of nested models are in :mod:`logitfit.inference.term_tests`).

References: Venzon & Moolgavkar (1988) and R's ``MASS::confint.glm`` for profile-likelihood
intervals; Hosmer, Lemeshow & Sturdivant, *Applied Logistic Regression* (3rd ed.), sections 1.3,
2.2 and 5.2.5; Agresti, *Categorical Data Analysis* (3rd ed.), sections 1.3.3 and 4.5; Tjur (2009),
*Coefficients of determination in logistic regression models*, Am. Stat. 63(4); Nagelkerke (1991),
Biometrika 78(3); Cox & Snell (1989), *Analysis of Binary Data*.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import stats

from logitfit.design.core import Design, rows_in_memory, sum_over_rows
from logitfit.inference.profile import find_bound, warn_unverified
from logitfit.inference.survey import refuse_survey
from logitfit.likelihood.logistic import (
    binomial_variance,
    linear_predictor,
    probabilities,
    row_blocks,
)
from logitfit.likelihood.methods import profile_gap
from logitfit.results.records import Record

if TYPE_CHECKING:
    from logitfit.results.result import LogitResult

__all__ = [
    "FirthTests",
    "MarginalEffects",
    "PseudoR2",
    "firth_tests",
    "marginal_effects",
    "profile_conf_int",
    "pseudo_r2",
]


@dataclass(frozen=True)
class FirthTests(Record):
    """Penalised likelihood-ratio tests and profile penalised intervals of a Firth fit.

    Attributes
    ----------
    level : float
        Confidence level of the intervals.
    table : pandas.DataFrame
        Indexed by coefficient: ``chi2, p_value, profile_low, profile_high``.
    """

    title: ClassVar[str] = "Penalised likelihood-ratio tests and profile intervals (Firth)"
    level: float
    table: pd.DataFrame


@dataclass(frozen=True)
class PseudoR2(Record):
    """Pseudo-R2 measures of a fit (definitions in :func:`pseudo_r2`).

    Attributes
    ----------
    mcfadden, cox_snell, nagelkerke, tjur : float
    """

    title: ClassVar[str] = "Pseudo-R2"
    mcfadden: float
    cox_snell: float
    nagelkerke: float
    tjur: float


@dataclass(frozen=True)
class MarginalEffects(Record):
    """Average marginal effects with delta-method standard errors.

    Attributes
    ----------
    level : float
        Confidence level of the intervals.
    table : pandas.DataFrame
        Indexed by column: ``ame, std_error, z, p_value, conf_low, conf_high``.
    """

    title: ClassVar[str] = "Average marginal effects dP/dx"
    level: float
    table: pd.DataFrame


def profile_conf_int(result: LogitResult, level: float = 0.95) -> pd.DataFrame:
    r"""Profile-likelihood confidence intervals (the default of R's ``confint`` for ``glm``).

    For coefficient :math:`j`, the bounds solve :math:`D_j(b) - \hat D = \chi^2_{1, level}`,
    where :math:`D_j(b)` is the deviance minimised over the other coefficients with
    :math:`\beta_j = b` (a refit with :math:`b x_j` in the offset). For a Firth fit the
    penalised deviance is profiled instead (``logistf``'s profile penalised-likelihood
    intervals). Every bound is verified (:mod:`logitfit.inference.profile`): the refits converged,
    the gap equals the quantile to 1e-8 relative, the bound is on its side of the estimate;
    otherwise it is NaN with an :class:`~logitfit.exceptions.UnverifiedWarning` naming the
    coefficient and the reason. A bound is infinite when the profile stays below the quantile
    (separation).

    Parameters
    ----------
    result : LogitResult
    level : float
        Confidence level.

    Returns
    -------
    pandas.DataFrame of shape (p, 5)
        ``wald_low, wald_high, profile_low, profile_high, disagree``; ``disagree`` flags a bound
        that differs from the Wald bound by more than 10% of the Wald half-width.
    """
    refuse_survey(result, "A profile-likelihood interval")
    design = rows_in_memory(result.design, "profile-likelihood interval (refits per bound)")
    wald = result.conf_int(level)
    bounds = _profile_bounds(result, design, level)
    wald_low, wald_high = wald["lower"].to_numpy(), wald["upper"].to_numpy()
    half = (wald_high - wald_low) / 2
    gap_to_wald = np.fmax(np.abs(bounds[:, 0] - wald_low), np.abs(bounds[:, 1] - wald_high))
    return pd.DataFrame(
        {
            "wald_low": wald_low,
            "wald_high": wald_high,
            "profile_low": bounds[:, 0],
            "profile_high": bounds[:, 1],
            "disagree": gap_to_wald > 0.1 * half,
        },
        index=result.names,
    )


def _profile_bounds(result: LogitResult, design: Design, level: float) -> NDArray[np.float64]:
    """Return verified profile bounds of every coefficient, for the likelihood maximised."""
    likelihood = result.likelihood
    critical = float(stats.chi2.ppf(level, 1))
    coef = result.coef.to_numpy()
    top = likelihood.value(coef, design, result.deviance)
    std_errors = np.sqrt(np.diag(result.model_cov))  # bracket steps, whatever the cov_type
    bounds = np.empty((result.n_params, 2))
    for j, name in enumerate(result.names):
        for column, side in enumerate((-1.0, 1.0)):
            gap = profile_gap(likelihood, design, j, coef, top)
            bound, problem = find_bound(gap, coef[j], std_errors[j], critical, side)
            if problem is not None:
                which = "lower" if side < 0 else "upper"
                label = likelihood.profile_label
                warn_unverified(f"The {which} {label} bound of '{name}'", problem)
            bounds[j, column] = bound
    return bounds


def firth_tests(result: LogitResult, level: float = 0.95) -> FirthTests:
    r"""Penalised likelihood-ratio tests and profile penalised-likelihood intervals (``logistf``).

    For each coefficient :math:`j`: the statistic :math:`2[\ell^*(\hat\beta) -
    \ell^*(\tilde\beta)]` with :math:`\tilde\beta` the penalised fit under
    :math:`\beta_j = 0`, its chi-square(1) p-value, and the interval of values :math:`b` with
    :math:`2[\ell^*(\hat\beta) - \ell^*_j(b)] \le \chi^2_{1, level}`. Every refit is checked
    (see :mod:`logitfit.inference.profile`): a statistic or bound whose refit failed is NaN, with an
    :class:`~logitfit.exceptions.UnverifiedWarning` naming the coefficient.

    Parameters
    ----------
    result : LogitResult
        A fit with ``method="firth"``.
    level : float
        Confidence level of the profile intervals.

    Returns
    -------
    FirthTests
    """
    result.likelihood.require("firth_tests")
    design = rows_in_memory(result.design, "Firth penalised likelihood-ratio tests")
    coef = result.coef.to_numpy()
    top = result.likelihood.value(coef, design, result.deviance)
    bounds = _profile_bounds(result, design, level)
    rows = []
    for j, name in enumerate(result.names):
        at_zero = result.likelihood.refit(design, {j: 0.0}, coef)
        statistic = max(at_zero.value - top, 0.0) if at_zero.ok else float("nan")
        if not at_zero.ok:
            warn_unverified(f"The penalised likelihood-ratio test of '{name}'", at_zero.message)
        rows.append(
            {
                "chi2": statistic,
                "p_value": float(stats.chi2.sf(statistic, 1)),
                "profile_low": bounds[j, 0],
                "profile_high": bounds[j, 1],
            }
        )
    return FirthTests(level, pd.DataFrame(rows, index=result.names))


def pseudo_r2(result: LogitResult) -> PseudoR2:
    r"""McFadden, Cox-Snell, Nagelkerke and Tjur pseudo-R2.

    * McFadden: :math:`1 - \ell / \ell_0`;
    * Cox-Snell: :math:`1 - \exp(2 (\ell_0 - \ell) / n)`, with :math:`n` the number of
      observations (as statsmodels' ``pseudo_rsquared(kind="cs")``);
    * Nagelkerke: Cox-Snell divided by its largest attainable value,
      :math:`1 - \exp(-D_0 / n)` (which is :math:`1 - \exp(2 \ell_0 / n)` for binary data);
    * Tjur: mean fitted probability of the events minus that of the non-events.

    Parameters
    ----------
    result : LogitResult

    Returns
    -------
    PseudoR2
    """
    refuse_survey(result, "A likelihood-based pseudo-R2")
    n = result.n_obs
    cox_snell = 1.0 - np.exp(2.0 * (result.loglik_null - result.loglik) / n)
    sums = sum_over_rows(result.design, _tjur_sums, result.coef.to_numpy())
    tjur = float(sums[0] / sums[1] - sums[2] / sums[3])
    return PseudoR2(
        mcfadden=result.mcfadden_r2,
        cox_snell=float(cox_snell),
        nagelkerke=float(cox_snell / (1.0 - np.exp(-result.null_deviance / n))),
        tjur=tjur,
    )


def _tjur_sums(design: Design, coef: NDArray[np.float64]) -> NDArray[np.float64]:
    """Sum event mass x mu, event mass, non-event mass x mu and non-event mass over rows."""
    mu = probabilities(linear_predictor(design.X, coef, design.offset))
    events = design.weights * design.successes
    non_events = design.weights * (design.trials - design.successes)
    return np.array([events @ mu, events.sum(), non_events @ mu, non_events.sum()])


def _ame_sums(design: Design, coef: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
    """Sum ``w m v`` and ``X^T (w m v (1 - 2 mu))``, ``v = mu (1 - mu)``, block by block."""
    total_variance = 0.0
    slope_part = np.zeros(design.n_params)
    for block in row_blocks(design.n_rows, design.n_params):
        mu = probabilities(linear_predictor(design.X[block], coef, design.offset[block]))
        mass = design.weights[block] * design.trials[block] * binomial_variance(mu)
        total_variance += float(mass.sum())
        slope_part += design.X[block].T @ (mass * (1.0 - 2.0 * mu))
    return total_variance, slope_part


def marginal_effects(result: LogitResult, level: float = 0.95) -> MarginalEffects:
    r"""Average marginal effects ``dP/dx_k`` with delta-method standard errors.

    :math:`\mathrm{AME}_k = \frac{1}{N} \sum_i w_i m_i \beta_k \mu_i (1 - \mu_i)` over
    the :math:`N` trials, for every non-intercept column treated as continuous (statsmodels'
    ``get_margeff(at="overall", method="dydx")``). Its Jacobian is
    :math:`J_{kl} = \frac{1}{N} \sum_i w_i m_i v_i [\delta_{kl} + \beta_k (1 - 2\mu_i) x_{il}]`
    with :math:`v_i = \mu_i (1 - \mu_i)`, and :math:`\mathrm{Var} = J V J^T` under the result's
    covariance (Greene, *Econometric Analysis*, 8th ed., section 17.3).

    Parameters
    ----------
    result : LogitResult
    level : float
        Confidence level of the intervals.

    Returns
    -------
    MarginalEffects
    """
    design = result.design
    coef = result.coef.to_numpy()
    total_variance, slope_sum = sum_over_rows(design, _ame_sums, coef)
    mean_variance = total_variance / design.n_trials
    slope_part = slope_sum / design.n_trials
    keep = [j for j in range(result.n_params) if j != design.intercept_index]
    ame = coef[keep] * mean_variance
    jacobian = np.outer(coef[keep], slope_part)
    jacobian[np.arange(len(keep)), keep] += mean_variance
    std_errors = np.sqrt(np.einsum("ij,jk,ik->i", jacobian, result.cov.to_numpy(), jacobian))
    z = ame / std_errors
    half = stats.norm.ppf(0.5 + level / 2) * std_errors
    table = pd.DataFrame(
        {
            "ame": ame,
            "std_error": std_errors,
            "z": z,
            "p_value": 2 * stats.norm.sf(np.abs(z)),
            "conf_low": ame - half,
            "conf_high": ame + half,
        },
        index=pd.Index([design.names[j] for j in keep]),
    )
    return MarginalEffects(level, table)
