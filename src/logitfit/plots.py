"""Matplotlib figures of a fitted model's diagnostics.

Each function draws numbers that the library exposes (no statistic is computed here), labels
its axes, and returns the Figure without showing it, so scripts and reports decide what to do
with it. Figures are built with ``matplotlib.figure.Figure`` directly, so no GUI backend or
global ``pyplot`` state is involved.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure

from logitfit.diagnostics.calibration import calibration
from logitfit.diagnostics.discrimination import auc, roc_curve, sensitivity_specificity
from logitfit.diagnostics.influence import binned_residuals, covariate_patterns, influence
from logitfit.exceptions import DataError

if TYPE_CHECKING:
    from logitfit.diagnostics.calibration_curve import CalibrationCurve
    from logitfit.diagnostics.linearity import LinearityTests
    from logitfit.inference.odds_ratios import OddsRatios
    from logitfit.results.result import LogitResult

__all__ = [
    "plot_binned_residuals",
    "plot_calibration",
    "plot_calibration_curve",
    "plot_classification_cutoffs",
    "plot_coefficients",
    "plot_influence",
    "plot_leverage",
    "plot_linearity",
    "plot_odds_ratios",
    "plot_roc",
]

_SIZE = (6.0, 4.5)


def plot_roc(result: LogitResult) -> Figure:
    """ROC curve with the AUC and its DeLong interval in the legend.

    Parameters
    ----------
    result : LogitResult

    Returns
    -------
    matplotlib.figure.Figure
    """
    curve, area = roc_curve(result), auc(result)
    figure = Figure(figsize=_SIZE, layout="constrained")
    axes = figure.add_subplot()
    axes.plot(
        curve["false_positive_rate"],
        curve["true_positive_rate"],
        drawstyle="steps-post",
        label=f"AUC {area.auc:.3f} (95% CI {area.conf_low:.3f} to {area.conf_high:.3f})",
    )
    axes.plot([0, 1], [0, 1], linestyle=":", color="grey", label="chance")
    axes.set(xlabel="False positive rate (1 - specificity)", ylabel="True positive rate")
    axes.set(xlim=(0, 1), ylim=(0, 1.01), aspect="equal")
    axes.legend(loc="lower right")
    return figure


def plot_calibration(result: LogitResult, groups: int = 10) -> Figure:
    """Observed event rate against mean predicted probability per risk group.

    Parameters
    ----------
    result : LogitResult
    groups : int
        Number of risk groups.

    Returns
    -------
    matplotlib.figure.Figure
    """
    calib = calibration(result, groups)
    table = calib.table
    figure = Figure(figsize=_SIZE, layout="constrained")
    axes = figure.add_subplot()
    axes.plot([0, 1], [0, 1], linestyle=":", color="grey", label="perfect calibration")
    axes.plot(
        table["mean_predicted"],
        table["observed_rate"],
        marker="o",
        label=f"risk groups (Brier {calib.brier:.3f})",
    )
    axes.set(xlabel="Mean predicted probability", ylabel="Observed event rate")
    axes.set(xlim=(0, 1), ylim=(0, 1), aspect="equal")
    axes.legend(loc="upper left")
    return figure


def plot_calibration_curve(curve: CalibrationCurve) -> Figure:
    """Plot the bias-corrected calibration curve (as rms::calibrate), with a rug of predictions.

    Parameters
    ----------
    curve : CalibrationCurve
        From :func:`logitfit.calibrate`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    table = curve.table
    figure = Figure(figsize=_SIZE, layout="constrained")
    axes = figure.add_subplot()
    axes.plot([0, 1], [0, 1], linestyle=":", color="grey", label="ideal")
    axes.plot(table["predicted"], table["apparent"], linestyle="--", label="apparent")
    axes.plot(
        table["predicted"],
        table["corrected"],
        label=f"bias-corrected ({curve.n_resamples - curve.n_failed} refits)",
    )
    # The rug: one tick per prediction, along the bottom of the axes.
    axes.plot(
        curve.predictions,
        np.zeros_like(curve.predictions),
        linestyle="none",
        marker="|",
        markersize=8,
        color="black",
        alpha=0.3,
    )
    axes.set(xlabel="Predicted probability", ylabel="Observed probability (lowess)")
    axes.set(xlim=(0, 1), ylim=(0, 1), aspect="equal")
    axes.legend(loc="upper left")
    return figure


