r"""Goodness of fit: Hosmer-Lemeshow, le Cessie-van Houwelingen and the Brier score.

The unit throughout is the Bernoulli observation: a row with :math:`y_i` events in :math:`m_i`
trials and frequency weight :math:`w_i` contributes :math:`w_i y_i` events and
:math:`w_i (m_i - y_i)` non-events at its fitted probability :math:`\mu_i`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Literal, get_args

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import stats

from logitfit.design.core import Design, rows_in_memory, sum_over_rows
from logitfit.exceptions import DataError
from logitfit.likelihood.logistic import binomial_variance, linear_predictor, probabilities
from logitfit.results.records import Record

if TYPE_CHECKING:
    from logitfit.results.result import LogitResult

__all__ = [
    "HosmerLemeshow",
    "LeCessieVanHouwelingen",
    "brier_score",
    "hosmer_lemeshow",
    "le_cessie_van_houwelingen",
    "risk_groups",
]


Grouping = Literal["stata", "hoslem"]
_GROUPINGS: tuple[str, ...] = get_args(Grouping)


def _stata_groups(
    mu: NDArray[np.float64], mass: NDArray[np.float64], groups: int
) -> NDArray[np.intp]:
    """Group number of each row by Stata's ``lfit.ado`` (``HosLem``, ``Quantile``)."""
    # Rows of zero mass are outside Stata's estimation sample: they do not move the cuts.
    positive = mass > 0
    order = np.argsort(mu[positive], kind="stable")
    p, cumulative = mu[positive][order], np.cumsum(mass[positive][order])
    last = np.flatnonzero(np.append(p[1:] != p[:-1], True))  # one row per distinct value
    values, q = p[last], groups * cumulative[last] / cumulative[-1]
    nearest, following = np.floor(q + 0.5), np.append(q[1:], np.inf)  # round(q, 1); q[_n+1]
    # lfit.ado's eps = G * 1e-8 on q = G F: F within 1e-8 below j / G, the next value clearly
    # past it, counts as equal (the cut is then the average with the next value), so rounding in
    # the running sum of weights cannot move a cut. Its extra case for the first value (q just
    # above an integer) gives int(q) anyway, hence the same groups.
    eps = groups * 1e-8
    tie = (np.abs(q - nearest) < eps) & (q <= nearest) & (following - nearest >= eps)
    tie[-1] = True  # the last value closes the top group: round(q) = G
    level = np.where(tie, nearest, np.floor(q))  # quantiles reached at each distinct value
    # A group closes where the level rises (a jump of two or more leaves empty groups).
    uppers = values[level > np.append(0.0, level[:-1])]
    return np.searchsorted(uppers[:-1], mu, side="left")


def _hoslem_groups(mu: NDArray[np.float64], groups: int) -> NDArray[np.intp]:
    """Group number of each row by ``ResourceSelection::hoslem.test`` (0.3-6)."""
    x = np.sort(mu)
    # seq(0, 1, 1/g) is from + (0:g) * by in R, so the probabilities are j * (1/g), not j / g.
    probs = np.arange(groups + 1) * (1.0 / groups)
    probs[-1] = 1.0  # for g = 49, 98, ... g * (1/g) < 1 in R; see risk_groups
    # quantile(type = 7), transcribed from R's quantile.default, operation for operation.
    index = 1 + (len(x) - 1) * probs
    lo, hi = np.floor(index).astype(np.intp), np.ceil(index).astype(np.intp)
    qs, upper = x[lo - 1], x[hi - 1]
    h = index - lo
    qs = np.where((index > lo) & (upper != qs), (1 - h) * qs + h * upper, qs)
    breaks = np.unique(qs)
    # cut(right = TRUE, include.lowest = TRUE): (b_{k-1}, b_k], the first also holding b_0.
    return np.maximum(np.searchsorted(breaks, mu, side="left"), 1)


