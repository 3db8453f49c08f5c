"""Fit on data larger than memory with Dask: locally out of core, or on a distributed cluster.

The public face of the Dask backend (:mod:`logitfit.backends.dask`). ``logitfit.fit(formula, ddf)``
with a ``dask.dataframe.DataFrame`` and ``logitfit.fit_arrays(X, y)`` with ``dask.array`` inputs
send the fit there (:mod:`logitfit.backends.dask.fit`); the result is the usual
:class:`logitfit.LogitResult`. Per-row results of such a fit are lazy Dask collections:
:func:`predict`, :func:`residuals` and :func:`influence`.

Needs the ``dask`` extra (``pip install 'logitfit[dask]'``). Nothing here imports Dask until it
is used, so the core package works without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from logitfit.design.checks import is_dask_collection

if TYPE_CHECKING:
    from logitfit.backends.dask.fit import fit_dask_arrays, fit_dask_frame
    from logitfit.backends.dask.rows import influence, predict, predict_interval, residuals

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
    "fit_dask_arrays": "logitfit.backends.dask.fit",
    "fit_dask_frame": "logitfit.backends.dask.fit",
    "influence": "logitfit.backends.dask.rows",
    "predict": "logitfit.backends.dask.rows",
    "predict_interval": "logitfit.backends.dask.rows",
    "residuals": "logitfit.backends.dask.rows",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'logitfit.dask' has no attribute {name!r}")
