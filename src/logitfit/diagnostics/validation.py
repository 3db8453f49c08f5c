"""Internal validation of a prediction model: Efron's optimism bootstrap, as ``rms::validate.lrm``.

For each bootstrap sample the model is refitted; every index is computed on the sample itself
(*training*: the refit judged on the rows it was fitted to) and on the original rows with the
refit's coefficients (*test*). The optimism is the mean of training minus test over the refits
that succeeded, and the corrected index is the apparent one minus the optimism (Efron 1983;
Harrell, *Regression Modeling Strategies*, 2nd ed., section 5.3). The indices and their
formulas, those of ``rms::validate.lrm``, are in
:mod:`logitfit.diagnostics.performance_indices`.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy.special import expit

from logitfit.diagnostics.performance_indices import (
    INDICES,
    Ordered,
    emax,
    no_information,
    point632_plus,
    test_indices,
    training_indices,
)
from logitfit.diagnostics.resampling import (
    Refitted,
    bootstrap,
    checked_design,
    draws,
    failures_note,
)
from logitfit.exceptions import DataError, UnverifiedWarning
from logitfit.results.records import Record

if TYPE_CHECKING:
    from logitfit.results.result import LogitResult

__all__ = ["INDICES", "Method", "Validation", "validate"]

Method = Literal["boot", ".632", ".632+", "crossvalidation"]


_UNDEFINED_632_PLUS = (
    "Intercept, Emax, U and Q have no no-information value, so their .632+ estimates are "
    "undefined (NaN); the .632 estimator gives them."
)


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
    apparent = training_indices(Ordered.of(design.X @ coef, y), ones, result.deviance)
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
        ordered = Ordered.of(refitted.eta, y)
        measured = test_indices(ordered, tested)
        if isinstance(measured, str):
            return measured
        return (
            training_indices(ordered, refitted.counts, refitted.deviance),
            measured,
            refitted.position,
        )

    kept, failures = bootstrap(design, coef, result.hessian, resamples, measure, progress)
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
            optimism = apparent - point632_plus(apparent, test_mean, no_information(y, predicted))
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
    largest_gap = emax(float(corrected["Intercept"]), float(corrected["Slope"]))
    table.loc["Emax", ["index_orig", "training"]] = 0.0
    table.loc["Emax", ["test", "optimism", "index_corrected"]] = largest_gap
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
