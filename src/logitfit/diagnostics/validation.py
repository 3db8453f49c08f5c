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

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy.special import expit, log_expit, logit, xlogy

from logitfit.design.core import Design
from logitfit.diagnostics.resampling import (
    Refitted,
    bootstrap,
    checked_design,
    draws,
    failures_note,
)
from logitfit.exceptions import DataError, UnverifiedWarning
from logitfit.inference.profile import ml_refit
from logitfit.results.records import Record

if TYPE_CHECKING:
    from logitfit.results.result import LogitResult

__all__ = ["INDICES", "Method", "Validation", "validate"]

Method = Literal["boot", ".632", ".632+", "crossvalidation"]

#: The indices of ``rms::validate.lrm``, in its order.
INDICES = ("Dxy", "R2", "Intercept", "Slope", "Emax", "D", "U", "Q", "B", "g", "gp")

_UNDEFINED_632_PLUS = (
    "Intercept, Emax, U and Q have no no-information value, so their .632+ estimates are "
    "undefined (NaN); the .632 estimator gives them."
)
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

    @property
    def note(self) -> str:
        """The failed refits and the undefined indices in words, for ``summary()``."""
        notes = [failures_note(self.failures, self.n_resamples)]
        if self.method == ".632+":
            notes.append(_UNDEFINED_632_PLUS)
        return " ".join(note for note in notes if note)


def _concordance(ordered: _Ordered, weights: NDArray[np.float64]) -> float:
    """Return the concordance probability of the predictions, rows weighted (ties one half).

    Equal to :func:`logitfit.diagnostics.auc_tools.concordance` on the rows repeated
    ``weights`` times: each event's weight times the non-event weight below its value, plus
    half the non-event weight tied with it, over the product of the totals.
    """
    events = np.add.reduceat(weights[ordered.order] * ordered.y, ordered.starts)
    non_events = np.add.reduceat(weights[ordered.order] * (1.0 - ordered.y), ordered.starts)
    below = np.cumsum(non_events) - non_events
    return float(events @ (below + 0.5 * non_events) / (events.sum() * non_events.sum()))


def _gini_mean_difference(
    sorted_values: NDArray[np.float64], weights: NDArray[np.float64]
) -> float:
    r"""Mean of |x_i - x_j| over all pairs i != j of the rows repeated ``weights`` times.

    Hmisc's ``GiniMd``. On sorted values the expanded sum over pairs is
    :math:`\sum_k x_{(k)} (2k - N - 1)`; a row repeated :math:`c` times from position
    :math:`s + 1` contributes :math:`x c (2s + c - N)`.
    """
    total = float(weights.sum())
    before = np.cumsum(weights) - weights
    pairs = float(sorted_values @ (weights * (2.0 * before + weights - total)))
    return 2.0 * pairs / (total * (total - 1.0))


def _deviance(y: NDArray[np.float64], eta: NDArray[np.float64]) -> float:
    """Binary deviance of linear predictors ``eta``, without cancellation."""
    return float(-2.0 * np.sum(log_expit(np.where(y == 1.0, eta, -eta))))


def _null_deviance(events: float, n: float) -> float:
    """Deviance of the intercept-only model of ``events`` in ``n`` binary rows."""
    rate = events / n
    return float(-2.0 * (xlogy(events, rate) + xlogy(n - events, 1.0 - rate)))


def _nagelkerke(lr: float, null_deviance: float, n: float) -> float:
    return float(-np.expm1(-lr / n) / -np.expm1(-null_deviance / n))


@dataclass(frozen=True)
class _Ordered:
    """Rows sorted once by a linear predictor, shared by every rank-based index of a refit."""

    order: NDArray[np.intp]  # argsort of eta
    eta: NDArray[np.float64]  # eta[order]
    y: NDArray[np.float64]  # y[order]
    starts: NDArray[np.intp]  # where each run of tied eta begins

    @classmethod
    def of(cls, eta: NDArray[np.float64], y: NDArray[np.float64]) -> _Ordered:
        order = np.argsort(eta, kind="stable")
        ordered = eta[order]
        starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
        return cls(order, ordered, y[order], starts)


