"""Every figure: a Figure with labelled axes that draws the library's own numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from numpy.testing import assert_allclose

import logitfit
from logitfit import plots
from tests.conftest import PENGUIN_FORMULA


@pytest.fixture(scope="module")
def result(penguins: pd.DataFrame) -> logitfit.LogitResult:
    return logitfit.fit(PENGUIN_FORMULA, penguins, missing="drop")


@pytest.mark.parametrize(
    "name",
    [
        "plot_roc",
        "plot_calibration",
        "plot_binned_residuals",
        "plot_influence",
        "plot_leverage",
        "plot_coefficients",
    ],  # fmt: skip
)
def test_figure_has_labelled_axes_and_renders(
    result: logitfit.LogitResult, name: str, tmp_path
) -> None:
    figure = getattr(plots, name)(result)
    assert isinstance(figure, Figure)
    axes = figure.axes[0]
    assert axes.get_xlabel() and (axes.get_ylabel() or name == "plot_coefficients")
    figure.savefig(tmp_path / f"{name}.png")
    assert (tmp_path / f"{name}.png").stat().st_size > 5_000


def test_roc_plot_draws_the_roc_curve(result: logitfit.LogitResult) -> None:
    line = plots.plot_roc(result).axes[0].lines[0]
    curve = logitfit.roc_curve(result)
    assert_allclose(line.get_xdata(), curve["false_positive_rate"])
    assert_allclose(line.get_ydata(), curve["true_positive_rate"])
    assert f"{logitfit.auc(result).auc:.3f}" in line.get_label()


def test_calibration_and_influence_plots_draw_library_numbers(result: logitfit.LogitResult) -> None:
    line = plots.plot_calibration(result).axes[0].lines[1]
    table = logitfit.calibration(result).table
    assert_allclose(line.get_ydata(), table["observed_rate"])
    points = plots.plot_influence(result).axes[0].collections[0].get_offsets()
    patterns = logitfit.covariate_patterns(result).table
    assert_allclose(np.asarray(points), patterns[["fitted", "delta_chi2"]].to_numpy())


def test_coefficient_plot_lists_terms_without_intercept(result: logitfit.LogitResult) -> None:
    axes = plots.plot_coefficients(result).axes[0]
    labels = [tick.get_text() for tick in axes.get_yticklabels()]
    assert labels == list(result.names[1:])  # first term at the top


def test_calibration_curve_plot_draws_the_curve_it_is_given(result: logitfit.LogitResult) -> None:
    curve = logitfit.calibrate(result, n_boot=10, seed=2)
    lines = plots.plot_calibration_curve(curve).axes[0].lines
    ideal, apparent, corrected, rug = lines
    np.testing.assert_array_equal(corrected.get_ydata(), curve.table["corrected"])
    np.testing.assert_array_equal(apparent.get_ydata(), curve.table["apparent"])
    assert len(rug.get_xdata()) == result.design.n_rows and "refits" in corrected.get_label()


def test_reviewer_plots_draw_the_records_they_are_given(result: logitfit.LogitResult) -> None:
    odds = logitfit.odds_ratios(result, units="iqr")
    axes = plots.plot_odds_ratios(odds).axes[0]
    assert_allclose(axes.lines[0].get_xdata(), odds.table["odds_ratio"].to_numpy())
    assert "Chinstrap vs Adelie" in " ".join(t.get_text() for t in axes.get_yticklabels())
    assert axes.get_xscale() == "log"
    lsens = plots.plot_classification_cutoffs(result, cutoff=0.5).axes[0]
    table = logitfit.sensitivity_specificity(result)
    assert_allclose(lsens.lines[0].get_ydata(), table["sensitivity"].to_numpy())
    linearity = logitfit.linearity_tests(result)
    panels = plots.plot_linearity(linearity).axes
    assert len(panels) == len(linearity.table)
    first = next(iter(linearity.curves.values()))
    assert_allclose(panels[0].lines[0].get_ydata(), first["spline"].to_numpy())
    with pytest.raises(logitfit.DataError, match="interval must be"):
        plots.plot_odds_ratios(odds, interval="score")
