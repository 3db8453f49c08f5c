r"""Discrimination: ROC curve, AUC with DeLong's interval, and classification tables.

Observations are Bernoulli trials: a row with :math:`y_i` events in :math:`m_i` trials and
frequency weight :math:`w_i` adds :math:`w_i y_i` positives and :math:`w_i (m_i - y_i)`
negatives at its fitted probability. An observation is classified as an event when its fitted
probability is at least the cutoff (Stata's ``estat classification`` rule; statsmodels'
``pred_table`` uses "greater than").
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import stats

from logitfit.design.core import rows_in_memory
from logitfit.exceptions import DataError, UnverifiedWarning
from logitfit.results.records import Record

if TYPE_CHECKING:
    from logitfit.results.result import LogitResult

__all__ = [
    "Association",
    "Auc",
    "association",
    "auc",
    "classification_table",
    "roc_curve",
    "sensitivity_specificity",
]


def _score_masses(
    result: LogitResult,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Distinct fitted probabilities (ascending) with the positive and negative mass at each."""
    design = rows_in_memory(result.design, "ROC curve, AUC and classification table")
    mu = result.predict().to_numpy()
    scores, inverse = np.unique(mu, return_inverse=True)
    positives = np.bincount(inverse, design.weights * design.successes, len(scores))
    negatives = np.bincount(
        inverse, design.weights * (design.trials - design.successes), len(scores)
    )
    return scores, positives.astype(np.float64), negatives.astype(np.float64)


def roc_curve(result: LogitResult) -> pd.DataFrame:
    """Receiver operating characteristic curve of the fitted probabilities.

    Parameters
    ----------
    result : LogitResult

    Returns
    -------
    pandas.DataFrame
        ``threshold, false_positive_rate, true_positive_rate``, from (0, 0) at threshold
        ``inf`` to (1, 1) at the smallest fitted probability; a point per distinct probability.
    """
    scores, positives, negatives = _score_masses(result)
    # Classify as an event when mu >= threshold: sweep thresholds from the top down.
    true_positive = np.cumsum(positives[::-1]) / positives.sum()
    false_positive = np.cumsum(negatives[::-1]) / negatives.sum()
    return pd.DataFrame(
        {
            "threshold": np.r_[np.inf, scores[::-1]],
            "false_positive_rate": np.r_[0.0, false_positive],
            "true_positive_rate": np.r_[0.0, true_positive],
        }
    )


@dataclass(frozen=True)
class Association(Record):
    r"""Association of predicted probabilities and observed responses (SAS PROC LOGISTIC's table).

    Over the :math:`t` pairs of an event and a non-event observation, :math:`n_c` are concordant
    (the event has the higher fitted probability), :math:`n_d` discordant and the rest tied.
    With :math:`N` observations (SAS's "sum of observation frequencies"): Somers'
    :math:`D = (n_c - n_d) / t`, Goodman-Kruskal :math:`\gamma = (n_c - n_d) / (n_c + n_d)`,
    Kendall's :math:`\tau_a = (n_c - n_d) / (N (N - 1) / 2)` and
    :math:`c = (n_c + t_{\text{tied}} / 2) / t = (D + 1) / 2`, the AUC. SAS bins the
    probabilities into intervals of 0.002 by default (its ``BINWIDTH=``); these counts are
    exact (SAS's ``BINWIDTH=0``).

    Attributes
    ----------
    pairs, concordant, discordant, tied : float
        Pair counts (weighted by frequency weights; an events/trials row adds its events and
        non-events, which tie with each other).
    somers_d, gamma, tau_a, c : float
    n_obs : float
    """

    title: ClassVar[str] = "Association of predicted probabilities and observed responses"
    pairs: float
    concordant: float
    discordant: float
    tied: float
    somers_d: float
    gamma: float
    tau_a: float
    c: float
    n_obs: float

    @property
    def table(self) -> pd.DataFrame:
        """The counts as percentages of the pairs, and the four indices (SAS's layout)."""
        return pd.DataFrame(
            {
                "value": [
                    100.0 * self.concordant / self.pairs,
                    100.0 * self.discordant / self.pairs,
                    100.0 * self.tied / self.pairs,
                    self.pairs,
                    self.somers_d,
                    self.gamma,
                    self.tau_a,
                    self.c,
                ]
            },
            index=pd.Index(
                [
                    "Percent concordant",
                    "Percent discordant",
                    "Percent tied",
                    "Pairs",
                    "Somers' D",
                    "Gamma",
                    "Tau-a",
                    "c",
                ],
                name="statistic",
            ),
        )