def _training(
    ordered: _Ordered, weights: NDArray[np.float64], deviance: float
) -> NDArray[np.float64]:
    """Return the indices of a model on the rows it was fitted to (``discrim(evalfit=TRUE)``).

    The rows are the original ones repeated ``weights`` times (a resample's draw counts), and
    ``deviance`` the model's deviance on them.
    """
    sorted_weights = weights[ordered.order]
    n = float(weights.sum())
    null = _null_deviance(float(sorted_weights @ ordered.y), n)
    lr = null - deviance
    discrimination = (lr - 1.0) / n
    unreliability = -2.0 / n
    mu = expit(ordered.eta)
    return np.array(
        [
            2.0 * _concordance(ordered, weights) - 1.0,
            _nagelkerke(lr, null, n),
            0.0,
            1.0,
            0.0,
            discrimination,
            unreliability,
            discrimination - unreliability,
            float(sorted_weights @ (ordered.y - mu) ** 2 / n),
            _gini_mean_difference(ordered.eta, sorted_weights),
            _gini_mean_difference(mu, sorted_weights),
        ]
    )


def _test(ordered: _Ordered, tested: NDArray[np.float64]) -> NDArray[np.float64] | str:
    """Return the indices of predictions on other rows, via their recalibration fit.

    ``tested`` is 1 on the rows the predictions are tested on and 0 elsewhere. Returns the
    reason as text when the recalibration refit does not converge.
    """
    on = tested[ordered.order] > 0
    eta, y = ordered.eta[on], ordered.y[on]
    n = eta.size
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
    refit = ml_refit(recalibration, start=np.array([0.0, 1.0]), n_threads=1)
    if not refit.ok:
        return f"the recalibration refit failed ({refit.message})"
    intercept, slope = (float(c) for c in refit.coef)
    null = _null_deviance(float(y.sum()), n)
    lr = null - refit.value
    clipped = np.clip(eta, -40.0, 40.0)  # as rms, before the deviance of the raw predictions
    unreliability = (_deviance(y, clipped) - refit.value - 2.0) / n
    discrimination = (lr - 1.0) / n
    # The recalibrated predictions a + b eta keep eta's order (reversed when b < 0), so the
    # rank-based indices of the recalibration read eta's: Dxy(a + b eta) = sign(b) Dxy(eta).
    recalibrated = expit(intercept + slope * eta)
    ones = np.ones(n)
    return np.array(
        [
            np.sign(slope) * (2.0 * _concordance(ordered, tested) - 1.0),
            _nagelkerke(lr, null, n),
            intercept,
            slope,
            np.nan,  # Emax comes from the corrected calibration line (see _emax)
            discrimination,
            unreliability,
            discrimination - unreliability,
            float(np.mean((y - expit(eta)) ** 2)),
            abs(slope) * _gini_mean_difference(eta, ones),
            _gini_mean_difference(recalibrated if slope >= 0 else recalibrated[::-1], ones),
        ]
    )


def _no_information(y: NDArray[np.float64], predicted: NDArray[np.float64]) -> NDArray[np.float64]:
    r"""Return each index's no-information value (NaN where it has none), for ``.632+``.

    Efron & Tibshirani's :math:`\gamma` is the index when outcomes and predictions are
    unrelated: every outcome paired with every prediction. Then the concordance is 1/2 (Dxy
    0), the likelihood ratio is 0 (R2 0; D, whose -1/n corrects LR's chi-square mean, 0), the
    recalibration slope is 0 and with it g and gp, and the Brier score is
    :math:`\frac{1}{n^2}\sum_i\sum_j (y_i - p_j)^2 = \bar y - 2 \bar y \bar p + \overline{p^2}`.
    The intercept, Emax, U and Q have no such value.
    """
    rate = float(y.mean())
    brier = rate - 2.0 * rate * float(predicted.mean()) + float(np.mean(predicted**2))
    values = dict.fromkeys(INDICES, np.nan)
    values.update(Dxy=0.0, R2=0.0, Slope=0.0, D=0.0, B=brier, g=0.0, gp=0.0)
    return np.array([values[name] for name in INDICES])