def plot_binned_residuals(result: LogitResult, bins: int | None = None) -> Figure:
    """Mean residual per bin of fitted probability, with the model's 2-standard-error band.

    Parameters
    ----------
    result : LogitResult
    bins : int, optional
        Number of bins (see :func:`logitfit.diagnostics.influence.binned_residuals`).

    Returns
    -------
    matplotlib.figure.Figure
    """
    table = binned_residuals(result, bins)
    figure = Figure(figsize=_SIZE, layout="constrained")
    axes = figure.add_subplot()
    axes.axhline(0.0, color="grey", linewidth=0.8)
    axes.plot(table["mean_fitted"], table["band"], color="grey", linestyle="--", label="±2 SE")
    axes.plot(table["mean_fitted"], -table["band"], color="grey", linestyle="--")
    axes.scatter(table["mean_fitted"], table["mean_residual"], s=18, label="bin mean")
    axes.set(xlabel="Mean fitted probability in bin", ylabel="Mean residual (observed - fitted)")
    axes.legend(loc="best")
    return figure


def plot_influence(result: LogitResult) -> Figure:
    """Delta chi-square against fitted probability, point area proportional to Delta beta-hat.

    The plot of Hosmer, Lemeshow & Sturdivant (3rd ed., figure 5.8), over covariate patterns.

    Parameters
    ----------
    result : LogitResult

    Returns
    -------
    matplotlib.figure.Figure
    """
    table = covariate_patterns(result).table
    sizes = 10 + 200 * table["delta_beta"] / max(float(table["delta_beta"].max()), 1e-300)
    figure = Figure(figsize=_SIZE, layout="constrained")
    axes = figure.add_subplot()
    axes.scatter(table["fitted"], table["delta_chi2"], s=sizes, alpha=0.5, edgecolor="black")
    axes.axhline(3.84, color="grey", linestyle=":", label="3.84 (chi-square 1 df, 95%)")
    axes.set(xlabel="Fitted probability", ylabel="Δχ² (point size: Δβ̂)")
    # Room beyond 0, 1 and the largest value, so that the extreme points are drawn whole.
    top = float(table["delta_chi2"].max())
    axes.set(xlim=(-0.04, 1.04), ylim=(-0.04 * top, 1.1 * top))
    axes.legend(loc="upper center")
    return figure


def plot_leverage(result: LogitResult) -> Figure:
    """Leverage against fitted probability, with the 2p/n and 3p/n reference lines.

    Parameters
    ----------
    result : LogitResult

    Returns
    -------
    matplotlib.figure.Figure
    """
    table = influence(result)
    average = result.n_params / result.n_obs
    figure = Figure(figsize=_SIZE, layout="constrained")
    axes = figure.add_subplot()
    axes.scatter(table["fitted"], table["leverage"], s=12, alpha=0.6)
    for multiple, style in ((2, "--"), (3, ":")):
        axes.axhline(multiple * average, color="grey", linestyle=style, label=f"{multiple}p/n")
    axes.set(xlabel="Fitted probability", ylabel="Leverage (hat value)", xlim=(0, 1))
    axes.legend(loc="upper center")
    return figure


def plot_coefficients(result: LogitResult, level: float = 0.95, odds_ratio: bool = True) -> Figure:
    """Forest plot of the coefficients (or odds ratios) with their Wald intervals.

    Parameters
    ----------
    result : LogitResult
    level : float
        Confidence level.
    odds_ratio : bool
        Plot odds ratios on a log axis (default) instead of coefficients.

    Returns
    -------
    matplotlib.figure.Figure
    """
    table = result.to_frame(level)
    if result.design.intercept_index is not None:
        table = table.drop(index=result.design.intercept_index)
    prefix = "odds_ratio" if odds_ratio else "conf"
    centre = table["odds_ratio" if odds_ratio else "coef"].to_numpy()
    low = table[f"{prefix}_low"].to_numpy()
    high = table[f"{prefix}_high"].to_numpy()
    rows = np.arange(len(table))[::-1]
    figure = Figure(figsize=(_SIZE[0], 1.2 + 0.4 * len(table)), layout="constrained")
    axes = figure.add_subplot()
    axes.errorbar(centre, rows, xerr=[centre - low, high - centre], fmt="o", capsize=3)
    axes.axvline(1.0 if odds_ratio else 0.0, color="grey", linestyle=":")
    if odds_ratio:
        axes.set_xscale("log")
    axes.set_yticks(rows, table["term"].tolist())
    label = "Odds ratio" if odds_ratio else "Coefficient"
    axes.set(xlabel=f"{label} with {level:.0%} Wald interval")
    return figure


