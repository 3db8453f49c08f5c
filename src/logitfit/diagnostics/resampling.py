"""Bootstrap resampling of a fit's rows: the draws, the refits, and the refits that fail.

Shared by :func:`logitfit.validate` and :func:`logitfit.calibrate`, as ``rms::predab.resample``
serves ``validate`` and ``calibrate``: the draws are made first (numpy's ``default_rng`` from the
seed, or the row numbers given), then each resample is refitted by maximum likelihood from the
full-data estimate, on threads. A refit that fails (not converged, separated, one outcome only)
is reported with its reason and left out, never kept.

A resample is not copied: its refit is the fit to the original rows with frequency weights equal
to the number of times each row was drawn, which has the same likelihood, and its measures read
the linear predictor of the original rows at the drawn row numbers.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from logitfit.backends.threads import available_cores, blas_on_one_thread
from logitfit.design.core import Design, rows_in_memory
from logitfit.diagnostics.separation import detect_separation
from logitfit.exceptions import DataError
from logitfit.inference.profile import ml_refit
from logitfit.solvers.hessian_reuse import HessianReuse, hessian_pass_cost

if TYPE_CHECKING:
    from logitfit.results.result import LogitResult

__all__ = ["Refitted", "bootstrap", "checked_design", "draws", "failures_note"]

# A linear predictor this large on a refit's own rows suggests separation: check it exactly.
_SUSPICIOUS_ETA = 15.0

Measured = TypeVar("Measured")


def checked_design(result: LogitResult, what: str) -> Design:
    """Return the fit's rows, refusing what a row bootstrap of a binary ML fit cannot handle."""
    result.likelihood.require("maximum_likelihood", what=f"The {what}")
    if result.covariance.kind == "survey":
        raise DataError(
            f"The {what} resamples rows as independent observations; a survey design's "
            "rows are not (replicate weights would be needed)."
        )
    design = rows_in_memory(result.design, f"{what} (a refit per resample)")
    if not (design.is_binary and design.unit_weights and not design.has_offset):
        raise DataError(
            f"The {what} needs one binary observation per row, without weights or offset (as "
            "rms resamples rows): expand weighted or events/trials data to one row per "
            "observation first."
        )
    return design


def resample(design: Design, rows: NDArray[np.intp]) -> Design:
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


@dataclass(frozen=True)
class Refitted:
    """One resample's successful refit, as the measures read it.

    Attributes
    ----------
    position : int
        The resample's position among the draws.
    rows : ndarray of int, shape (n,)
        The row numbers drawn (0-based, in the order drawn).
    counts : ndarray of shape (n_rows,)
        How many times each original row was drawn (0 for the rows left out).
    coef : ndarray of shape (p,)
        The refitted coefficients.
    deviance : float
        The refit's deviance on the resample.
    eta : ndarray of shape (n_rows,)
        The refit's linear predictor on every original row: ``eta[rows]`` is the resample's.
    """

    position: int
    rows: NDArray[np.intp]
    counts: NDArray[np.float64]
    coef: NDArray[np.float64]
    deviance: float
    eta: NDArray[np.float64]


def _refit(
    design: Design,
    position: int,
    rows: NDArray[np.intp],
    start: NDArray[np.float64],
    reuse: HessianReuse,
) -> Refitted | str:
    """Refit a resample by maximum likelihood; the reason as text when it fails."""
    counts = np.bincount(rows, minlength=design.n_rows).astype(np.float64)
    events = float(counts @ design.successes)
    if events in (0.0, float(rows.size)):
        return "the resample holds one outcome only"
    # The resample's likelihood is the original rows' with the draw counts as frequency weights.
    weighted = dataclasses.replace(design, weights=counts)
    refit = ml_refit(weighted, start=start, n_threads=1, reuse=reuse)  # resamples in parallel
    if not refit.ok:
        return f"the refit did not converge ({refit.message})"
    eta = design.X @ refit.coef
    if float(np.max(np.abs(eta[counts > 0]))) > _SUSPICIOUS_ETA:
        separation = detect_separation(resample(design, rows))
        if separation is not None:
            by = ", ".join(separation.directions)
            return f"the resample is separated ({separation.kind}, by {by})"
    return Refitted(position, rows, counts, refit.coef, refit.value, eta)


def draws(
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


def bootstrap(
    design: Design,
    coef: NDArray[np.float64],
    hessian: NDArray[np.float64],
    resamples: list[NDArray[np.intp]],
    measure: Callable[[Refitted], Measured | str],
    progress: bool = False,
) -> tuple[list[Measured], list[str]]:
    """Refit every resample and measure it; return the measures kept and the failures.

    Parameters
    ----------
    design : Design
        The rows of the fit.
    coef : ndarray of shape (p,)
        The full-data estimate (the refits' warm start).
    hessian : ndarray of shape (p, p)
        The full data's Hessian at ``coef``: the refits' Newton steps use it until a step shows
        that a fresh one is cheaper (a resample's Hessian differs from it by sampling noise,
        about ``sqrt(p / n)`` relative), and their convergence is checked in its metric (only
        their coefficients are kept, never their Hessians).
    resamples : list of ndarray of int
        From :func:`draws`.
    measure : callable
        ``measure(refitted)`` returns the measures of one resample's :class:`Refitted`, or the
        reason as text when a measure of its own fails.
    progress : bool
        Show a progress bar (tqdm, on standard error) as the refits finish.

    Returns
    -------
    kept : list
        The measures of the resamples whose refit and measures succeeded, in draw order.
    failures : list of str
        Why each other resample failed, in draw order.
    """
    reuse = HessianReuse(
        hessian_pass_cost(design.n_params),
        initial_hessian=hessian,
        quadratic_guess=design.n_obs**-0.5,
        exact_final=False,
    )

    def one(k: int) -> Measured | str:
        fitted = _refit(design, k, resamples[k], coef, reuse)
        return fitted if isinstance(fitted, str) else measure(fitted)

    # Resamples run on threads (the linear programs and BLAS release the GIL); the draws are
    # made first, so the numbers do not depend on the number of threads. BLAS stays on one
    # thread meanwhile: OpenBLAS's own threads, woken by each refit's small solves, spin on the
    # cores the other refits need (measured at 1e5 x 20 on 2 cores: 34 -> 24 ms per refit).
    with blas_on_one_thread(), ThreadPoolExecutor(max_workers=available_cores()) as pool:
        finished = pool.map(one, range(len(resamples)))
        if progress:
            from tqdm import tqdm  # imported on use

            finished = tqdm(finished, total=len(resamples), desc="refits", unit="refit")
        outcomes = list(finished)
    kept = [outcome for outcome in outcomes if not isinstance(outcome, str)]
    failures = [outcome for outcome in outcomes if isinstance(outcome, str)]
    if not kept:
        raise DataError(f"Every refit failed; the first: {failures[0]}.")
    return kept, failures


def failures_note(failures: Sequence[str], n_resamples: int) -> str:
    """Say how many refits failed and why (empty when none failed)."""
    if not failures:
        return ""
    reasons = "; ".join(sorted(set(failures)))
    return f"{len(failures)} of {n_resamples} refits failed and are left out: {reasons}."
