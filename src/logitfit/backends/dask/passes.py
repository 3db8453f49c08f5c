"""Passes over the partitions: each is one Dask graph, mapped over partitions and tree-summed.

A pass maps a pure function over the partitions (each builds its partition's Design on the
worker, see :mod:`logitfit.backends.dask.design`) and sums the small results (totals, a gradient of
length p, a p x p Hessian) in a tree, so that only O(p^2) numbers per partition travel and the
client receives one total. Whatever scheduler Dask is using runs it: the local threaded one (out
of core: partitions are read, used and released one by one) or a ``dask.distributed`` cluster
when a Client is active. The sums are those of :func:`logitfit.likelihood.logistic.evaluate`, so
the totals equal the in-memory ones up to the order of floating-point additions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from logitfit.backends.dask.design import DaskDesign, PartBuilder, PartSummary
from logitfit.backends.dask.partitions import add_any, designs
from logitfit.backends.dask.scheduler import compute, tree_reduce
from logitfit.backends.threads import single_threaded_blas
from logitfit.design.core import Design, intercept_only
from logitfit.likelihood.logistic import (
    RowSums,
    _evaluate_rows,
    add_row_sums,
    evaluation_from_sums,
)
from logitfit.solvers import Evaluation

__all__ = ["evaluate", "first_pass", "summarise"]

Model = Literal["full", "intercept", "offset"]


# -- functions run on the workers, one call per partition ----------------------------------------
def _summarise_part(part: Any, build: PartBuilder, sample_rows: int, number: int) -> PartSummary:
    step = max(1, build.n_rows(part) // max(sample_rows, 1))
    return add_any(*(PartSummary.of(design, step) for design in designs(part, build, number)))


def _first_part(
    part: Any, build: PartBuilder, sample_rows: int, coef: NDArray[np.float64], number: int
) -> tuple[PartSummary, RowSums]:
    step = max(1, build.n_rows(part) // max(sample_rows, 1))
    summaries, sums = [], []
    for design in designs(part, build, number):
        summaries.append(PartSummary.of(design, step))
        sums.append(_evaluate_design(design, coef, True))
    return add_any(*summaries), add_row_sums(*sums)


def _add_firsts(*parts: tuple[PartSummary, RowSums]) -> tuple[PartSummary, RowSums]:
    return add_any(*(p[0] for p in parts)), add_row_sums(*(p[1] for p in parts))


def _model_design(design: Design, model: Model) -> Design:
    """Return the partition's design for the full, the intercept-only or the offset-only model."""
    if model == "intercept":
        return intercept_only(design)
    if model == "offset":
        return replace(design, X=np.zeros((design.n_rows, 0)), names=(), intercept_index=None)
    return design


def _evaluate_part(
    part: Any, build: PartBuilder, coef: NDArray[np.float64], with_hessian: bool, model: Model
) -> RowSums:
    return add_row_sums(
        *(
            _evaluate_design(_model_design(design, model), coef, with_hessian)
            for design in designs(part, build)
        )
    )


def _evaluate_design(design: Design, coef: NDArray[np.float64], with_hessian: bool) -> RowSums:
    # BLAS on one thread: Dask already runs one task per core.
    with single_threaded_blas(design.n_params):
        return _evaluate_rows(coef, design, slice(0, design.n_rows), with_hessian)


# -- passes, called on the client ----------------------------------------------------------------
def summarise(
    parts: Sequence[Any],
    build: PartBuilder,
    sample_rows: int,
    progress: bool = False,
    numbers: Sequence[int] | None = None,
) -> PartSummary:
    """One pass: validate every partition and total it, keeping a systematic row sample.

    Parameters
    ----------
    parts : sequence of Delayed
        The partitions.
    build : FrameBuilder or ArrayBuilder
        Builds each partition's Design (raising the in-memory errors on bad input).
    sample_rows : int
        Rows kept from each partition for the sample.
    progress : bool
        Show Dask's progress bar.
    numbers : sequence of int, optional
        The partitions' positions in the data, named in error messages (default 0, 1, ...).

    Returns
    -------
    PartSummary
    """
    from dask import delayed

    numbers = range(len(parts)) if numbers is None else numbers
    summaries = [
        delayed(_summarise_part, pure=True)(part, build, sample_rows, number)
        for part, number in zip(parts, numbers, strict=True)
    ]
    return compute(tree_reduce(summaries, add_any), progress)


def first_pass(
    parts: Sequence[Any],
    build: PartBuilder,
    sample_rows: int,
    coef: NDArray[np.float64],
    progress: bool = False,
) -> tuple[PartSummary, RowSums]:
    """One pass: validate and total every partition, keep a row sample, and evaluate at ``coef``.

    The totals (rows, events, trials, the saturated log-likelihood, ...) and the first Newton
    evaluation (with the Hessian, which the rank check reads) come from the same pass.

    Parameters
    ----------
    parts : sequence of Delayed
        The partitions.
    build : FrameBuilder or ArrayBuilder
        Builds each partition's Design (raising the in-memory errors on bad input).
    sample_rows : int
        Rows kept from each partition for the sample.
    coef : ndarray of shape (p,)
        Where to evaluate.
    progress : bool
        Show Dask's progress bar.

    Returns
    -------
    totals : PartSummary
    sums : tuple
        ``(deviance, gradient, hessian, largest |eta|)`` at ``coef``.
    """
    from dask import delayed

    firsts = [
        delayed(_first_part, pure=True)(part, build, sample_rows, coef, number)
        for number, part in enumerate(parts)
    ]
    return compute(tree_reduce(firsts, _add_firsts), progress)


def evaluate(
    coef: NDArray[np.float64],
    design: DaskDesign,
    with_hessian: bool = True,
    model: Model = "full",
    progress: bool = False,
) -> Evaluation:
    """One pass: deviance, gradient and Hessian over every partition, and the largest |eta|.

    Parameters
    ----------
    coef : ndarray of shape (p,)
        Coefficients (of the null model's columns when ``model`` is not "full").
    design : DaskDesign
    with_hessian : bool
        Also sum the partitions' ``X^T W X``.
    model : {"full", "intercept", "offset"}
        The model's columns, or those of the null model.
    progress : bool
        Show Dask's progress bar.

    Returns
    -------
    Evaluation
        As :func:`logitfit.likelihood.logistic.evaluate` on the whole data (with
        ``largest_abs_eta``).
    """
    from dask import delayed

    sums = [
        delayed(_evaluate_part, pure=True)(part, design.build, coef, with_hessian, model)
        for part in design.parts
    ]
    total = compute(tree_reduce(sums, add_row_sums), progress)
    return evaluation_from_sums(total)