def plot_odds_ratios(odds: OddsRatios, interval: str = "profile") -> Figure:
    """Forest plot of odds ratios for their stated changes, on a log axis.

    Parameters
    ----------
    odds : OddsRatios
        From :func:`logitfit.odds_ratios` (its comparisons label the rows).
    interval : {"profile", "wald"}
        Which interval to draw.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if interval not in ("profile", "wald"):
        raise DataError(f"interval must be 'profile' or 'wald', got {interval!r}.")
    table = odds.table
    centre = table["odds_ratio"].to_numpy()
    low = table[f"{interval}_low"].to_numpy()
    high = table[f"{interval}_high"].to_numpy()
    rows = np.arange(len(table))[::-1]
    labels = [
        f"{name}: {comparison}" if comparison != "per unit" else name
        for name, comparison in zip(table.index, table["comparison"], strict=True)
    ]
    figure = Figure(figsize=(_SIZE[0] + 1.5, 1.2 + 0.4 * len(table)), layout="constrained")
    axes = figure.add_subplot()
    axes.errorbar(centre, rows, xerr=[centre - low, high - centre], fmt="o", capsize=3)
    axes.axvline(1.0, color="grey", linestyle=":")
    axes.set_xscale("log")
    axes.set_yticks(rows, labels)
    kind = "profile-likelihood" if interval == "profile" else "Wald"
    axes.set(xlabel=f"Odds ratio, {odds.level:.0%} {kind} interval (log scale)")
    return figure


def plot_classification_cutoffs(result: LogitResult, cutoff: float | None = None) -> Figure:
    """Sensitivity, specificity and the predictive values against the cutoff (Stata's lsens).

    Parameters
    ----------
    result : LogitResult
    cutoff : float, optional
        A cutoff to mark with a vertical line.

    Returns
    -------
    matplotlib.figure.Figure
    """
    table = sensitivity_specificity(result)
    figure = Figure(figsize=_SIZE, layout="constrained")
    axes = figure.add_subplot()
    for column, label, style in (
        ("sensitivity", "sensitivity", "-"),
        ("specificity", "specificity", "--"),
        ("ppv", "positive predictive value", "-."),
        ("npv", "negative predictive value", ":"),
    ):
        axes.plot(table.index, table[column], linestyle=style, label=label)
    if cutoff is not None:
        axes.axvline(cutoff, color="grey", linewidth=0.8)
    axes.set(xlabel="Cutoff (predicted an event when the probability is at least this)")
    axes.set(ylabel="Proportion", xlim=(0, 1), ylim=(0, 1.02))
    axes.legend(loc="lower center", fontsize="small")
    return figure


def plot_linearity(linearity: LinearityTests) -> Figure:
    """Each continuous predictor's spline and linear terms in the logit, one panel each.

    Parameters
    ----------
    linearity : LinearityTests
        From :func:`logitfit.linearity_tests`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    names = list(linearity.curves)
    columns = min(2, len(names))
    rows = int(np.ceil(len(names) / columns))
    figure = Figure(figsize=(_SIZE[0] + 1.0, 2.6 * rows), layout="constrained")
    for k, name in enumerate(names):
        axes = figure.add_subplot(rows, columns, k + 1)
        curve = linearity.curves[name]
        axes.plot(curve["x"], curve["spline"], label="restricted cubic spline")
        axes.plot(curve["x"], curve["linear"], linestyle="--", label="linear")
        p_value = float(linearity.table["p_value"].to_numpy()[k])
        axes.set_title(f"{name} (nonlinearity p = {p_value:.3g})", fontsize="medium")
        axes.set(xlabel=name, ylabel="Change in logit")
        if k == 0:
            axes.legend(fontsize="small")
    return figure
