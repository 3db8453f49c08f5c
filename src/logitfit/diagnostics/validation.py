r"""Internal validation of a prediction model: Efron's optimism bootstrap, as ``rms::validate.lrm``.

For each bootstrap sample the model is refitted; every index is computed on the sample itself
(*training*: the refit judged on the rows it was fitted to) and on the original rows with the
refit's coefficients (*test*). The optimism is the mean of training minus test over the refits
that succeeded, and the corrected index is the apparent one minus the optimism (Efron 1983;
Harrell, *Regression Modeling Strategies*, 2nd ed., section 5.3). The indices and their
formulas are those of ``rms::validate.lrm`` (rms 6.x, ``discrim``), with :math:`n` rows, linear
predictor :math:`x` and :math:`P = \operatorname{expit}(x)`:

* ``Dxy``: Somers' :math:`D_{xy} = 2 (c - 1/2)`, :math:`c` the concordance probability with
  ties counted one half. rms's ``lrm.fit`` bins predictions into 1/5000 intervals first; here
  it is exact.
* ``R2``: Nagelkerke's :math:`(1 - e^{-LR/n}) / (1 - e^{-D_0/n})`, :math:`D_0` the null deviance.
* ``Intercept``, ``Slope``: of the logistic recalibration :math:`\operatorname{logit} \Pr(y=1)
  = a + b x` (0 and 1 on the training rows by definition); ``Emax``: the largest
  :math:`|p - \operatorname{expit}(a + b \operatorname{logit} p)|` over
  :math:`p = 0, 0.0005, \dots, 1`, with the *corrected* intercept and slope, in every column
  but the first two (0 there), as rms 6.5 computes it. (Later rms versions average a per-resample
  Emax instead.)
* ``D`` (discrimination) :math:`(LR - 1)/n`; ``U`` (unreliability) :math:`(L_{01} - L_{ab} -
  2)/n`, :math:`L_{01}` the deviance of the uncalibrated predictions and :math:`L_{ab}` that of the
  recalibrated ones (:math:`-2/n` on the training rows); ``Q = D - U`` (quality).
* ``B``: the Brier score :math:`\frac1n \sum (y - P)^2`; ``g``: Gini's mean difference of
  :math:`b x`; ``gp``: that of :math:`\operatorname{expit}(a + b x)`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy.special import expit, log_expit, logit, xlogy
from scipy.stats import rankdata

from logitfit.backends.threads import available_cores
from logitfit.design.core import Design, rows_in_memory
from logitfit.diagnostics.separation import detect_separation
from logitfit.exceptions import DataError
from logitfit.inference.profile import ml_refit
from logitfit.results.records import Record

if TYPE_CHECKING:
    from logitfit.results.result import LogitResult

__all__ = ["INDICES", "Validation", "validate"]

#: The indices of ``rms::validate.lrm``, in its order.
INDICES = ("Dxy", "R2", "Intercept", "Slope", "Emax", "D", "U", "Q", "B", "g", "gp")

# A linear predictor this large on a refit's own rows suggests separation: check it exactly.
_SUSPICIOUS_ETA = 15.0
_EMAX_GRID = np.linspace(0.0, 1.0, 2001)  # rms: seq(0, 1, 0.0005)


@dataclass(frozen=True)
class Validation(Record):
    """Optimism-corrected indices of a fitted model (the table of ``rms::validate``).

    Attributes
    ----------
    method : str
        ``"boot"``: Efron's optimism bootstrap.
    table : pandas.DataFrame
        Indexed by :data:`INDICES`: ``index_orig`` (apparent), ``training``, ``test``,
        ``optimism`` (mean training minus test) and ``index_corrected``, and ``n``, the number
        of refits averaged.
    n_resamples : int
        Resamples drawn.
    n_failed : int
        Resamples whose refit failed (not converged, separated, one outcome only): counted here
        and left out of every average, as rms leaves them out.
    failures : tuple of str
        Why each failed refit failed, in order.
    seed : int or None
        The seed of the draws (None when ``indices`` were given or no seed was set).
    """

    title: ClassVar[str] = "Internal validation: optimism bootstrap (as rms::validate)"
    method: str
    table: pd.DataFrame
    n_resamples: int
    n_failed: int
    failures: tuple[str, ...]
    seed: int | None


def _dxy(x: NDArray[np.float64], y: NDArray[np.float64]) -> float:
    """Somers' Dxy of predictions ``x`` for a 0/1 outcome, exactly (ties count one half)."""
    ranks = rankdata(x)
    events = y == 1
    n1 = int(events.sum())
    n0 = y.size - n1
    concordance = (ranks[events].sum() - n1 * (n1 + 1) / 2.0) / (n1 * n0)
    return float(2.0 * concordance - 1.0)


