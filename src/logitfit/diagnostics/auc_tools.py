r"""AUC tools as pROC users know them: a stratified bootstrap interval, and DeLong's paired test.

Both work on one binary observation per row (unit weights), as pROC's ``roc`` does.

* :func:`auc_interval`: pROC's ``ci.auc(method = "bootstrap")``: the fitted probabilities are
  kept (no refit); events and non-events are resampled separately (``stratified = TRUE``), and
  the interval is the percentile interval of the resampled AUCs (R's quantile type 7).
* :func:`auc_test`: pROC's ``roc.test(roc1, roc2, method = "delong", paired = TRUE)``. With the
  structural components :math:`V_{10}` (per event: the share of non-events it outranks, ties
  one half) and :math:`V_{01}` (per non-event) of each model, DeLong, DeLong & Clarke-Pearson
  (1988) give :math:`\operatorname{Var}(A_1 - A_2) = (S_{10}^{11} + S_{10}^{22} - 2 S_{10}^{12})
  / m + (S_{01}^{11} + S_{01}^{22} - 2 S_{01}^{12}) / n` for :math:`m` events and :math:`n`
  non-events, :math:`S` the sample covariances of the components; :math:`Z = (A_1 - A_2) /
  \sqrt{\operatorname{Var}}`, two-sided normal p-value, and the difference's interval
  :math:`A_1 - A_2 \pm z_{1-\alpha/2} \sqrt{\operatorname{Var}}`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np
from numpy.typing import NDArray
from scipy import stats
from scipy.stats import rankdata

from logitfit.design.checks import confidence_level
from logitfit.design.core import Design, rows_in_memory
from logitfit.exceptions import DataError
from logitfit.results.records import Record

if TYPE_CHECKING:
    from logitfit.results.result import LogitResult

__all__ = ["AucInterval", "AucTest", "auc_interval", "auc_test", "concordance"]


@dataclass(frozen=True)
class AucInterval(Record):
    """A bootstrap percentile interval of the AUC.

    Attributes
    ----------
    auc : float
        The AUC of the fitted probabilities.
    conf_low, conf_high : float
        Percentiles of the resampled AUCs.
    level : float
    n_boot : int
    seed : int or None
    """

    title: ClassVar[str] = "AUC with a stratified bootstrap interval (as pROC's ci.auc)"
    auc: float
    conf_low: float
    conf_high: float
    level: float
    n_boot: int
    seed: int | None


@dataclass(frozen=True)
class AucTest(Record):
    """DeLong's test of two correlated AUCs (the same rows and outcome).

    Attributes
    ----------
    auc1, auc2 : float
    difference : float
        ``auc1 - auc2``.
    std_error : float
        Of the difference.
    z, p_value : float
    conf_low, conf_high : float
        Interval of the difference.
    level : float
    """

    title: ClassVar[str] = "DeLong's paired test of two AUCs (as pROC's roc.test)"
    auc1: float
    auc2: float
    difference: float
    std_error: float
    z: float
    p_value: float
    conf_low: float
    conf_high: float
    level: float


def _binary_rows(result: LogitResult, what: str) -> Design:
    design = rows_in_memory(result.design, what)
    if not (design.is_binary and design.unit_weights):
        raise DataError(
            f"The {what} needs one binary observation per row without weights (as pROC): "
            "expand weighted or events/trials data to one row per observation first."
        )
    events = float(design.successes.sum())
    if events < 2 or design.n_rows - events < 2:
        raise DataError(f"The {what} needs at least two events and two non-events.")
    return design


def concordance(scores: NDArray[np.float64], events: NDArray[np.bool_]) -> float:
    """Return the concordance probability (the AUC) of ``scores``, ties counting one half.

    From one ranking (average ranks for ties): the Mann-Whitney statistic of the events'
    ranks over the number of event/non-event pairs.
    """
    m = int(events.sum())
    n = events.size - m
    return float((rankdata(scores)[events].sum() - m * (m + 1) / 2.0) / (m * n))


def _components(
    scores: NDArray[np.float64], events: NDArray[np.bool_]
) -> tuple[float, NDArray[np.float64], NDArray[np.float64]]:
    """Return the AUC and DeLong's components: V10 per event and V01 per non-event.

    With ranks (average for ties) over all rows and within each group, an event's V10 is the
    number of non-events below it (ties one half) over the number of non-events, and a
    non-event's V01 the number of events above it over the number of events.
    """
    ranks = rankdata(scores)
    m, n = int(events.sum()), int((~events).sum())
    v10 = (ranks[events] - rankdata(scores[events])) / n
    v01 = 1.0 - (ranks[~events] - rankdata(scores[~events])) / m
    return float(v10.mean()), v10, v01


def auc_test(first: LogitResult, second: LogitResult, level: float = 0.95) -> AucTest:
    """DeLong's paired test that two models fitted to the same rows have the same AUC.

    Parameters
    ----------
    first, second : LogitResult
        Fits to the same rows with the same outcome (for example, nested models).
    level : float
        Confidence level of the difference's interval.

    Returns
    -------
    AucTest
    """
    one = _binary_rows(first, "paired AUC test")
    two = _binary_rows(second, "paired AUC test")
    if one.n_rows != two.n_rows or not np.array_equal(one.successes, two.successes):
        raise DataError(
            "The two models must be fitted to the same rows with the same outcome for a paired "
            f"test ({one.n_rows} and {two.n_rows} rows)."
        )
    events = one.successes == 1
    auc1, v10_1, v01_1 = _components(first.predict().to_numpy(), events)
    auc2, v10_2, v01_2 = _components(second.predict().to_numpy(), events)
    s10 = np.cov(np.vstack([v10_1, v10_2]))
    s01 = np.cov(np.vstack([v01_1, v01_2]))
    variance = (s10[0, 0] + s10[1, 1] - 2 * s10[0, 1]) / v10_1.size + (
        s01[0, 0] + s01[1, 1] - 2 * s01[0, 1]
    ) / v01_1.size
    difference = auc1 - auc2
    if not variance > 0:
        raise DataError("The two models rank the rows identically: their AUCs cannot differ.")
    std_error = float(np.sqrt(variance))
    z = difference / std_error
    half = float(stats.norm.ppf(0.5 + confidence_level(level) / 2)) * std_error
    p_value = float(2 * stats.norm.sf(abs(z)))
    return AucTest(
        auc1, auc2, difference, std_error, z, p_value, difference - half, difference + half, level
    )


def auc_interval(
    result: LogitResult, n_boot: int = 2000, seed: int | None = None, level: float = 0.95
) -> AucInterval:
    """Bootstrap the AUC's percentile interval, stratified by outcome, as pROC's ``ci.auc``.

    Parameters
    ----------
    result : LogitResult
    n_boot : int
        Number of resamples (pROC's ``boot.n``; 2000 by default, as pROC).
    seed : int, optional
        Seed of the resampling: the same seed gives the same interval.
    level : float
        Confidence level.

    Returns
    -------
    AucInterval
    """
    if not isinstance(n_boot, int | np.integer) or n_boot < 1:
        raise DataError(f"n_boot must be a positive whole number, got {n_boot!r}.")
    level = confidence_level(level)
    design = _binary_rows(result, "bootstrap AUC interval")
    scores = result.predict().to_numpy()
    events = design.successes == 1
    positive, negative = scores[events], scores[~events]
    rng = np.random.default_rng(seed)
    areas = np.empty(int(n_boot))
    flags = np.r_[np.ones(positive.size, dtype=bool), np.zeros(negative.size, dtype=bool)]
    for k in range(int(n_boot)):
        drawn = np.r_[
            positive[rng.integers(0, positive.size, positive.size)],
            negative[rng.integers(0, negative.size, negative.size)],
        ]
        areas[k] = concordance(drawn, flags)
    tail = (1.0 - level) / 2.0
    low, high = np.quantile(areas, [tail, 1.0 - tail])  # linear: R's type 7, as pROC
    return AucInterval(
        concordance(scores, events), float(low), float(high), level, int(n_boot), seed
    )
