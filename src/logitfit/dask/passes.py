"""Passes over the partitions: each is one Dask graph, mapped over partitions and tree-summed.

A pass maps a pure function over the partitions (each builds its partition's Design on the
worker, see :mod:`logitfit.dask.design`) and sums the small results (totals, a gradient of
length p, a p x p Hessian) in a tree, so that only O(p^2) numbers per partition travel and the
client receives one total. Whatever scheduler Dask is using runs it: the local threaded one (out
of core: partitions are read, used and released one by one) or a ``dask.distributed`` cluster
when a Client is active. The sums are those of :func:`logitfit.model.evaluate`, so the totals
equal the in-memory ones up to the order of floating-point additions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from logitfit.dask.design import DaskDesign, PartBuilder, PartSummary
from logitfit.dask.scheduler import compute, tree_reduce
from logitfit.design import Design, intercept_only
from logitfit.exceptions import LogitfitError
from logitfit.model import (
    _evaluate_rows,
    _single_threaded_blas,
    linear_predictor,
    probabilities,
    row_blocks,
    weighted_gram,
)
from logitfit.solvers import Evaluation

__all__ = [
    "EvaluationSums",
    "evaluate",
    "first_pass",
    "row_sums",
    "sandwich_meat",
    "summarise",
]

#: Size of the data slices a partition is turned into design matrices by (see ``_designs``).
_SLICE_BYTES = 16 * 2**20
_MIN_SLICE_ROWS = 4096

Model = Literal["full", "intercept", "offset"]

#: (log-likelihood kernel, gradient, Hessian or None, largest |eta|) of some partitions.
EvaluationSums = tuple[float, NDArray[np.float64], NDArray[np.float64] | None, float]


# -- functions run on the workers, one call per partition ----------------------------------------
def _designs(part: Any, build: PartBuilder, number: int | None = None) -> Iterator[Design]:
    """Build a partition's Design slice by slice.

    A partition (often a Parquet row group of ~100 MB) is turned into design matrices
    ``_SLICE_BYTES`` at a time, so a worker holds the partition plus a few small slices rather
    than formulaic's frame and a float copy of the whole partition (measured at 5e5 x 21: peak
    ~256 MB per partition whole, and formulaic was no slower on 1e5-row slices).
    """
    width = part.shape[1] if isinstance(part, pd.DataFrame) else np.shape(part[1])[-1]
    rows = max(_MIN_SLICE_ROWS, _SLICE_BYTES // (8 * max(int(width), 1)))
    for piece in build.slices(part, rows):
        try:
            design = build(piece)
        except LogitfitError as error:
            if number is None:
                raise
            # Row labels repeat across partitions (read_parquet numbers each file's rows from
            # 0), so say which partition: the in-memory message, then where it was found.
            raise type(error)(f"{error} (In partition {number} of the Dask data.)") from error
        yield design


def _summarise_part(part: Any, build: PartBuilder, sample_rows: int, number: int) -> PartSummary:
    step = max(1, build.n_rows(part) // max(sample_rows, 1))
    designs = _designs(part, build, number)
    return _add_summaries(*(PartSummary.of(design, step) for design in designs))


def _first_part(
    part: Any, build: PartBuilder, sample_rows: int, coef: NDArray[np.float64], number: int
) -> tuple[PartSummary, EvaluationSums]:
    step = max(1, build.n_rows(part) // max(sample_rows, 1))
    summaries, sums = [], []
    for design in _designs(part, build, number):
        summaries.append(PartSummary.of(design, step))
        sums.append(_evaluate_design(design, coef, True))
    return _add_summaries(*summaries), _add_evaluations(*sums)


def _add_firsts(
    *parts: tuple[PartSummary, EvaluationSums],
) -> tuple[PartSummary, EvaluationSums]:
    return _add_summaries(*(p[0] for p in parts)), _add_evaluations(*(p[1] for p in parts))


def _add_summaries(*summaries: PartSummary) -> PartSummary:
    total = summaries[0]
    for summary in summaries[1:]:
        total = total + summary
    return total


def _model_design(design: Design, model: Model) -> Design:
    """Return the partition's design for the full, the intercept-only or the offset-only model."""
    if model == "intercept":
        return intercept_only(design)
    if model == "offset":
        return replace(design, X=np.zeros((design.n_rows, 0)), names=(), intercept_index=None)
    return design


def _evaluate_part(
    part: Any, build: PartBuilder, coef: NDArray[np.float64], with_hessian: bool, model: Model
) -> EvaluationSums:
    return _add_evaluations(
        *(
            _evaluate_design(_model_design(design, model), coef, with_hessian)
            for design in _designs(part, build)
        )
    )