def _gini_mean_difference(x: NDArray[np.float64]) -> float:
    """Mean of |x_i - x_j| over all pairs i != j (Hmisc's ``GiniMd``), in O(n log n)."""
    ordered = np.sort(x)
    n = ordered.size
    weights = 2.0 * np.arange(1, n + 1) - n - 1
    return float(2.0 * (weights @ ordered) / (n * (n - 1)))


def _deviance(y: NDArray[np.float64], eta: NDArray[np.float64]) -> float:
    """Binary deviance of linear predictors ``eta``, without cancellation."""
    return float(-2.0 * np.sum(y * log_expit(eta) + (1.0 - y) * log_expit(-eta)))


def _null_deviance(y: NDArray[np.float64]) -> float:
    """Deviance of the intercept-only model of a 0/1 outcome."""
    n, events = y.size, float(y.sum())
    rate = events / n
    return float(-2.0 * (xlogy(events, rate) + xlogy(n - events, 1.0 - rate)))


def _nagelkerke(lr: float, null_deviance: float, n: int) -> float:
    return float(-np.expm1(-lr / n) / -np.expm1(-null_deviance / n))


def _training(eta: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.float64]:
    """Return the indices of a model on the rows it was fitted to (``discrim(evalfit=TRUE)``)."""
    n = y.size
    null = _null_deviance(y)
    lr = null - _deviance(y, eta)
    discrimination = (lr - 1.0) / n
    unreliability = -2.0 / n
    mu = expit(eta)
    return np.array(
        [
            _dxy(eta, y),
            _nagelkerke(lr, null, n),
            0.0,
            1.0,
            0.0,
            discrimination,
            unreliability,
            discrimination - unreliability,
            float(np.mean((y - mu) ** 2)),
            _gini_mean_difference(eta),
            _gini_mean_difference(mu),
        ]
    )


def _test(eta: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.float64] | str:
    """Return the indices of predictions ``eta`` on other rows, via their recalibration fit.

    Returns the reason as text when the recalibration refit does not converge.
    """
    n = y.size
    recalibration = Design(
        X=np.column_stack([np.ones(n), eta]),
        successes=y,
        trials=np.ones(n),
        weights=np.ones(n),
        offset=np.zeros(n),
        names=("Intercept", "slope"),
        response="y",
        event="y == 1",
        intercept_index=0,
        row_labels=pd.RangeIndex(n),
    )
    refit = ml_refit(recalibration, start=np.array([0.0, 1.0]))
    if not refit.ok:
        return f"the recalibration refit failed ({refit.message})"
    intercept, slope = (float(c) for c in refit.coef)
    null = _null_deviance(y)
    lr = null - refit.value
    clipped = np.clip(eta, -40.0, 40.0)  # as rms, before the deviance of the raw predictions
    unreliability = (_deviance(y, clipped) - refit.value - 2.0) / n
    discrimination = (lr - 1.0) / n
    recalibrated = intercept + slope * eta
    return np.array(
        [
            _dxy(recalibrated, y),
            _nagelkerke(lr, null, n),
            intercept,
            slope,
            np.nan,  # Emax comes from the corrected calibration line (see _emax)
            discrimination,
            unreliability,
            discrimination - unreliability,
            float(np.mean((y - expit(eta)) ** 2)),
            _gini_mean_difference(slope * eta),
            _gini_mean_difference(expit(recalibrated)),
        ]
    )


def _emax(intercept: float, slope: float) -> float:
    """Return the largest gap between a probability and its recalibration, over a fine grid."""
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        recalibrated = expit(intercept + slope * logit(_EMAX_GRID))
        return float(np.nanmax(np.abs(_EMAX_GRID - recalibrated)))


def _rows(design: Design, rows: NDArray[np.intp]) -> Design:
    """Return the design of a resample: the rows drawn, in the order drawn."""
    return dataclasses.replace(
        design,
        X=np.ascontiguousarray(design.X[rows]),
        successes=design.successes[rows],
        trials=design.trials[rows],
        weights=design.weights[rows],
        offset=design.offset[rows],
        row_labels=pd.RangeIndex(rows.size),
        dropped_rows=(),
    )


def _refit(boot: Design, start: NDArray[np.float64]) -> NDArray[np.float64] | str:
    """Refit a resample by maximum likelihood; the reason as text when it fails."""
    events = float(boot.successes.sum())
    if events in (0.0, float(boot.n_rows)):
        return "the resample holds one outcome only"
    refit = ml_refit(boot, start=start)
    if not refit.ok:
        return f"the refit did not converge ({refit.message})"
    if float(np.max(np.abs(boot.X @ refit.coef))) > _SUSPICIOUS_ETA:
        separation = detect_separation(boot)
        if separation is not None:
            by = ", ".join(separation.directions)
            return f"the resample is separated ({separation.kind}, by {by})"
    return refit.coef


