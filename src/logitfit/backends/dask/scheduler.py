"""Running a pass on whatever scheduler Dask is using, and summing partial results in a tree.

No scheduling of our own: ``dask.compute`` runs the graph on the local threaded scheduler (out of
core) or, when a ``dask.distributed.Client`` is active, on its cluster; progress is Dask's own
``ProgressBar`` or ``distributed.progress``.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["compute", "tree_reduce"]

#: Partial results combined per node of the reduction tree.
_FAN_IN = 8


def compute(graph: Any, progress: bool = False) -> Any:
    """Compute one lazy result with the active scheduler, optionally showing Dask's progress bar.

    Parameters
    ----------
    graph : dask collection or Delayed
        What to compute.
    progress : bool
        Show ``dask.diagnostics.ProgressBar`` (local schedulers) or ``distributed.progress``
        (when a ``dask.distributed.Client`` is active).

    Returns
    -------
    object
        The computed value.
    """
    import dask

    client = _active_client()
    if client is not None:
        future = client.compute(graph)
        if progress:
            from distributed import progress as show_progress

            # Standard error, so that a JSON result on standard output stays clean.
            with contextlib.redirect_stdout(sys.stderr):
                show_progress(future)
        return future.result()
    if progress:
        from dask.diagnostics import ProgressBar

        with ProgressBar(out=sys.stderr):
            return dask.compute(graph)[0]
    return dask.compute(graph)[0]


def _active_client() -> Any:
    """Return the default ``dask.distributed`` Client, or None when there is none."""
    try:
        from distributed import default_client
    except ImportError:  # pragma: no cover - distributed is part of the dask extra
        return None
    try:
        return default_client()
    except ValueError:  # no client was started: Dask's local scheduler runs the graph
        return None


def tree_reduce(parts: Sequence[Any], combine: Callable[..., Any]) -> Any:
    """Combine lazy partial results in a tree of ``combine(*parts)`` calls, ``_FAN_IN`` at a time.

    Parameters
    ----------
    parts : sequence of Delayed
        Per-partition results.
    combine : callable
        Combines any number of partial results into one.

    Returns
    -------
    Delayed
    """
    from dask import delayed

    level = list(parts)
    while True:
        level = [
            delayed(combine, pure=True)(*level[i : i + _FAN_IN])
            for i in range(0, len(level), _FAN_IN)
        ]
        if len(level) == 1:
            return level[0]