def _evaluate_design(
    design: Design, coef: NDArray[np.float64], with_hessian: bool
) -> EvaluationSums:
    n_cols = design.n_params
    if design.n_rows == 0:
        hessian = np.zeros((n_cols, n_cols)) if with_hessian else None
        return 0.0, np.zeros(n_cols), hessian, 0.0
    with _single_threaded_blas(n_cols):
        kernel, gradient, hessian = _evaluate_rows(
            coef, design, slice(0, design.n_rows), with_hessian
        )
    largest = 0.0
    for block in row_blocks(design.n_rows, n_cols):
        eta = linear_predictor(design.X[block], coef, design.offset[block])
        largest = max(largest, float(np.max(np.abs(eta), initial=0.0)))
    return kernel, gradient, hessian, largest


def _add_evaluations(*parts: EvaluationSums) -> EvaluationSums:
    kernel = sum(part[0] for part in parts)
    gradient = np.sum([part[1] for part in parts], axis=0)
    hessians = [part[2] for part in parts if part[2] is not None]
    hessian = np.sum(hessians, axis=0) if hessians else None
    return kernel, gradient, hessian, max(part[3] for part in parts)


def _meat_part(part: Any, build: PartBuilder, coef: NDArray[np.float64]) -> NDArray[np.float64]:
    meat = np.zeros((coef.shape[0], coef.shape[0]))
    for design in _designs(part, build):
        for block in row_blocks(design.n_rows, design.n_params):
            eta = linear_predictor(design.X[block], coef, design.offset[block])
            residual = design.successes[block] - design.trials[block] * probabilities(eta)
            meat += weighted_gram(design.X[block], design.weights[block] * residual**2)
    return meat


def _add_arrays(*arrays: NDArray[np.float64]) -> NDArray[np.float64]:
    return np.asarray(np.sum(arrays, axis=0))


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
    return compute(tree_reduce(summaries, _add_summaries), progress)


def first_pass(
    parts: Sequence[Any],
    build: PartBuilder,
    sample_rows: int,
    coef: NDArray[np.float64],
    progress: bool = False,
) -> tuple[PartSummary, EvaluationSums]:
    """One pass: validate and total every partition, keep a row sample, and evaluate at ``coef``.

    The totals (rows, events, trials, the saturated kernel, ...) and the first Newton
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
        ``(kernel, gradient, hessian, largest |eta|)`` at ``coef``.
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
) -> tuple[Evaluation, float]:
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
    evaluation : Evaluation
        As :func:`logitfit.model.evaluate` on the whole data.
    largest_abs_eta : float
        ``max |eta|`` over the rows (a symptom of separation when large).
    """
    from dask import delayed

    sums = [
        delayed(_evaluate_part, pure=True)(part, design.build, coef, with_hessian, model)
        for part in design.parts
    ]
    kernel, gradient, hessian, largest = compute(tree_reduce(sums, _add_evaluations), progress)
    deviance = 2.0 * (design.saturated_kernel - kernel)
    return Evaluation(deviance=deviance, gradient=gradient, hessian=hessian), largest


def _row_sums_part(part: Any, build: PartBuilder, sums: Callable[..., Any], args: Any) -> Any:
    return _add_any(*(sums(design, *args) for design in _designs(part, build)))


def _add_any(*parts: Any) -> Any:
    """Add partial sums elementwise: floats, arrays, or tuples of them."""
    if isinstance(parts[0], tuple):
        return tuple(_add_any(*items) for items in zip(*parts, strict=True))
    return sum(parts[1:], parts[0])


def row_sums(design: DaskDesign, sums: Callable[..., Any], *args: Any) -> Any:
    """One pass: add up ``sums(partition_design, *args)`` over the partitions.

    Parameters
    ----------
    design : DaskDesign
    sums : callable
        A function of a Design returning sums over its rows (see
        :func:`logitfit.design.sum_over_rows`).
    *args
        Passed on.

    Returns
    -------
    float, ndarray or tuple
    """
    from dask import delayed

    parts = [
        delayed(_row_sums_part, pure=True)(part, design.build, sums, args) for part in design.parts
    ]
    return compute(tree_reduce(parts, _add_any))


def sandwich_meat(coef: NDArray[np.float64], design: DaskDesign) -> NDArray[np.float64]:
    """One pass: the heteroskedasticity-robust meat ``X^T diag(w r^2) X``, ``r = y - m mu``.

    Parameters
    ----------
    coef : ndarray of shape (p,)
    design : DaskDesign

    Returns
    -------
    ndarray of shape (p, p)
    """
    from dask import delayed

    meats = [delayed(_meat_part, pure=True)(part, design.build, coef) for part in design.parts]
    return compute(tree_reduce(meats, _add_arrays))
