r"""Goodness of fit and calibration: Hosmer-Lemeshow, le Cessie-van Houwelingen, Brier, slope.

The unit throughout is the Bernoulli observation: a row with :math:`y_i` events in :math:`m_i`
trials and frequency weight :math:`w_i` contributes :math:`w_i y_i` events and
:math:`w_i (m_i - y_i)` non-events at its fitted probability :math:`\mu_i`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import stats

from logitfit.design import Design, intercept_only, rows_in_memory, sum_over_rows
from logitfit.exceptions import DataError
from logitfit.model import evaluate, linear_predictor, probabilities
from logitfit.solvers import newton

if TYPE_CHECKING:
    from logitfit.results import LogitResult

__all__ = [
    "Calibration",
    "HosmerLemeshow",
    "brier_score",
    "calibration",
    "hosmer_lemeshow",
    "le_cessie_van_houwelingen",
    "risk_groups",
]


def _weighted_quantile(values: NDArray[np.float64], mass: NDArray[np.float64], q: float) -> float:
    """Averaging inverted-CDF quantile (Hyndman & Fan type 2, Stata's ``_pctile``) with masses."""
    order = np.argsort(values, kind="stable")
    sorted_values, cumulative = values[order], np.cumsum(mass[order])
    target = q * cumulative[-1]
    k = int(np.searchsorted(cumulative, target, side="left"))
    if np.isclose(cumulative[k], target, rtol=1e-12, atol=0.0) and k + 1 < len(sorted_values):
        return float((sorted_values[k] + sorted_values[k + 1]) / 2)
    return float(sorted_values[k])


def risk_groups(result: LogitResult, groups: int = 10) -> NDArray[np.intp]:
    """Assign each row to a group of estimated risk ("deciles of risk" for ``groups=10``).

    The fitted probabilities are cut at their ``k / groups`` quantiles (``k = 1 .. groups-1``,
    averaging inverted-CDF quantiles over the observations); group ``k`` holds the rows whose
    probability lies in ``(q_{k-1}, q_k]``. Rows with equal fitted probability (the same covariate
    pattern) therefore always share a group, and coinciding cut points give fewer groups.

    Parameters
    ----------
    result : LogitResult
    groups : int
        Number of groups asked for (at least 2).

    Returns
    -------
    ndarray of shape (n,)
        Group number of each row, from 0 (lowest risk), consecutive.
    """
    if groups < 2:
        raise DataError(f"groups must be at least 2, got {groups}.")
    design = rows_in_memory(result.design, "grouping into risk groups")
    mu = result.predict().to_numpy()
    mass = design.weights * design.trials
    cuts = np.unique([_weighted_quantile(mu, mass, k / groups) for k in range(1, groups)])
    raw = np.searchsorted(cuts, mu, side="left")
    return np.unique(raw, return_inverse=True)[1].astype(np.intp)


@dataclass(frozen=True)
class HosmerLemeshow:
    r"""The Hosmer-Lemeshow test.

    :math:`\hat C = \sum_k (O_k - E_k)^2 / (E_k (1 - E_k / n_k))` over :math:`G` groups of
    estimated risk, compared with :math:`\chi^2_{G-2}` (Hosmer, Lemeshow & Sturdivant,
    *Applied Logistic Regression*, 3rd ed., section 5.2.2).

    Attributes
    ----------
    statistic : float
    df : int
    p_value : float
    table : pandas.DataFrame
        Per group: ``n, prob_min, prob_max, observed_events, expected_events,
        observed_non_events, expected_non_events``.
    """

    statistic: float
    df: int
    p_value: float
    table: pd.DataFrame


def hosmer_lemeshow(result: LogitResult, groups: int = 10) -> HosmerLemeshow:
    """Hosmer-Lemeshow goodness-of-fit test with its table of observed and expected counts.

    Parameters
    ----------
    result : LogitResult
    groups : int
        Number of risk groups asked for (see :func:`risk_groups` for the rule and ties).

    Returns
    -------
    HosmerLemeshow
    """
    design = rows_in_memory(result.design, "Hosmer-Lemeshow test")
    membership = risk_groups(result, groups)
    mu = result.predict().to_numpy()
    n_groups = int(membership.max()) + 1
    if n_groups < 3:
        raise DataError(
            f"Only {n_groups} distinct risk groups could be formed (too few distinct fitted "
            "probabilities); the Hosmer-Lemeshow test needs at least 3."
        )
    mass = design.weights * design.trials

    def per_group(values: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.bincount(membership, values, n_groups).astype(np.float64)

    n = per_group(mass)
    observed = per_group(design.weights * design.successes)
    expected = per_group(mass * mu)
    prob_min = pd.Series(mu).groupby(membership).min().to_numpy()
    prob_max = pd.Series(mu).groupby(membership).max().to_numpy()
    statistic = float(np.sum((observed - expected) ** 2 / (expected * (1 - expected / n))))
    df = n_groups - 2
    table = pd.DataFrame(
        {
            "n": n,
            "prob_min": prob_min,
            "prob_max": prob_max,
            "observed_events": observed,
            "expected_events": expected,
            "observed_non_events": n - observed,
            "expected_non_events": n - expected,
        },
        index=pd.RangeIndex(1, n_groups + 1, name="group"),
    )
    return HosmerLemeshow(statistic, df, float(stats.chi2.sf(statistic, df)), table)


def le_cessie_van_houwelingen(result: LogitResult) -> pd.Series:
    r"""Unweighted sum-of-squares goodness-of-fit test (le Cessie-van Houwelingen-Copas-Hosmer).

    Le Cessie & van Houwelingen (1991), Copas (1989); standardised as in Hosmer, Hosmer,
    le Cessie & Lemeshow (1997), Stat. Med. 16(9).

    :math:`S = \sum_i (y_i - \mu_i)^2` has mean :math:`\sum_i v_i` (:math:`v_i = \mu_i (1 -
    \mu_i)`) under the model; its variance is the residual sum of squares of the weighted least
    squares regression of :math:`1 - 2\mu_i` on :math:`X` with weights :math:`v_i`, and
    :math:`z = (S - \sum v_i) / \sqrt{\mathrm{RSS}}` is compared with the standard normal
    (two-sided), as R's ``rms::residuals.lrm(type = "gof")`` does. Binary outcomes only.

    Parameters
    ----------
    result : LogitResult

    Returns
    -------
    pandas.Series
        ``sum_squares, expected, std_error, z, p_value``.
    """
    design = rows_in_memory(result.design, "le Cessie-van Houwelingen test")
    if not design.is_binary:
        raise DataError("The le Cessie-van Houwelingen test is defined for binary outcomes.")
    mu = result.predict().to_numpy()
    w = design.weights
    variance = mu * (1 - mu)
    sum_squares = float(w @ (design.successes - mu) ** 2)
    expected = float(w @ variance)
    target = 1.0 - 2.0 * mu
    root = np.sqrt(w * variance)
    solution = np.linalg.lstsq(design.X * root[:, None], target * root, rcond=None)[0]
    residual = target - design.X @ solution
    std_error = float(np.sqrt(np.sum(w * variance * residual**2)))
    z = (sum_squares - expected) / std_error
    return pd.Series(
        {
            "sum_squares": sum_squares,
            "expected": expected,
            "std_error": std_error,
            "z": z,
            "p_value": float(2 * stats.norm.sf(abs(z))),
        }
    )


def brier_score(result: LogitResult) -> float:
    r"""Mean squared difference between outcome and fitted probability over the observations.

    :math:`\frac{1}{N} \sum_i w_i [y_i (1 - \mu_i)^2 + (m_i - y_i) \mu_i^2]`, which is
    :math:`\frac{1}{n} \sum_i (y_i - \mu_i)^2` for binary data (Brier 1950).

    Parameters
    ----------
    result : LogitResult

    Returns
    -------
    float
    """
    total = sum_over_rows(result.design, _brier_sum, result.coef.to_numpy())
    return float(total / result.design.n_trials)


def _brier_sum(design: Design, coef: NDArray[np.float64]) -> float:
    """Sum ``w [y (1 - mu)^2 + (m - y) mu^2]`` over the design's rows."""
    mu = probabilities(linear_predictor(design.X, coef, design.offset))
    per_row = design.successes * (1 - mu) ** 2 + (design.trials - design.successes) * mu**2
    return float(design.weights @ per_row)


def _refit(design: Design) -> NDArray[np.float64]:
    """Maximum-likelihood coefficients of an auxiliary logistic model, by Newton from zero."""
    return newton(lambda c, h: evaluate(c, design, h), np.zeros(design.n_params)).coef


@dataclass(frozen=True)
class Calibration:
    """Calibration of the fitted probabilities.

    Attributes
    ----------
    table : pandas.DataFrame
        Per risk group: ``n, mean_predicted, observed_rate``.
    intercept : float
        Calibration-in-the-large: the intercept of a logistic model of the outcome with the
        linear predictor as offset (0 when calibrated).
    slope : float
        The coefficient of the linear predictor in a logistic model of the outcome on it
        (1 when calibrated). In the data the model was fitted on, an ML fit with an intercept
        gives exactly 0 and 1; the measures are informative on new data (Cox 1958; Steyerberg,
        *Clinical Prediction Models*, 2nd ed., section 15.3).
    brier : float
        Brier score.
    """

    table: pd.DataFrame
    intercept: float
    slope: float
    brier: float


def calibration(result: LogitResult, groups: int = 10) -> Calibration:
    """Binned observed-versus-predicted table, calibration intercept and slope, Brier score.

    Parameters
    ----------
    result : LogitResult
    groups : int
        Number of risk groups (as :func:`risk_groups`).

    Returns
    -------
    Calibration
    """
    design = rows_in_memory(result.design, "calibration table")
    membership = risk_groups(result, groups)
    mu = result.predict().to_numpy()
    mass = design.weights * design.trials
    n = np.bincount(membership, weights=mass)
    table = pd.DataFrame(
        {
            "n": n,
            "mean_predicted": np.bincount(membership, weights=mass * mu) / n,
            "observed_rate": np.bincount(membership, weights=design.weights * design.successes) / n,
        },
        index=pd.RangeIndex(1, len(n) + 1, name="group"),
    )
    eta = result.predict(kind="link").to_numpy()
    in_the_large = intercept_only(design, eta)
    on_slope = dataclasses.replace(
        design,
        X=np.column_stack([np.ones(design.n_rows), eta]),
        names=("Intercept", "slope"),
        intercept_index=0,
        offset=np.zeros(design.n_rows),
        term_columns=(),
    )
    intercept = float(_refit(in_the_large)[0])
    slope = float(_refit(on_slope)[1])
    return Calibration(table, intercept, slope, brier_score(result))
