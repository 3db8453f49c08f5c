"""Inference beyond the Wald table.

Profile-likelihood intervals, likelihood-ratio and Wald tests per term, pseudo-R2 measures and
average marginal effects.

References: Venzon & Moolgavkar (1988) and R's ``MASS::confint.glm`` for profile-likelihood
intervals; Hosmer, Lemeshow & Sturdivant, *Applied Logistic Regression* (3rd ed.), sections 1.3,
2.2 and 5.2.5; Agresti, *Categorical Data Analysis* (3rd ed.), sections 1.3.3 and 4.5; Tjur (2009),
*Coefficients of determination in logistic regression models*, Am. Stat. 63(4); Nagelkerke (1991),
Biometrika 78(3); Cox & Snell (1989), *Analysis of Binary Data*.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import optimize, stats

from logitfit._linalg import cholesky_lower, solve_spd
from logitfit.design import Design, rows_in_memory, sum_over_rows, without_columns
from logitfit.exceptions import DataError
from logitfit.model import (
    evaluate,
    linear_predictor,
    probabilities,
    row_blocks,
    starting_point,
)
from logitfit.solvers import newton

if TYPE_CHECKING:
    from logitfit.results import LogitResult

__all__ = [
    "LRTest",
    "lr_test",
    "lr_tests_by_term",
    "marginal_effects",
    "profile_conf_int",
    "pseudo_r2",
    "wald_tests_by_term",
]


@dataclass(frozen=True)
class LRTest:
    """A likelihood-ratio test: ``statistic = D_smaller - D_larger`` on ``df`` degrees of freedom.

    Attributes
    ----------
    statistic : float
    df : int
    p_value : float
    """

    statistic: float
    df: int
    p_value: float


def _reduced_deviance(design: Design, drop: list[int]) -> tuple[float, bool]:
    """Deviance of the model refitted without the columns ``drop`` (offset kept)."""
    reduced = without_columns(design, drop)
    # Start where the full fit starts (zero slopes, intercept at the logit of the event rate):
    # the full estimate without the dropped columns can sit far from the reduced optimum.
    initial = starting_point(reduced)
    solution = newton(lambda c, h: evaluate(c, reduced, h), initial)
    # Under separation the reduced model has no finite maximum, but its deviance still has an
    # infimum, which Newton's last iterate approaches from above: the statistic stays meaningful
    # and the caller flags it.
    return solution.evaluation.deviance, solution.converged


def _term_indices(result: LogitResult) -> list[tuple[str, list[int]]]:
    """Each model term (the intercept excluded) with the positions of its columns."""
    position = {name: j for j, name in enumerate(result.names)}
    terms = []
    for term, columns in result.design.term_columns:
        indices = [position[c] for c in columns if c in position]
        if indices and indices != [result.design.intercept_index]:
            terms.append((term, indices))
    return terms


def lr_tests_by_term(result: LogitResult) -> pd.DataFrame:
    """Likelihood-ratio test of dropping each term, as R's ``drop1(fit, test = "LRT")``.

    A factor's indicator columns form one term. The model without the term is refitted by Newton
    from the full estimate (with the offset kept) and compared by deviance.

    Parameters
    ----------
    result : LogitResult

    Returns
    -------
    pandas.DataFrame
        One row per term: ``term, df, deviance`` (of the reduced model), ``aic``, ``lr_stat``,
        ``p_value``, and ``converged`` (False when the reduced model is separated: its deviance
        is then the limit approached by the iterations).
    """
    design = rows_in_memory(result.design, "likelihood-ratio test of each term (a refit per term)")
    rows = []
    for term, indices in _term_indices(result):
        deviance, converged = _reduced_deviance(design, indices)
        statistic = max(deviance - result.deviance, 0.0)
        rows.append(
            {
                "term": term,
                "df": len(indices),
                "deviance": deviance,
                "aic": result.aic + (deviance - result.deviance) - 2 * len(indices),
                "lr_stat": statistic,
                "p_value": float(stats.chi2.sf(statistic, len(indices))),
                "converged": converged,
            }
        )
    return pd.DataFrame(rows)


def wald_tests_by_term(result: LogitResult) -> pd.DataFrame:
    """Wald chi-square test of each term, ``b_T^T V_TT^{-1} b_T``, under the result's covariance.

    Parameters
    ----------
    result : LogitResult

    Returns
    -------
    pandas.DataFrame
        One row per term: ``term, df, wald_stat, p_value``.
    """
    cov = result.cov.to_numpy()
    coef = result.coef.to_numpy()
    rows = []
    for term, indices in _term_indices(result):
        block = cov[np.ix_(indices, indices)]
        factor = cholesky_lower(block)
        if factor is None:
            raise DataError(f"The covariance of term '{term}' is singular; no Wald test exists.")
        statistic = float(coef[indices] @ solve_spd(factor, coef[indices]))
        rows.append(
            {
                "term": term,
                "df": len(indices),
                "wald_stat": statistic,
                "p_value": float(stats.chi2.sf(statistic, len(indices))),
            }
        )
    return pd.DataFrame(rows)


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


def _signed_root(
    base: Design,
    column: NDArray[np.float64],
    estimate: float,
    start: NDArray[np.float64],
    deviance: float,
) -> Callable[[float], float]:
    """Return ``b -> sign(b - estimate) sqrt(D(b) - D)``, each refit warm-started from the last."""
    warm = [start]

    def signed_root(b: float) -> float:
        constrained = dataclasses.replace(base, offset=base.offset + b * column)
        solution = newton(lambda c, h: evaluate(c, constrained, h), warm[0])
        warm[0] = solution.coef
        gap = max(solution.evaluation.deviance - deviance, 0.0)
        return float(np.sign(b - estimate) * np.sqrt(gap))

    return signed_root


def _profile_bound(
    signed_root: Callable[[float], float], estimate: float, std_error: float, target: float
) -> float:
    """Solve ``signed_root(b) = target`` on the side of ``estimate`` that ``target`` points to."""
    direction = np.sign(target)
    inner = estimate
    outer = estimate + direction * abs(target) * std_error
    for _ in range(60):
        if direction * (signed_root(outer) - target) >= 0:
            break
        inner, outer = outer, estimate + 2.0 * (outer - estimate)
    else:
        return float(direction * np.inf)  # the profile flattens out: the bound is infinite
    low, high = sorted((inner, outer))
    try:
        return float(
            optimize.brentq(lambda b: signed_root(b) - target, low, high, xtol=1e-12, rtol=1e-12)
        )
    except ValueError:
        # Only under separation, where the constrained fits have no finite maximum and their
        # deviances are limits approached by iterations: keep the conservative outer point.
        return float(outer)


def profile_conf_int(result: LogitResult, level: float = 0.95) -> pd.DataFrame:
    r"""Profile-likelihood confidence intervals (the default of R's ``confint`` for ``glm``).

    For coefficient :math:`j`, the bounds solve :math:`r_j(b) = \pm z_{1 - \alpha/2}` for the
    signed root :math:`r_j(b) = \operatorname{sign}(b - \hat\beta_j)
    \sqrt{D_j(b) - \hat D}`, where :math:`D_j(b)` is the deviance minimised over the other
    coefficients with :math:`\beta_j = b` (a refit with :math:`b x_j` in the offset), by
    Brent's method to 1e-12.

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
    quantile = float(stats.norm.ppf(0.5 + level / 2))
    design = rows_in_memory(result.design, "profile-likelihood interval (refits per bound)")
    coef = result.coef.to_numpy()
    wald = result.conf_int(level)
    model_cov = result.model_cov  # bracket steps, whatever the cov_type is
    bounds = np.empty((result.n_params, 2))
    for j in range(result.n_params):
        keep = [k for k in range(result.n_params) if k != j]
        base = without_columns(design, [j])
        std_error = float(np.sqrt(model_cov[j, j]))
        for side, target in enumerate((-quantile, quantile)):
            signed_root = _signed_root(base, design.X[:, j], coef[j], coef[keep], result.deviance)
            bounds[j, side] = _profile_bound(signed_root, coef[j], std_error, target)
    wald_low, wald_high = wald["lower"].to_numpy(), wald["upper"].to_numpy()
    half = (wald_high - wald_low) / 2
    gap = np.maximum(np.abs(bounds[:, 0] - wald_low), np.abs(bounds[:, 1] - wald_high))
    return pd.DataFrame(
        {
            "wald_low": wald_low,
            "wald_high": wald_high,
            "profile_low": bounds[:, 0],
            "profile_high": bounds[:, 1],
            "disagree": gap > 0.1 * half,
        },
        index=result.names,
    )


def pseudo_r2(result: LogitResult) -> pd.Series:
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
    pandas.Series
    """
    n = result.n_obs
    cox_snell = 1.0 - np.exp(2.0 * (result.loglik_null - result.loglik) / n)
    sums = sum_over_rows(result.design, _tjur_sums, result.coef.to_numpy())
    tjur = float(sums[0] / sums[1] - sums[2] / sums[3])
    return pd.Series(
        {
            "mcfadden": result.pseudo_r2,
            "cox_snell": cox_snell,
            "nagelkerke": cox_snell / (1.0 - np.exp(-result.null_deviance / n)),
            "tjur": tjur,
        },
        name="pseudo_r2",
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
        mass = design.weights[block] * design.trials[block] * mu * (1.0 - mu)
        total_variance += float(mass.sum())
        slope_part += design.X[block].T @ (mass * (1.0 - 2.0 * mu))
    return total_variance, slope_part


def marginal_effects(result: LogitResult, level: float = 0.95) -> pd.DataFrame:
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
    pandas.DataFrame
        Indexed by column: ``ame, std_error, z, p_value, conf_low, conf_high``.
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
    return pd.DataFrame(
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