def risk_groups(
    result: LogitResult, groups: int = 10, *, grouping: Grouping = "stata"
) -> NDArray[np.intp]:
    r"""Assign each row to a group of estimated risk ("deciles of risk" for ``groups=10``).

    Two conventions, each reproducing its reference exactly:

    ``"stata"`` (default): Stata's ``estat gof, group(#)`` (``lfit.ado``). Each row has mass
    :math:`w_i m_i` (frequency weights act as replicated rows). With :math:`F` the cumulative
    proportion of mass up to each distinct fitted probability, the cut :math:`c_j`
    (:math:`j = 1 .. G-1`) is the smallest probability with :math:`F \ge j / G` (a weighted
    Hyndman-Fan type-2 percentile; :math:`F` within 1e-8 of :math:`j / G` counts as equal, as
    in Stata), and group :math:`j` holds :math:`c_{j-1} < p \le c_j`. Rows of zero weight do not
    move the cuts.

    ``"hoslem"``: R's ``ResourceSelection::hoslem.test(y, fitted, g)`` (0.3-6): breaks
    ``unique(quantile(p, seq(0, 1, 1/g)))`` (type 7, over the rows), then ``cut(p, breaks,
    include.lowest = TRUE)`` (right-closed intervals). Defined for unweighted binary data
    only. R leaves out the rows above the top break when ``g * (1/g) < 1`` (``g = 49, 98``, ...);
    here the top break is the largest probability.

    Both cut on values, so equal fitted probabilities always share a group. Coinciding cuts or
    empty intervals give fewer groups than asked (no warning), numbered consecutively.

    Parameters
    ----------
    result : LogitResult
    groups : int
        Number of groups asked for (at least 2).
    grouping : {"stata", "hoslem"}
        The convention (above).

    Returns
    -------
    ndarray of shape (n,)
        Group number of each row, from 0 (lowest risk), consecutive.

    Raises
    ------
    DataError
        For an unknown ``grouping``, fewer than 2 groups, or ``"hoslem"`` with frequency weights
        or events/trials data.
    """
    if grouping not in _GROUPINGS:
        raise DataError(
            f"Unknown grouping {grouping!r}; use one of {', '.join(map(repr, _GROUPINGS))}."
        )
    if groups < 2:
        raise DataError(f"groups must be at least 2, got {groups}.")
    design = rows_in_memory(result.design, "grouping into risk groups")
    mu = result.predict().to_numpy()
    if grouping == "stata":
        raw = _stata_groups(mu, design.weights * design.trials, groups)
    elif not (design.unit_weights and design.is_binary):
        raise DataError(
            'grouping="hoslem" (ResourceSelection::hoslem.test) is defined for unweighted binary '
            'data; with frequency weights or events/trials data use grouping="stata".'
        )
    else:
        raw = _hoslem_groups(mu, groups)
    return np.unique(raw, return_inverse=True)[1].astype(np.intp)


@dataclass(frozen=True)
class HosmerLemeshow(Record):
    r"""The Hosmer-Lemeshow test.

    :math:`\hat C = \sum_k (O_k - E_k)^2 / (E_k (1 - E_k / n_k))` over the :math:`G` groups of
    estimated risk formed, compared with :math:`\chi^2_{G-2}` (Hosmer, Lemeshow & Sturdivant,
    *Applied Logistic Regression*, 3rd ed., section 5.2.2). The groups follow one of two rules
    (see :func:`risk_groups`):

    - ``"stata"``: Stata's ``estat gof, group(#)`` (``lfit.ado``; *Stata Base Reference
      Manual*, ``estat gof``): weighted type-2 percentiles of the fitted probabilities, ties
      together; a group whose expected count is 0 or its size adds 0, as in ``lfit.ado``.
    - ``"hoslem"``: R's ``ResourceSelection::hoslem.test`` 0.3-6: type-7 quantiles, ``cut``
      with right-closed intervals; the statistic is R's
      :math:`\sum_k \sum_{y=0,1} (O_{ky} - E_{ky})^2 / E_{ky}`, the same number. Empty
      intervals (R keeps them and gets NaN) are dropped.

    Both take ``df`` as the number of groups formed less 2 (``hoslem.test`` before 0.3-6 used
    ``g - 2``); fewer groups than asked are formed when cuts coincide (ties).

    Attributes
    ----------
    statistic : float
    df : int
    p_value : float
    table : pandas.DataFrame
        Per group: ``n, prob_min, prob_max, observed_events, expected_events,
        observed_non_events, expected_non_events``.
    grouping : str
        The rule used: ``"stata"`` or ``"hoslem"``.
    """

    title: ClassVar[str] = "Hosmer-Lemeshow goodness-of-fit test"
    statistic: float
    df: int
    p_value: float
    table: pd.DataFrame
    grouping: str