def association(result: LogitResult) -> Association:
    """Concordant, discordant and tied pairs with Somers' D, gamma, tau-a and c (as SAS).

    Parameters
    ----------
    result : LogitResult

    Returns
    -------
    Association
    """
    scores, positives, negatives = _score_masses(result)
    events, non_events = float(positives.sum()), float(negatives.sum())
    if events == 0 or non_events == 0:
        raise DataError("The association of predictions and responses needs both outcomes.")
    below = np.cumsum(negatives) - negatives  # non-event mass at lower fitted probabilities
    concordant = float(positives @ below)
    tied = float(positives @ negatives)
    pairs = events * non_events
    above = np.cumsum(negatives[::-1])[::-1] - negatives  # ... and at higher ones
    discordant = float(positives @ above)
    n_obs = events + non_events
    difference = concordant - discordant
    if concordant + discordant == 0:
        warnings.warn(
            "Goodman-Kruskal gamma is NaN: every pair of an event and a non-event is tied.",
            UnverifiedWarning,
            stacklevel=2,
        )
    return Association(
        pairs=pairs,
        concordant=concordant,
        discordant=discordant,
        tied=tied,
        somers_d=difference / pairs,
        gamma=difference / (concordant + discordant) if concordant + discordant else np.nan,
        tau_a=difference / (n_obs * (n_obs - 1.0) / 2.0),
        c=(concordant + 0.5 * tied) / pairs,
        n_obs=n_obs,
    )


@dataclass(frozen=True)
class Auc(Record):
    r"""Area under the ROC curve with DeLong's standard error.

    Attributes
    ----------
    auc : float
        :math:`P(\mu_+ > \mu_-) + \tfrac12 P(\mu_+ = \mu_-)`, the Mann-Whitney statistic.
    std_error : float
        DeLong, DeLong & Clarke-Pearson (1988), Biometrics 44(3):
        :math:`\sqrt{S_{10} / n_+ + S_{01} / n_-}` from the structural components.
    conf_low, conf_high : float
        :math:`\mathrm{AUC} \pm z_{1-\alpha/2}\, \mathrm{se}`, truncated to [0, 1]
        (the interval of R's ``pROC::ci.auc(method = "delong")``).
    level : float
    """

    title: ClassVar[str] = "Area under the ROC curve (DeLong interval)"
    auc: float
    std_error: float
    conf_low: float
    conf_high: float
    level: float


@dataclass(frozen=True)
class Classification(Record):
    """Classification of the fitted rows at one cutoff.

    Attributes
    ----------
    cutoff : float
        A row is predicted an event when its fitted probability is at least ``cutoff``.
    true_positive, false_negative, false_positive, true_negative : float
        Weighted counts (trials for events/trials data).
    sensitivity, specificity, ppv, npv, accuracy : float
        The rates (NaN when a denominator is empty).
    """

    title: ClassVar[str] = "Classification table"
    cutoff: float
    true_positive: float
    false_negative: float
    false_positive: float
    true_negative: float
    sensitivity: float
    specificity: float
    ppv: float
    npv: float
    accuracy: float


def _weighted_variance(values: NDArray[np.float64], mass: NDArray[np.float64]) -> float:
    """Sample variance (denominator ``sum(mass) - 1``) of values counted ``mass`` times."""
    total = mass.sum()
    mean = float(mass @ values / total)
    return float(mass @ (values - mean) ** 2 / (total - 1))


