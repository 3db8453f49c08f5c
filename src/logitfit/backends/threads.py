"""Execution of in-memory row passes: contiguous row chunks on worker threads.

numpy's ufuncs and BLAS release the GIL, so threads working on separate row ranges keep every
core busy. How many threads a fit uses is a setting (``n_threads``, default the available
cores, at most 8); nothing here is kept between calls: each pass starts its own short-lived
pool, whose start-up (well under a millisecond) is small against a pass it is worth splitting.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import numpy as np
from threadpoolctl import ThreadpoolController

__all__ = [
    "available_cores",
    "blas_beside_passes",
    "blas_on_one_thread",
    "map_row_chunks",
    "row_chunks",
    "single_threaded_blas",
]

T = TypeVar("T")

#: Below about this many matrix entries per thread, a thread's start-up costs more than it saves.
_ENTRIES_PER_THREAD = 2_000_000

# From this many columns on, each block's X^T W X is large enough for OpenBLAS to start its own
# threads inside every worker thread, oversubscribing the cores: measured at 1e5 x 200 on 2 cores,
# limiting BLAS to one thread during the block-parallel pass cut the fit from 1.21 s to 0.77 s,
# while at 50 columns it cost about 5% (so it is not applied there).
_BLAS_LIMIT_COLUMNS = 100


def available_cores() -> int:
    """Return the cores this process may use, at most 8 (the default ``n_threads``)."""
    try:
        return max(1, min(len(os.sched_getaffinity(0)), 8))
    except AttributeError:  # not on Linux
        return max(1, min(os.cpu_count() or 1, 8))


def row_chunks(n_rows: int, n_cols: int, n_threads: int | None = None) -> list[slice]:
    """Split the rows into one contiguous chunk per worker thread, when that pays off.

    Measured at 1e6 x 50 on 2 cores, the Hessian accumulation took 0.081 s with two threads
    against 0.127 s with OpenBLAS's own two threads on one block stream.

    Parameters
    ----------
    n_rows, n_cols : int
        Shape of the design.
    n_threads : int, optional
        Largest number of threads; default :func:`available_cores`.

    Returns
    -------
    list of slice
    """
    limit = available_cores() if n_threads is None else n_threads
    workers = min(limit, max(1, (n_rows * n_cols) // _ENTRIES_PER_THREAD))
    if workers == 1:
        return [slice(0, n_rows)]
    cuts = np.linspace(0, n_rows, workers + 1).astype(int)
    return [slice(int(a), int(b)) for a, b in zip(cuts[:-1], cuts[1:], strict=True) if b > a]


def single_threaded_blas(n_cols: int) -> contextlib.AbstractContextManager[object]:
    """Limit BLAS to one thread while worker threads run blocks (wide designs only)."""
    if n_cols < _BLAS_LIMIT_COLUMNS:
        return contextlib.nullcontext()
    return blas_on_one_thread()


def blas_beside_passes(
    n_rows: int, n_cols: int, n_threads: int | None = None
) -> contextlib.AbstractContextManager[object]:
    """Limit BLAS to one thread for a whole fit whose passes run on worker threads.

    Between two passes the solver's own small BLAS calls (a p x p Cholesky, L-BFGS's updates)
    wake OpenBLAS's threads, which then spin for a while on the cores the next pass needs.
    Measured on 2 cores: 1e5 x 200 0.59-0.68 s -> 0.46-0.47 s (a gradient pass 36-41 ms ->
    29-30 ms), 1e5 x 50 0.17-0.23 s -> 0.15-0.16 s; 1e6 x 10 and 1e6 x 50 unchanged.
    """
    if len(row_chunks(n_rows, n_cols, n_threads)) == 1:
        return contextlib.nullcontext()
    return blas_on_one_thread()


def blas_on_one_thread() -> contextlib.AbstractContextManager[object]:
    """Limit BLAS to one thread (while this program's own threads share the cores)."""
    return ThreadpoolController().limit(limits=1, user_api="blas")


def map_row_chunks(
    function: Callable[[slice], T], n_rows: int, n_cols: int, n_threads: int | None = None
) -> list[T]:
    """Apply ``function`` to each row chunk, on threads when there is more than one chunk.

    Parameters
    ----------
    function : callable
        ``function(rows)`` for a slice of rows; must be safe to run concurrently.
    n_rows, n_cols : int
        Shape of the design.
    n_threads : int, optional
        Largest number of threads.

    Returns
    -------
    list
        One result per chunk, in row order.
    """
    chunks = row_chunks(n_rows, n_cols, n_threads)
    if len(chunks) == 1:
        return [function(chunks[0])]
    with (
        single_threaded_blas(n_cols),
        ThreadPoolExecutor(max_workers=len(chunks), thread_name_prefix="logitfit") as pool,
    ):
        return list(pool.map(function, chunks))
