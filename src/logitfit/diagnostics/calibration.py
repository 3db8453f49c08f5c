"""Calibration of the fitted probabilities: a binned table, the calibration intercept and slope.

The groups are those of the Hosmer-Lemeshow test
(:func:`logitfit.diagnostics.goodness.risk_groups`); the intercept and slope are the coefficients
of auxiliary logistic models of the outcome on the linear predictor (Cox 1958; Steyerberg,
*Clinical Prediction Models*, 2nd ed., section 15.3), each refit checked for convergence.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from logitfit.design.core import Design, intercept_only, rows_in_memory
from logitfit.diagnostics.goodness import Grouping, brier_score, risk_groups
from logitfit.inference.profile import ml_refit, warn_unverified
from logitfit.results.records import Record

if TYPE_CHECKING:
    from logitfit.results.result import LogitResult

__all__ = ["Calibration", "calibration"]


def _refit(design: Design, what: str) -> NDArray[np.float64]:
    """Maximum-likelihood coefficients of an auxiliary model; NaN (warned) if it fails."""
    refit = ml_refit(design)
    if not refit.ok:
        warn_unverified(f"The calibration {what}", refit.message)
        return np.full(design.n_params, np.nan)
    return refit.coef


@dataclass(frozen=True)
class Calibration(Record):
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

    title: ClassVar[str] = "Calibration of the fitted probabilities"
    table: pd.DataFrame
    intercept: float
    slope: float
    brier: float


def calibration(
    result: LogitResult, groups: int = 10, *, grouping: Grouping = "stata"
) -> Calibration:
    """Binned observed-versus-predicted table, calibration intercept and slope, Brier score.

    Parameters
    ----------
    result : LogitResult
    groups : int
        Number of risk groups asked for.
    grouping : {"stata", "hoslem"}
        How the groups are formed, as for :func:`risk_groups` (the same groups).

    Returns
    -------
    Calibration
    """
    design = rows_in_memory(result.design, "calibration table")
    membership = risk_groups(result, groups, grouping=grouping)
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
    intercept = float(_refit(in_the_large, "intercept")[0])
    slope = float(_refit(on_slope, "slope")[1])
    return Calibration(table, intercept, slope, brier_score(result))