def hosmer_lemeshow(
    result: LogitResult, groups: int = 10, *, grouping: Grouping = "stata"
) -> HosmerLemeshow:
    """Hosmer-Lemeshow goodness-of-fit test with its table of observed and expected counts.

    Parameters
    ----------
    result : LogitResult
    groups : int
        Number of risk groups asked for.
    grouping : {"stata", "hoslem"}
        How the groups are formed (see :func:`risk_groups` and :class:`HosmerLemeshow`).

    Returns
    -------
    HosmerLemeshow

    Raises
    ------
    DataError
        When fewer than 3 groups can be formed, and as :func:`risk_groups`.
    """
    design = rows_in_memory(result.design, "Hosmer-Lemeshow test")
    membership = risk_groups(result, groups, grouping=grouping)
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
    in_sample = pd.Series(np.where(mass > 0, mu, np.nan))  # zero-weight rows: not in Stata's
    prob_min = in_sample.groupby(membership).min().to_numpy()
    prob_max = in_sample.groupby(membership).max().to_numpy()
    if grouping == "hoslem":
        # hoslem.test: sum((observed - expected)^2 / expected) over both outcome columns.
        cells = [(observed, expected), (n - observed, per_group(mass * (1 - mu)))]
        statistic = float(sum(np.sum((o - e) ** 2 / e) for o, e in cells))
    else:
        # lfit.ado adds a group only when 0 < E < n (a group fitted at 0 or 1 adds nothing).
        usable = (expected > 0) & (expected < n)
        terms = (observed - expected) ** 2 / np.where(usable, expected * (1 - expected / n), 1.0)
        statistic = float(np.sum(np.where(usable, terms, 0.0)))
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
    p_value = float(stats.chi2.sf(statistic, df))
    return HosmerLemeshow(statistic, df, p_value, table, grouping)


@dataclass(frozen=True)
class LeCessieVanHouwelingen(Record):
    """The unweighted sum-of-squares goodness-of-fit test (see :func:`le_cessie_van_houwelingen`).

    Attributes
    ----------
    sum_squares, expected, std_error : float
        :math:`S`, its mean and its standard deviation under the model.
    z, p_value : float
        The standardised statistic and its two-sided normal p-value.
    """

    title: ClassVar[str] = "le Cessie-van Houwelingen-Copas-Hosmer test"
    sum_squares: float
    expected: float
    std_error: float
    z: float
    p_value: float


def le_cessie_van_houwelingen(result: LogitResult) -> LeCessieVanHouwelingen:
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
    LeCessieVanHouwelingen
    """
    design = rows_in_memory(result.design, "le Cessie-van Houwelingen test")
    if not design.is_binary:
        raise DataError("The le Cessie-van Houwelingen test is defined for binary outcomes.")
    mu = result.predict().to_numpy()
    w = design.weights
    variance = binomial_variance(mu)
    sum_squares = float(w @ (design.successes - mu) ** 2)
    expected = float(w @ variance)
    target = 1.0 - 2.0 * mu
    root = np.sqrt(w * variance)
    solution = np.linalg.lstsq(design.X * root[:, None], target * root, rcond=None)[0]
    residual = target - design.X @ solution
    std_error = float(np.sqrt(np.sum(w * variance * residual**2)))
    z = (sum_squares - expected) / std_error
    p_value = float(2 * stats.norm.sf(abs(z)))
    return LeCessieVanHouwelingen(sum_squares, expected, std_error, float(z), p_value)


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
