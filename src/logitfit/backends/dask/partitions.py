"""Partitions as designs, and sums over them: the row source of a Dask fit.

A partition is turned into in-memory :class:`~logitfit.design.core.Design` slices on the worker (so
every check and message is the in-memory one), and a function of a Design returning sums over its
rows is added up over all partitions in one Dask pass
(:meth:`logitfit.backends.dask.design.DaskDesign.sum_over_rows`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from logitfit.backends.dask.scheduler import compute, tree_reduce
from logitfit.design.core import Design
from logitfit.exceptions import LogitfitError

if TYPE_CHECKING:
    from logitfit.backends.dask.design import PartBuilder

__all__ = ["add_any", "built_designs", "designs", "pieces", "row_sums"]

#: Size of the data slices a partition is turned into design matrices by (see :func:`designs`).
_SLICE_BYTES = 16 * 2**20
_MIN_SLICE_ROWS = 4096


def designs(part: Any, build: PartBuilder, number: int | None = None) -> Iterator[Design]:
    """Build a partition's Design slice by slice.

    A partition (often a Parquet row group of ~100 MB) is turned into design matrices
    ``_SLICE_BYTES`` at a time, so a worker holds the partition plus a few small slices rather
    than formulaic's frame and a float copy of the whole partition (measured at 5e5 x 21: peak
    ~256 MB per partition whole, and formulaic was no slower on 1e5-row slices).
    """
    if isinstance(part, list):  # persisted: the Designs themselves
        yield from part
        return
    for _, design in pieces(part, build, number):
        yield design


def pieces(
    part: Any, build: PartBuilder, number: int | None = None
) -> Iterator[tuple[Any, Design]]:
    """Yield each slice of a computed partition with its Design (see :func:`designs`)."""
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
        yield piece, design


def built_designs(part: Any, build: PartBuilder, number: int) -> list[Design]:
    """Return a partition's Designs, built once to be persisted (see ``persist=True``)."""
    return list(designs(part, build, number))


def _row_sums_part(part: Any, build: PartBuilder, sums: Callable[..., Any], args: Any) -> Any:
    return add_any(*(sums(design, *args) for design in designs(part, build)))


def add_any(*parts: Any) -> Any:
    """Add partial sums elementwise: floats, arrays, or tuples of them."""
    if isinstance(parts[0], tuple):
        return tuple(add_any(*items) for items in zip(*parts, strict=True))
    return sum(parts[1:], parts[0])


def row_sums(parts: Sequence[Any], build: PartBuilder, sums: Callable[..., Any], *args: Any) -> Any:
    """One pass: add up ``sums(partition_design, *args)`` over the partitions.

    Parameters
    ----------
    parts : sequence of Delayed
        The partitions.
    build : FrameBuilder or ArrayBuilder
        Builds each partition's Design.
    sums : callable
        A function of a Design returning sums over its rows (see
        :func:`logitfit.design.core.sum_over_rows`).
    *args
        Passed on.

    Returns
    -------
    float, ndarray or tuple
    """
    from dask import delayed

    parts = [delayed(_row_sums_part, pure=True)(part, build, sums, args) for part in parts]
    return compute(tree_reduce(parts, add_any))
