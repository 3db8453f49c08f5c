"""Fit on data larger than memory with Dask: locally out of core, or on a distributed cluster.

``logitfit.fit(formula, ddf)`` with a ``dask.dataframe.DataFrame`` and ``logitfit.fit_arrays(X, y)``
with ``dask.array`` inputs send the fit here (:mod:`logitfit.dask.fit`); the result is the usual
:class:`logitfit.LogitResult`. Per-row results of such a fit are lazy Dask collections:
:func:`predict`, :func:`residuals` and :func:`influence`.

Needs the ``dask`` extra (``pip install 'logitfit[dask]'``). Nothing here imports Dask until it
is used, so the core package works without it.
"""

from __future__ import annotations

from typing import Any

from logitfit._validation import is_dask_collection

__all__ = [
    "fit_dask_arrays",
    "fit_dask_frame",
    "influence",
    "is_dask_collection",
    "predict",
    "predict_interval",
    "residuals",
]

_LAZY = {
    "fit_dask_arrays": "logitfit.dask.fit",
    "fit_dask_frame": "logitfit.dask.fit",
    "influence": "logitfit.dask.rows",
    "predict": "logitfit.dask.rows",
    "predict_interval": "logitfit.dask.rows",
    "residuals": "logitfit.dask.rows",
}


def require_dask() -> None:
    """Raise a clear error when the ``dask`` extra is not installed."""
    try:
        import dask.dataframe  # noqa: F401
        import distributed  # noqa: F401
    except ImportError as error:
        from logitfit.exceptions import LogitfitError

        raise LogitfitError(
            f"Fitting Dask data needs the dask extra: pip install 'logitfit[dask]' ({error})."
        ) from error


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'logitfit.dask' has no attribute {name!r}")
