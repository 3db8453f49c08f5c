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

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import stats

from logitfit._linalg import cholesky_lower, solve_spd
from logitfit.design import Design, rows_in_memory, sum_over_rows, without_columns
from logitfit.exceptions import DataError
from logitfit.firth import firth_refit, firth_tests, penalized_loglik
from logitfit.model import linear_predictor, probabilities, row_blocks
from logitfit.profile import Refit, find_bound, ml_profile, ml_refit, warn_unverified

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


TermTests = Literal["drop1", "type2"]


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
    """Refit with the columns ``zero`` held at 0: the (penalised) deviance of the smaller model.

    Maximum likelihood drops the columns and refits from R's start; Firth's method holds them at
    0 inside the full model's penalty, as ``logistf`` tests terms. ``full`` is the fit itself,
    returned when nothing is held.
    """
    if not zero:
        return full
    if result.solver.method == "firth":
        return firth_refit(design, dict.fromkeys(zero, 0.0), result.coef.to_numpy())
    return ml_refit(without_columns(design, zero))


def _full_value(result: LogitResult, design: Design) -> Refit:
    """Return the fitted model's deviance (penalised for a Firth fit) as a trusted Refit."""
    coef = result.coef.to_numpy()
    if result.solver.method == "firth":
        return Refit(-2.0 * penalized_loglik(coef, design), coef, True, "the fit itself")
    return Refit(result.deviance, coef, True, "the fit itself")


def lr_tests_by_term(result: LogitResult, kind: TermTests = "drop1") -> pd.DataFrame:
    """Likelihood-ratio test of each term, as R's ``drop1`` or ``car::Anova(type = "II")``.

    A factor's indicator columns form one term. ``kind="drop1"`` (default) follows R's
    ``drop1(fit, test = "LRT")`` and its marginality rule: a term contained in a higher-order term
    of the model (``age`` in ``age:smoke``) is not tested, because dropping it while keeping the
    interaction changes what the interaction means; the skipped terms are named in
    ``frame.attrs["note"]``. ``kind="type2"`` tests every term after all the terms that do not
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
    pandas.DataFrame
        One row per term tested: ``term, df, deviance`` (of the model without the term),
        ``aic`` (of that model; drop1 only), ``lr_stat``, ``p_value`` and ``converged``.
    """
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
                    if kind == "drop1" and smaller.ok and result.solver.method != "firth"
                    else float("nan")
                ),
                "lr_stat": statistic,
                "p_value": float(stats.chi2.sf(statistic, len(indices))),
                "converged": converged,
            }
        )
    frame = pd.DataFrame(rows)
    frame.attrs["note"] = (
        "Not tested, by marginality (as R's drop1): " + "; ".join(skipped) + "." if skipped else ""
    )
    return frame


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
    if "firth" in (smaller.solver.method, larger.solver.method):
        raise DataError(
            "lr_test compares maximum-likelihood deviances; a Firth fit maximises a penalised "
            "likelihood whose penalty differs between the two models. Use "
            "logitfit.lr_tests_by_term(larger) for penalised likelihood-ratio tests of its terms."
        )
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


def profile_conf_int(result: LogitResult, level: float = 0.95) -> pd.DataFrame:
    r"""Profile-likelihood confidence intervals (the default of R's ``confint`` for ``glm``).

    For coefficient :math:`j`, the bounds solve :math:`D_j(b) - \hat D = \chi^2_{1, level}`,
    where :math:`D_j(b)` is the deviance minimised over the other coefficients with
    :math:`\beta_j = b` (a refit with :math:`b x_j` in the offset). For a Firth fit the
    penalised deviance is profiled instead (``logistf``'s profile penalised-likelihood
    intervals). Every bound is verified (:mod:`logitfit.profile`): the refits converged, the gap
    equals the quantile to 1e-8 relative, the bound is on its side of the estimate; otherwise it
    is NaN with an :class:`~logitfit.exceptions.UnverifiedWarning` naming the coefficient and the
    reason. A bound is infinite when the profile stays below the quantile (separation).

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
    design = rows_in_memory(result.design, "profile-likelihood interval (refits per bound)")
    wald = result.conf_int(level)
    if result.solver.method == "firth":
        bounds = firth_tests(result, level)[["profile_low", "profile_high"]].to_numpy()
    else:
        critical = float(stats.chi2.ppf(level, 1))
        coef = result.coef.to_numpy()
        std_errors = np.sqrt(np.diag(result.model_cov))  # bracket steps, whatever the cov_type
        bounds = np.empty((result.n_params, 2))
        for j, name in enumerate(result.names):
            for column, side in enumerate((-1.0, 1.0)):
                gap = ml_profile(design, j, coef, result.deviance)
                bound, problem = find_bound(gap, coef[j], std_errors[j], critical, side)
                if problem is not None:
                    which = "lower" if side < 0 else "upper"
                    warn_unverified(f"The {which} profile-likelihood bound of '{name}'", problem)
                bounds[j, column] = bound
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
