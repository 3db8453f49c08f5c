r"""Is each continuous predictor linear in the logit? A restricted cubic spline against a line.

Hosmer, Lemeshow & Sturdivant (*Applied Logistic Regression*, 3rd ed., section 4.2) check the
scale of each continuous covariate before trusting a linear term; Harrell (*Regression Modeling
Strategies*, 2nd ed., section 2.4.5) does it with a restricted cubic spline. For each
continuous predictor (a numeric data column entered alone and in no interaction) the model is
refitted with the spline's :math:`k - 2` nonlinear columns added (knots as
:func:`logitfit.design.splines.harrell_knots`, 4 by default as ``rms::rcs``), and the
likelihood ratio of the two fits is referred to :math:`\chi^2_{k-2}`: rms's
``lrtest(linear, spline)``. Each refit must converge, or its test is NaN with a warning.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np
import pandas as pd
from scipy import stats

from logitfit.design.core import rows_in_memory
from logitfit.design.splines import harrell_knots, restricted_cubic_basis
from logitfit.design.term_kinds import continuous_columns
from logitfit.exceptions import DataError
from logitfit.inference.profile import ml_refit, warn_unverified
from logitfit.results.records import Record

if TYPE_CHECKING:
    from logitfit.results.result import LogitResult

__all__ = ["LinearityTests", "linearity_tests"]

_CURVE_POINTS = 101


@dataclass(frozen=True)
class LinearityTests(Record):
    """Likelihood-ratio tests of a restricted cubic spline against a linear term, per predictor.

    Attributes
    ----------
    table : pandas.DataFrame
        Indexed by predictor: ``knots`` (as text), ``df``, ``lr_stat``, ``p_value``,
        ``converged``.
    curves : dict of str to pandas.DataFrame
        Per predictor, on a grid over its range: ``x``, ``linear`` and ``spline``, each term's
        contribution to the logit relative to its value at the median.
    note : str
        The predictors left out and why.
    """

    title: ClassVar[str] = "Linearity in the logit: restricted cubic spline against a line"
    table: pd.DataFrame
    curves: dict[str, pd.DataFrame]
    note: str


def linearity_tests(result: LogitResult, n_knots: int = 4) -> LinearityTests:
    """Test each continuous predictor's linearity in the logit with a restricted cubic spline.

    Parameters
    ----------
    result : LogitResult
        A maximum-likelihood fit, rows in memory.
    n_knots : int
        Knots of each spline (3 to 7): ``n_knots - 2`` degrees of freedom per test.

    Returns
    -------
    LinearityTests

    Warns
    -----
    UnverifiedWarning
        When a spline refit does not converge: its test is NaN.
    """
    result.likelihood.require("maximum_likelihood", what="The linearity tests")
    design = rows_in_memory(result.design, "linearity tests (a refit per predictor)")
    coef = result.coef.to_numpy()
    rows, curves, skipped = [], {}, []
    for name in continuous_columns(design):
        j = design.names.index(name)
        x = design.X[:, j]
        try:
            knots = harrell_knots(x, n_knots)
        except DataError as error:
            skipped.append(f"{name}, as {str(error).rstrip('.')}")
            continue
        basis = restricted_cubic_basis(x, knots)
        augmented = dataclasses.replace(
            design,
            X=np.hstack([design.X, basis]),
            names=(*design.names, *(f"{name}'{k}" for k in range(1, n_knots - 1))),
        )
        refit = ml_refit(augmented, start=np.r_[coef, np.zeros(n_knots - 2)])
        if refit.ok:
            statistic = max(result.deviance - refit.value, 0.0)
        else:
            warn_unverified(f"The linearity test of {name}", f"the spline refit ({refit.message})")
            statistic = float("nan")
        rows.append(
            {
                "predictor": name,
                "knots": ", ".join(f"{t:.4g}" for t in knots),
                "df": n_knots - 2,
                "lr_stat": statistic,
                "p_value": float(stats.chi2.sf(statistic, n_knots - 2)),
                "converged": refit.ok,
            }
        )
        grid = np.linspace(x.min(), x.max(), _CURVE_POINTS)
        centre = float(np.median(x))
        spline_coef = refit.coef[[j, *range(design.n_params, augmented.n_params)]]

        points = np.r_[grid, centre]
        spline = np.column_stack([points, restricted_cubic_basis(points, knots)]) @ spline_coef
        curves[name] = pd.DataFrame(
            {
                "x": grid,
                "linear": coef[j] * (grid - centre),
                "spline": spline[:-1] - spline[-1] if refit.ok else np.nan,
            }
        )
    if not rows:
        raise DataError(
            "The model has no continuous predictor to test for linearity (a numeric column "
            "entered alone and in no interaction)."
        )
    table = pd.DataFrame(rows).set_index("predictor")
    note = f"Not tested: {'; '.join(skipped)}." if skipped else ""
    return LinearityTests(table=table, curves=curves, note=note)