def _point632_plus(
    apparent: NDArray[np.float64], test: NDArray[np.float64], no_information: NDArray[np.float64]
) -> NDArray[np.float64]:
    r"""Return Efron & Tibshirani's (1997, eqs. 28-32) .632+ estimate of each index.

    With apparent value :math:`a`, out-of-resample value :math:`t` (the .632 estimator's test
    column) and no-information value :math:`\gamma`, on the side of :math:`a` where overfitting
    moves an index (up for a loss such as B, down for Dxy): :math:`t' = t` limited at
    :math:`\gamma`; the relative overfitting rate :math:`R = (t' - a) / (\gamma - a)` when
    :math:`t` and :math:`\gamma` both lie on that side, else 0; and the estimate
    :math:`0.368 a + 0.632 t + (t' - a)\, 0.368 \cdot 0.632 R / (1 - 0.368 R)`.
    """
    side = np.sign(no_information - apparent)  # +1 for a loss, -1 for a measure of quality
    limited = np.where(side * (test - no_information) > 0, no_information, test)
    overfitted = (side * (test - apparent) > 0) & (side != 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(overfitted, (limited - apparent) / (no_information - apparent), 0.0)
    estimate = 0.368 * apparent + 0.632 * test
    estimate = estimate + (limited - apparent) * 0.368 * 0.632 * rate / (1.0 - 0.368 * rate)
    return np.where(np.isnan(no_information), np.nan, estimate)


def _emax(intercept: float, slope: float) -> float:
    """Return the largest gap between a probability and its recalibration, over a fine grid."""
    if not (np.isfinite(intercept) and np.isfinite(slope)):
        return np.nan
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        recalibrated = expit(intercept + slope * logit(_EMAX_GRID))
        return float(np.nanmax(np.abs(_EMAX_GRID - recalibrated)))


def _folds(
    n_rows: int, folds: int, repeats: int, seed: int | None
) -> tuple[list[NDArray[np.intp]], list[NDArray[np.intp]]]:
    """Return training and test rows of k-fold cross-validation, repeated.

    Each repeat permutes the rows and cuts them into ``folds`` contiguous groups at
    ``round(i n / folds)``, a partition: rms's cuts (``is = 1 + round((i - 1) n / B)``, ``ie =
    round(is + n / B - 1)``) can skip a row or test one twice when ``n / B`` is not whole.
    """
    if not (isinstance(folds, int) and 2 <= folds <= n_rows // 2):
        raise DataError(
            f"folds must be a whole number from 2 to n/2 ({n_rows // 2}), got {folds!r}."
        )
    if not (isinstance(repeats, int) and repeats >= 1):
        raise DataError(f"repeats must be a positive whole number, got {repeats!r}.")
    rng = np.random.default_rng(seed)
    every = np.arange(n_rows)
    training, test = [], []
    cuts = [round(i * n_rows / folds) for i in range(folds + 1)]
    for _ in range(repeats):
        order = rng.permutation(n_rows)
        for i in range(folds):
            held_out = np.sort(order[cuts[i] : cuts[i + 1]])
            test.append(held_out)
            training.append(np.setdiff1d(every, held_out))
    return training, test


def validate(
    result: LogitResult,
    n_boot: int = 200,
    seed: int | None = None,
    indices: Sequence[ArrayLike] | None = None,
    method: Method = "boot",
    folds: int = 10,
    repeats: int = 1,
    progress: bool = False,
) -> Validation:
    """Optimism-corrected performance of a fitted model, as ``rms::validate``.

    Parameters
    ----------
    result : LogitResult
        A maximum-likelihood fit to binary rows in memory, without weights or offset.
    n_boot : int
        Number of bootstrap resamples (``"boot"`` and ``".632"``; ignored with ``indices``).
    seed : int, optional
        Seed of the resampling (numpy's ``default_rng``): the same seed gives the same numbers.
    indices : sequence of array-like of int, optional
        The resamples' row numbers (0-based positions among the rows used in the fit), one
        vector each, to reproduce another program's draws exactly (bootstrap methods).
    method : {"boot", ".632", ".632+", "crossvalidation"}
        ``"boot"``: Efron's optimism bootstrap. ``".632"``: Efron's .632 estimator as rms
        computes it: optimism = 0.632 (apparent - test), the test indices measured on the rows
        each resample left out, weighted as rms weights them. ``".632+"``: Efron & Tibshirani's
        (1997) refinement, which moves the weight 0.632 towards 1 as the relative overfitting
        rate grows (see :func:`_point632_plus` and :func:`_no_information`); undefined, so
        NaN with a warning, for the intercept, Emax, U and Q. ``"crossvalidation"``: ``folds``-
        fold cross-validation, repeated ``repeats`` times (the test indices on each held-out
        fold; the folds partition the rows, see :func:`_folds`).
    folds, repeats : int
        For cross-validation.
    progress : bool
        Show a progress bar of the refits (off by default in library calls).

    Returns
    -------
    Validation

    Warns
    -----
    UnverifiedWarning
        With ``method=".632+"``: the indices without a no-information value are NaN.
    """
    if method not in ("boot", ".632", ".632+", "crossvalidation"):
        raise DataError(
            f"method must be 'boot', '.632', '.632+' or 'crossvalidation', got {method!r}."
        )
    design = checked_design(result, "bootstrap validation")
    y = design.successes
    coef = result.coef.to_numpy()
    ones = np.ones(design.n_rows)
    apparent = _training(_Ordered.of(design.X @ coef, y), ones, result.deviance)
    if method == "crossvalidation":
        if indices is not None:
            raise DataError("indices are bootstrap draws; cross-validation draws its own folds.")
        resamples, held_out = _folds(design.n_rows, folds, repeats, seed)
    else:
        resamples = draws(design.n_rows, n_boot, seed, indices)
        # The rows each resample left out (only the .632 estimator tests on them).
        held_out = (
            [np.flatnonzero(np.bincount(rows, minlength=design.n_rows) == 0) for rows in resamples]
            if method in (".632", ".632+")
            else []
        )

    def measure(refitted: Refitted) -> tuple[NDArray[np.float64], NDArray[np.float64], int] | str:
        # Tested on all rows (boot), on the rows the resample left out (.632), on its fold.
        if method == "boot":
            tested = ones
        else:
            tested = np.zeros(design.n_rows)
            tested[held_out[refitted.position]] = 1.0
            if tested.sum() < 2 or np.ptp(y[tested > 0]) == 0:
                return "the rows it is tested on hold one outcome only"
        ordered = _Ordered.of(refitted.eta, y)
        measured = _test(ordered, tested)
        if isinstance(measured, str):
            return measured
        return _training(ordered, refitted.counts, refitted.deviance), measured, refitted.position

    kept, failures = bootstrap(design, coef, resamples, measure, progress)
    training = np.array([item[0] for item in kept])
    test = np.array([item[1] for item in kept])
    if method in (".632", ".632+"):
        # rms: each resample's test indices weighted by the left-out rows' 1 / (number of
        # resamples leaving them out), summed over rows, over n; renormalised over the kept.
        omitted = np.zeros(design.n_rows)
        for rows in held_out:
            omitted[rows] += 1
        if omitted.min() == 0:
            raise DataError(
                "Some row is in every resample, so the .632 estimator has no test for it: "
                "draw more resamples (n_boot)."
            )
        weights = np.array([np.sum(1.0 / omitted[held_out[item[2]]]) for item in kept])
        test_mean = weights @ test / weights.sum()
        optimism = 0.632 * (apparent - test_mean)
        if method == ".632+":
            predicted = expit(design.X @ coef)
            optimism = apparent - _point632_plus(apparent, test_mean, _no_information(y, predicted))
    else:
        test_mean = test.mean(axis=0)
        optimism = training.mean(axis=0) - test_mean
    table = pd.DataFrame(
        {
            "index_orig": apparent,
            "training": training.mean(axis=0),
            "test": test_mean,
            "optimism": optimism,
            "index_corrected": apparent - optimism,
            "n": len(kept),
        },
        index=pd.Index(INDICES, name="index"),
    )
    corrected = table["index_corrected"]
    emax = _emax(float(corrected["Intercept"]), float(corrected["Slope"]))
    table.loc["Emax", ["index_orig", "training"]] = 0.0
    table.loc["Emax", ["test", "optimism", "index_corrected"]] = emax
    if method == ".632+":
        warnings.warn(_UNDEFINED_632_PLUS, UnverifiedWarning, stacklevel=2)
    return Validation(
        method=method,
        table=table,
        n_resamples=len(kept) + len(failures),
        n_failed=len(failures),
        failures=tuple(failures),
        seed=seed if indices is None else None,
    )
