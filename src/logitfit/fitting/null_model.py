"""The null model: intercept only (with any offset), or the offset alone without an intercept.

Its deviance is in closed form for binary data without offset (with an intercept or without
one), one pass at the closed-form estimate for events/trials data, and a Newton refit with an
offset; a refit that does not converge gives NaN with a ConvergenceWarning.
"""

from __future__ import annotations

import dataclasses
import warnings
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray
from scipy.special import xlogy

from logitfit.design.core import Design, intercept_only
from logitfit.exceptions import ConvergenceWarning
from logitfit.likelihood.logistic import evaluate, logit_rate
from logitfit.solvers import newton

if TYPE_CHECKING:
    from logitfit.design.source import RowSource

__all__ = ["binary_null_deviance", "null_deviance", "null_rate_coef", "unverified_null"]


def null_rate_coef(design: RowSource) -> NDArray[np.float64]:
    """Return the intercept-only MLE without offset, ``logit(E / N)``, as a 1-vector."""
    return np.array([logit_rate(design)])


def binary_null_deviance(design: RowSource) -> float | None:
    """Deviance of the intercept-only model of binary data without offset, in closed form.

    The intercept-only MLE is the event rate, and with one trial per row the saturated model's
    log-likelihood is 0, so the deviance is ``-2 [E log(rate) + (N - E) log(1 - rate)]``: no
    pass over the rows and no cancellation. None for events/trials data, whose deviance is a sum
    of unit deviances (one pass at the closed-form estimate).
    """
    if not design.is_binary:
        return None
    events, total = design.n_events, design.n_trials
    rate = events / total
    return float(-2.0 * (xlogy(events, rate) + xlogy(total - events, 1.0 - rate)))


def unverified_null(message: str) -> float:
    """Warn that the null model's refit failed and return NaN for its deviance."""
    warnings.warn(
        f"The null model (intercept and offset only) could not be fitted: {message}. The null "
        "deviance, the likelihood-ratio test against it and the pseudo-R2 are NaN.",
        ConvergenceWarning,
        stacklevel=4,
    )
    return float("nan")


def null_deviance(design: Design) -> float:
    """Deviance of the null model: intercept only (with any offset), or offset only without one.

    As R's ``glm``: with an intercept the null model is refitted (the offset makes it iterative);
    without one it is ``eta = offset``. statsmodels' ``Logit.llnull`` fits a constant even when
    the model has none, so the two agree only for models with an intercept. A refit that does
    not converge gives NaN with a ConvergenceWarning, never its last iterate.
    """
    if design.intercept_index is None:
        if design.is_binary and not design.has_offset:
            # eta = 0: mu = 1/2 on every row, whose unit deviance is then 2 log 2 whatever y
            # is; the total is exact without a pass over the rows.
            return float(2.0 * np.log(2.0) * design.n_obs)
        null = dataclasses.replace(design, X=np.zeros((design.n_rows, 0)), names=())
        return evaluate(np.zeros(0), null, with_hessian=False).deviance
    if not design.has_offset:
        closed = binary_null_deviance(design)
        if closed is not None:
            return closed
        return evaluate(null_rate_coef(design), intercept_only(design), False).deviance
    null = intercept_only(design)
    solution = newton(lambda c, h: evaluate(c, null, h), null_rate_coef(design))
    if not solution.converged:
        return unverified_null(solution.message)
    return solution.evaluation.deviance