def auc(result: LogitResult, level: float = 0.95) -> Auc:
    """Area under the ROC curve with a DeLong confidence interval.

    Parameters
    ----------
    result : LogitResult
    level : float
        Confidence level.

    Returns
    -------
    Auc
    """
    scores, positives, negatives = _score_masses(result)
    n_positive, n_negative = positives.sum(), negatives.sum()
    if n_positive < 2 or n_negative < 2:
        raise DataError("DeLong's interval needs at least two events and two non-events.")
    negatives_below = np.cumsum(negatives) - negatives
    positives_above = positives[::-1].cumsum()[::-1] - positives
    # Structural components: for a positive at score s, the share of negatives it outranks
    # (ties count one half); for a negative, the share of positives that outrank it.
    v10 = (negatives_below + 0.5 * negatives) / n_negative
    v01 = (positives_above + 0.5 * positives) / n_positive
    area = float(positives @ v10 / n_positive)
    variance = (
        _weighted_variance(v10, positives) / n_positive
        + _weighted_variance(v01, negatives) / n_negative
    )
    std_error = float(np.sqrt(variance))
    half = float(stats.norm.ppf(0.5 + level / 2)) * std_error
    return Auc(area, std_error, max(area - half, 0.0), min(area + half, 1.0), level)


def classification_table(result: LogitResult, cutoff: float = 0.5) -> Classification:
    """Classification at a cutoff: counts, sensitivity, specificity, PPV, NPV, accuracy.

    Parameters
    ----------
    result : LogitResult
    cutoff : float
        An observation is predicted an event when its fitted probability is >= ``cutoff``.

    Returns
    -------
    Classification
    """
    if not 0.0 <= cutoff <= 1.0:
        raise DataError(f"The cutoff must lie in [0, 1], got {cutoff}.")
    row = sensitivity_specificity(result, [cutoff]).iloc[0]
    return Classification(float(cutoff), **{str(name): float(value) for name, value in row.items()})


def sensitivity_specificity(
    result: LogitResult, cutoffs: Sequence[float] | NDArray[np.float64] | None = None
) -> pd.DataFrame:
    """Classification counts and rates across cutoffs.

    Parameters
    ----------
    result : LogitResult
    cutoffs : sequence of float, optional
        Default: 0, 0.01, ..., 1.

    Returns
    -------
    pandas.DataFrame
        One row per cutoff (the index), with the fields of :class:`Classification`.
    """
    grid = np.linspace(0.0, 1.0, 101) if cutoffs is None else np.asarray(cutoffs, dtype=float)
    scores, positives, negatives = _score_masses(result)
    # Mass at scores >= cutoff: suffix sums over the ascending scores.
    positive_at_or_above = np.r_[positives[::-1].cumsum()[::-1], 0.0]
    negative_at_or_above = np.r_[negatives[::-1].cumsum()[::-1], 0.0]
    first = np.searchsorted(scores, grid, side="left")
    tp, fp = positive_at_or_above[first], negative_at_or_above[first]
    fn, tn = positives.sum() - tp, negatives.sum() - fp
    with np.errstate(invalid="ignore", divide="ignore"):
        return pd.DataFrame(
            {
                "cutoff": grid,
                "true_positive": tp,
                "false_negative": fn,
                "false_positive": fp,
                "true_negative": tn,
                "sensitivity": tp / (tp + fn),
                "specificity": tn / (tn + fp),
                "ppv": np.where(tp + fp > 0, tp / np.where(tp + fp > 0, tp + fp, 1), np.nan),
                "npv": np.where(tn + fn > 0, tn / np.where(tn + fn > 0, tn + fn, 1), np.nan),
                "accuracy": (tp + tn) / (tp + tn + fp + fn),
            }
        ).set_index("cutoff")