def _draws(
    n_rows: int, n_boot: int, seed: int | None, indices: Sequence[ArrayLike] | None
) -> list[NDArray[np.intp]]:
    """Return the resamples' row numbers: drawn with replacement, or as given."""
    if indices is None:
        if not isinstance(n_boot, int | np.integer) or n_boot < 1:
            raise DataError(f"n_boot must be a positive whole number, got {n_boot!r}.")
        rng = np.random.default_rng(seed)
        return [rng.integers(0, n_rows, size=n_rows) for _ in range(int(n_boot))]
    draws = []
    for k, given in enumerate(indices):
        rows = np.asarray(given)
        if rows.ndim != 1 or rows.dtype.kind not in "iu" or rows.size == 0:
            raise DataError(f"indices[{k}] must be a non-empty vector of whole row numbers.")
        if rows.min() < 0 or rows.max() >= n_rows:
            raise DataError(
                f"indices[{k}] holds row numbers outside 0 .. {n_rows - 1} (0-based; R's are "
                "1-based: subtract 1)."
            )
        draws.append(rows.astype(np.intp))
    if not draws:
        raise DataError("indices holds no resample.")
    return draws


def validate(
    result: LogitResult,
    n_boot: int = 200,
    seed: int | None = None,
    indices: Sequence[ArrayLike] | None = None,
) -> Validation:
    """Optimism-corrected performance of a fitted model, by Efron's bootstrap (``rms::validate``).

    Parameters
    ----------
    result : LogitResult
        A maximum-likelihood fit to binary rows in memory, without weights or offset.
    n_boot : int
        Number of bootstrap resamples (ignored with ``indices``).
    seed : int, optional
        Seed of the resampling (numpy's ``default_rng``): the same seed gives the same numbers.
    indices : sequence of array-like of int, optional
        The resamples' row numbers (0-based positions among the rows used in the fit), one
        vector each, to reproduce another program's draws exactly.

    Returns
    -------
    Validation
    """
    if result.likelihood.penalised:
        raise DataError(
            "validate refits by maximum likelihood; a Firth fit's penalised refits are not "
            "implemented. Validate the maximum-likelihood fit of the same model."
        )
    design = rows_in_memory(result.design, "bootstrap validation (a refit per resample)")
    if not (design.is_binary and design.unit_weights and not design.has_offset):
        raise DataError(
            "validate needs one binary observation per row, without weights or offset (as "
            "rms::validate.lrm resamples rows): expand weighted or events/trials data to one "
            "row per observation first."
        )
    y = design.successes
    coef = result.coef.to_numpy()
    apparent = _training(design.X @ coef, y)

    def one(rows: NDArray[np.intp]) -> tuple[NDArray[np.float64], NDArray[np.float64]] | str:
        boot = _rows(design, rows)
        fitted = _refit(boot, coef)  # warm start: the full-data estimate
        if isinstance(fitted, str):
            return fitted
        measured = _test(design.X @ fitted, y)
        if isinstance(measured, str):
            return measured
        return _training(boot.X @ fitted, boot.successes), measured

    draws = _draws(design.n_rows, n_boot, seed, indices)
    # Resamples run on threads (the linear programs and BLAS release the GIL); the draws are
    # made first, so the numbers do not depend on the number of threads.
    with ThreadPoolExecutor(max_workers=available_cores()) as pool:
        outcomes = list(pool.map(one, draws))
    failures = [outcome for outcome in outcomes if isinstance(outcome, str)]
    kept = [outcome for outcome in outcomes if not isinstance(outcome, str)]
    training = [pair[0] for pair in kept]
    test = [pair[1] for pair in kept]
    n_kept = len(training)
    if n_kept == 0:
        raise DataError(f"Every refit failed; the first: {failures[0]}.")
    optimism = np.mean(np.array(training) - np.array(test), axis=0)
    table = pd.DataFrame(
        {
            "index_orig": apparent,
            "training": np.mean(training, axis=0),
            "test": np.mean(test, axis=0),
            "optimism": optimism,
            "index_corrected": apparent - optimism,
            "n": n_kept,
        },
        index=pd.Index(INDICES, name="index"),
    )
    corrected = table["index_corrected"]
    emax = _emax(float(corrected["Intercept"]), float(corrected["Slope"]))
    table.loc["Emax", ["index_orig", "training"]] = 0.0
    table.loc["Emax", ["test", "optimism", "index_corrected"]] = emax
    return Validation(
        method="boot",
        table=table,
        n_resamples=n_kept + len(failures),
        n_failed=len(failures),
        failures=tuple(failures),
        seed=seed if indices is None else None,
    )
