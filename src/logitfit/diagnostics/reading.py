r"""A reading of a fit: short findings from documented thresholds, each with what to try next.

Each check states what it saw, compares it with a threshold whose source is named in the
finding itself, and says what a careful analyst would do. The checks (and their sources):

* events per parameter below 10 (Peduzzi et al. 1996, J. Clin. Epidemiol. 49(12));
* separation, found by the exact linear-programming check (Heinze & Schemper 2002, Stat. Med.
  21(16), for the remedy);
* a variance inflation factor above 10, i.e. :math:`\mathrm{GVIF}^{1/(2 df)} > \sqrt{10}`
  (Kutner, Nachtsheim, Neter & Li, *Applied Linear Statistical Models*, 5th ed., section 10.5);
* goodness-of-fit tests (Hosmer-Lemeshow, Stukel) with p below 0.05 (Hosmer, Lemeshow &
  Sturdivant, *Applied Logistic Regression*, 3rd ed., section 5.2);
* more binned residuals outside their band than chance allows: about 5% fall outside when the
  model fits (Gelman & Hill 2007, section 5.6), so the count is compared with the 0.99
  quantile of Binomial(bins, 0.05);
* a spline test of linearity with p below 0.05 (HL&S section 4.2);
* rows with :math:`\Delta X^2` above 3.84 or :math:`\Delta\hat\beta` above 1 (HL&S
  section 5.3; see :mod:`logitfit.diagnostics.influential`);
* an optimism-corrected calibration slope below 0.9 (Riley et al. 2020, BMJ 368:m441, who
  ask for a shrinkage factor of at least 0.9);
* fewer than 20 clusters behind a cluster-robust covariance (Cameron & Miller 2015, J. Human
  Resources 50(2)).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np
import pandas as pd
from scipy import stats

from logitfit.design.core import rows_in_memory
from logitfit.diagnostics.goodness import hosmer_lemeshow
from logitfit.diagnostics.influence import binned_residuals, variance_inflation
from logitfit.diagnostics.influential import CHI2_FLAG, DELTA_BETA_FLAG, influential_rows
from logitfit.diagnostics.linearity import LinearityTests
from logitfit.diagnostics.link_tests import stukel_test
from logitfit.diagnostics.performance_indices import INDICES
from logitfit.diagnostics.validation import Validation
from logitfit.inference.covariance import FEW_CLUSTERS
from logitfit.results.records import Record

if TYPE_CHECKING:
    from logitfit.results.result import LogitResult

__all__ = ["Reading", "reading"]

_EVENTS_PER_PARAMETER = 10.0
_VIF = 10.0
_ALPHA = 0.05
_SLOPE = 0.9
_HL_EXPECTED = 5.0


@dataclass(frozen=True)
class Reading(Record):
    """Findings about a fit, each with its basis and what to try next.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per check: ``topic``, ``flagged`` (bool), ``finding`` (what was seen, in a
        sentence) and ``next_step`` (empty when nothing is flagged).
    """

    title: ClassVar[str] = "A reading of the results"
    table: pd.DataFrame

    @property
    def ordered(self) -> pd.DataFrame:
        """The table with the flagged findings first (otherwise in the order of the checks)."""
        return self.table.sort_values("flagged", ascending=False, kind="stable")

    def sentences(self) -> list[str]:
        """Return each finding followed by its next step, flagged ones first.

        Returns
        -------
        list of str
        """
        rows = self.ordered.itertuples(index=False)
        return [f"{row.finding} {row.next_step}".strip() for row in rows]


def _events_per_parameter(result: LogitResult) -> tuple[bool, str, str]:
    design = result.design
    events, trials = design.n_events, design.n_trials
    if result.covariance.kind == "survey":
        # Sampling weights are not counts: events per parameter counts the rows.
        rows = rows_in_memory(design, "events per parameter")
        events, trials = float(rows.successes.sum()), float(rows.trials.sum())
    smaller = min(events, trials - events)
    parameters = max(design.n_params - (design.intercept_index is not None), 1)
    epv = smaller / parameters
    flagged = epv < _EVENTS_PER_PARAMETER
    finding = (
        f"Events per parameter: {epv:.1f} (the rarer outcome's {smaller:g} over {parameters} "
        f"coefficients), {'below' if flagged else 'at or above'} the 10 of Peduzzi et al. "
        "(1996)."
    )
    advice = (
        "Estimates and Wald intervals may be biased away from zero: fit fewer parameters, or "
        "Firth's penalised likelihood (method='firth'), and report profile intervals."
        if flagged
        else ""
    )
    return flagged, finding, advice


def _separation(result: LogitResult) -> tuple[bool, str, str]:
    if result.separation is None:
        return False, "Separation: none found by the exact linear-programming check.", ""
    return (
        True,
        f"Separation: {result.separation.kind}, by "
        f"{', '.join(result.separation.directions)}; some maximum-likelihood estimates are "
        "infinite.",
        "Refit with Firth's penalised likelihood (Heinze & Schemper 2002), whose estimates "
        "stay finite, and read its profile penalised-likelihood intervals.",
    )


def _collinearity(result: LogitResult) -> tuple[bool, str, str]:
    if result.design.n_params - (result.design.intercept_index is not None) < 2:
        return False, "Collinearity: one predictor term only.", ""
    # GVIF^(1/(2 df)) is the factor by which a term's confidence interval widens; above
    # sqrt(10) it is a VIF above 10 for a one-column term.
    vif = variance_inflation(result)["gvif_adjusted"]
    limit = float(np.sqrt(_VIF))
    large = vif.index[vif > limit]
    if len(large) == 0:
        return (
            False,
            f"Collinearity: the largest GVIF^(1/(2 df)) is {vif.max():.2f} ({vif.idxmax()}), "
            f"below {limit:.2f}, the square root of the VIF of 10 (Kutner et al. 2005).",
            "",
        )
    listed = ", ".join(f"{term} ({vif[term]:.2f})" for term in large)
    return (
        True,
        f"Collinearity: GVIF^(1/(2 df)) above {limit:.2f} (a VIF above 10; Kutner et al. "
        f"2005) for {listed}: their intervals are that many times wider than without the "
        "other predictors.",
        "Drop or combine nearly redundant predictors, or centre those that enter "
        "interactions or polynomials.",
    )


def _goodness(result: LogitResult) -> tuple[bool, str, str]:
    hl = hosmer_lemeshow(result)
    parts = [f"Hosmer-Lemeshow p = {hl.p_value:.4f}"]
    poor = [hl.p_value < _ALPHA]
    expected = hl.table[["expected_events", "expected_non_events"]].to_numpy()
    # HL&S (section 5.2): the chi-square reference needs expected counts of about 5.
    sparse = float(np.mean(expected < _HL_EXPECTED))
    if (
        result.separation is None
        and not result.likelihood.penalised
        and result.covariance.kind != "survey"
    ):
        stukel = float(stukel_test(result).table["p_value"].to_numpy()[1])  # the score test
        parts.append(f"Stukel's score test p = {stukel:.4f}")
        poor.append(stukel < _ALPHA)
    flagged = any(poor)
    finding = f"Goodness of fit: {', '.join(parts)} (HL&S section 5.2; flag below 0.05)."
    if sparse > 0.2:
        finding += (
            f" {sparse:.0%} of the Hosmer-Lemeshow cells expect fewer than 5 observations, so "
            "its p-value is only approximate (HL&S section 5.2)."
        )
    advice = (
        "Look for a missing interaction or a nonlinear term (see the linearity tests), or "
        "another link if Stukel's test rejects; with many rows these tests reject small "
        "departures, so read the calibration plot too."
        if flagged
        else ""
    )
    return flagged, finding, advice


def _binned(result: LogitResult) -> tuple[bool, str, str]:
    bins = binned_residuals(result)
    outside = int(np.sum(np.abs(bins["mean_residual"]) > bins["band"]))
    allowed = int(stats.binom.ppf(0.99, len(bins), _ALPHA))
    flagged = outside > allowed
    finding = (
        f"Binned residuals: {outside} of {len(bins)} bins ({outside / len(bins):.0%}) fall "
        f"outside their 95% band; chance alone puts at most {allowed} there 99% of the time "
        "(Gelman & Hill 2007, section 5.6)."
    )
    advice = (
        "The fitted probabilities are off in some range: plot the residuals against each "
        "predictor to find where."
        if flagged
        else ""
    )
    return flagged, finding, advice


def _linearity(linearity: LinearityTests | None) -> tuple[bool, str, str] | None:
    if linearity is None:
        return None
    table = linearity.table
    curved = table.index[table["p_value"] < _ALPHA]
    if len(curved) == 0:
        return (
            False,
            "Linearity in the logit: no spline test rejects a straight line at 0.05.",
            "",
        )
    listed = ", ".join(f"{name} (p = {table.loc[name, 'p_value']:.4f})" for name in curved)
    return (
        True,
        f"Linearity in the logit: the restricted cubic spline fits better for {listed} "
        "(HL&S section 4.2).",
        "Keep the spline (rcs-like terms) or a transformation for these predictors rather "
        "than a straight line.",
    )


def _influence(result: LogitResult) -> tuple[bool, str, str]:
    rows = influential_rows(result, top=3)
    counts = rows.flagged_counts
    worst = rows.table.index[:3]
    big_beta = counts["delta_beta"]
    flagged = big_beta > 0 or float(rows.table["delta_chi2"].max()) > 3 * CHI2_FLAG
    finding = (
        f"Influence: {counts['delta_chi2']} rows have a delta chi-square above 3.84 and "
        f"{big_beta} a delta beta above {DELTA_BETA_FLAG:g} (HL&S section 5.3); the largest "
        f"delta chi-square is {rows.table['delta_chi2'].iloc[0]:.1f}, at row "
        f"{rows.table.index[0]}."
    )
    advice = (
        f"Check rows {', '.join(map(str, worst))} for errors in the data, and refit without "
        "them to see how much the estimates move; keep them unless they are wrong."
        if flagged
        else ""
    )
    return flagged, finding, advice


def _calibration_slope(validation: Validation | None) -> tuple[bool, str, str] | None:
    if validation is None:
        return None
    slope = float(validation.table["index_corrected"].to_numpy()[INDICES.index("Slope")])
    flagged = slope < _SLOPE
    finding = (
        f"Optimism: the bootstrap-corrected calibration slope is {slope:.3f}; Riley et al. "
        "(2020) ask for at least 0.9."
    )
    advice = (
        "Predictions for new data would be too extreme: shrink the coefficients (multiply "
        "them by the corrected slope, or fit with a penalty), or use fewer parameters."
        if flagged
        else ""
    )
    return flagged, finding, advice


def _clusters(result: LogitResult) -> tuple[bool, str, str] | None:
    covariance = result.covariance
    if covariance.kind != "CR1":
        return None
    few = covariance.n_clusters < FEW_CLUSTERS
    finding = (
        f"Clusters: {covariance.n_clusters} behind the cluster-robust covariance "
        f"(Cameron & Miller 2015 warn below about {FEW_CLUSTERS})."
    )
    advice = (
        "Its standard errors are biased downwards: use a wild cluster bootstrap or report "
        "the model-based ones beside them."
        if few
        else ""
    )
    return few, finding, advice


def reading(
    result: LogitResult,
    validation: Validation | None = None,
    linearity: LinearityTests | None = None,
) -> Reading:
    """Read a fit against documented thresholds: what was seen and what to try next.

    Parameters
    ----------
    result : LogitResult
    validation : Validation, optional
        From :func:`logitfit.validate`: adds the check of the corrected calibration slope.
    linearity : LinearityTests, optional
        From :func:`logitfit.linearity_tests`: adds the check of linearity in the logit.

    Returns
    -------
    Reading
    """
    checks = {
        "events per parameter": _events_per_parameter(result),
        "separation": _separation(result),
        "collinearity": _collinearity(result),
        "goodness of fit": _goodness(result),
        "binned residuals": _binned(result),
        "linearity": _linearity(linearity),
        "influence": _influence(result),
        "calibration slope": _calibration_slope(validation),
        "clusters": _clusters(result),
    }
    rows = [
        {"topic": topic, "flagged": found[0], "finding": found[1], "next_step": found[2]}
        for topic, found in checks.items()
        if found is not None
    ]
    return Reading(table=pd.DataFrame(rows).set_index("topic"))
