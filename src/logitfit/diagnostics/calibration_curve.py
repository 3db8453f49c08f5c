r"""The bias-corrected calibration curve of ``rms::calibrate``, by the optimism bootstrap.

On a grid of 50 predicted risks (from the 5th smallest to the 5th largest prediction, as rms),
the calibration curve is the lowess smooth of the outcome on the predicted risk (R's
``lowess(p, y, iter = 0)``: span 2/3, no robustness iterations, ``delta`` 1% of the range),
interpolated at the grid. Its error is the curve minus the grid. For each bootstrap refit the
error is measured on the resample (training) and on the original rows (test); the optimism is
their mean difference, and the corrected curve is the apparent one minus the optimism
(``rms::calibrate.default``, rms 6.5).

Summaries, over the fitted probabilities :math:`p_i` with the corrected curve :math:`c(p)`
interpolated there (as ``print.calibrate``): the mean absolute error
:math:`\frac1n \sum |p_i - c(p_i)|`, the mean squared error, the 0.9 quantile of the absolute
error and its maximum (Emax). ICI, the integrated calibration index of Austin & Steyerberg
(2019, *Stat. Med.* 38(21)), is the mean absolute difference between each :math:`p_i` and the
*apparent* smooth at :math:`p_i`, with the same lowess smoother (they use loess).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy.special import expit

from logitfit.diagnostics.resampling import (
    Refitted,
    bootstrap,
    checked_design,
    draws,
    failures_note,
)
from logitfit.exceptions import DataError
from logitfit.results.records import Record

if TYPE_CHECKING:
    from collections.abc import Sequence

    from logitfit.results.result import LogitResult

__all__ = ["CalibrationCurve", "calibrate"]

_GRID_POINTS = 50


@dataclass(frozen=True)
class CalibrationCurve(Record):
    """Apparent and optimism-corrected calibration of the predicted risks.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per grid point: ``predicted``, ``apparent`` and ``corrected`` (the smoothed
        observed risk), ``optimism`` and ``n`` (the refits averaged).
    predictions : ndarray of shape (n,)
        The fitted probabilities (for the plot's rug).
    mean_absolute_error, mean_squared_error, quantile_90, emax : float
        Of the corrected curve over the fitted probabilities (as ``print.calibrate``).
    ici : float
        Austin & Steyerberg's integrated calibration index, of the apparent curve.
    n_resamples, n_failed : int
        Resamples drawn, and refits that failed (left out).
    failures : tuple of str
        Why each failed refit failed.
    seed : int or None
    """

    title: ClassVar[str] = "Bias-corrected calibration curve (as rms::calibrate)"
    table: pd.DataFrame
    predictions: NDArray[np.float64]
    mean_absolute_error: float
    mean_squared_error: float
    quantile_90: float
    emax: float
    ici: float
    n_resamples: int
    n_failed: int
    failures: tuple[str, ...]
    seed: int | None

    @property
    def note(self) -> str:
        """The failed refits in words, for ``summary()`` (empty when none failed)."""
        return failures_note(self.failures, self.n_resamples)


def _smooth(
    predicted: NDArray[np.float64], y: NDArray[np.float64], at: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Return R's ``approx(lowess(predicted, y, iter = 0), xout = at)``: NaN outside the data."""
    from statsmodels.nonparametric.smoothers_lowess import lowess  # imported on use

    delta = 0.01 * float(np.ptp(predicted))  # R's lowess default
    fitted = lowess(y, predicted, frac=2.0 / 3.0, it=0, delta=delta, return_sorted=True)
    xs, first = np.unique(fitted[:, 0], return_index=True)  # approx(ties = first)
    return np.interp(at, xs, fitted[first, 1], left=np.nan, right=np.nan)


def calibrate(
    result: LogitResult,
    n_boot: int = 200,
    seed: int | None = None,
    indices: Sequence[ArrayLike] | None = None,
    progress: bool = False,
) -> CalibrationCurve:
    """Estimate the bias-corrected calibration curve by the optimism bootstrap (rms::calibrate).

    Parameters
    ----------
    result : LogitResult
        A maximum-likelihood fit to binary rows in memory, without weights or offset.
    n_boot : int
        Number of bootstrap resamples (ignored with ``indices``).
    seed : int, optional
        Seed of the resampling: the same seed gives the same numbers.
    indices : sequence of array-like of int, optional
        The resamples' row numbers (0-based), as for :func:`logitfit.validate`.
    progress : bool
        Show a progress bar of the refits.

    Returns
    -------
    CalibrationCurve
    """
    design = checked_design(result, "bootstrap calibration curve")
    if design.n_rows < 11:
        raise DataError("The calibration curve needs more than 10 rows (its grid, as rms).")
    y = design.successes
    coef = result.coef.to_numpy()
    predicted = expit(design.X @ coef)
    ordered = np.sort(predicted)
    grid = np.linspace(ordered[4], ordered[-5], _GRID_POINTS)
    apparent = _smooth(predicted, y, grid)

    def measure(refitted: Refitted) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        refitted_predicted = expit(refitted.eta)
        rows = refitted.rows
        training = _smooth(refitted_predicted[rows], y[rows], grid) - grid
        test = _smooth(refitted_predicted, y, grid) - grid
        return training, test

    resamples = draws(design.n_rows, n_boot, seed, indices)
    kept, failures = bootstrap(design, coef, result.hessian, resamples, measure, progress)
    differences = np.array([training - test for training, test in kept])
    # A grid point outside a resample's predictions has no smooth there (NaN): rms counts a
    # resample at a point only where both of its measures exist.
    counted = ~np.isnan(differences)
    optimism = np.nansum(differences, axis=0) / np.maximum(counted.sum(axis=0), 1)
    optimism[counted.sum(axis=0) == 0] = np.nan
    corrected = apparent - optimism
    table = pd.DataFrame(
        {
            "predicted": grid,
            "apparent": apparent,
            "optimism": optimism,
            "corrected": corrected,
            "n": counted.sum(axis=0),
        }
    )
    usable = ~np.isnan(corrected)
    on_curve = np.interp(predicted, grid[usable], corrected[usable], left=np.nan, right=np.nan)
    error = np.abs(predicted - on_curve)
    error = error[~np.isnan(error)]
    ici = float(np.mean(np.abs(predicted - _smooth(predicted, y, predicted))))
    return CalibrationCurve(
        table=table,
        predictions=predicted,
        mean_absolute_error=float(np.mean(error)),
        mean_squared_error=float(np.mean(error**2)),
        quantile_90=float(np.quantile(error, 0.9)),
        emax=float(np.max(error)),
        ici=ici,
        n_resamples=len(kept) + len(failures),
        n_failed=len(failures),
        failures=tuple(failures),
        seed=seed if indices is None else None,
    )
