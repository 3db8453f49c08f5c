"""The entry points: a formula and a DataFrame, or arrays, to a fitted model.

Options are checked first; Dask inputs go to the backend through :mod:`logitfit.backends.dispatch`
(the one module that knows the Dask backend exists); everything else builds a validated design
and fits it (:func:`logitfit.fitting.core.fit_design`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from logitfit.backends import dispatch as backends
from logitfit.design.arrays import arrays_design
from logitfit.design.formula import formula_design
from logitfit.design.frames import as_pandas
from logitfit.design.roles import Column, Missing, RowRoles, describe_row_roles
from logitfit.exceptions import DataError, FormulaError
from logitfit.fitting.core import Method, fit_checked
from logitfit.fitting.options import FitOptions
from logitfit.results.result import LogitResult

__all__ = ["fit", "fit_arrays"]


@describe_row_roles
def fit(
    formula: str,
    data: pd.DataFrame,
    *,
    weights: Column = None,
    offset: Column = None,
    trials: Column = None,
    event: object = None,
    missing: Missing = "raise",
    method: Method = "newton",
    cov_type: str = "model",
    cluster: Column = None,
    progress: bool = False,
    n_threads: int | None = None,
    **options: float | int | None,
) -> LogitResult:
    """Fit a logistic regression from a formula and a DataFrame (pandas or Dask).

    Parameters
    ----------
    formula : str
        ``"outcome ~ terms"`` (formulaic syntax; ``C(col)`` for a categorical predictor).
    data : DataFrame
        One row per observation: pandas, or any table narwhals reads (polars, pyarrow, ...;
        converted to pandas first, see :mod:`logitfit.design.frames`). A Dask DataFrame (e.g.
        ``dask.dataframe.read_parquet``) is fitted partition by partition without being
        collected (see :mod:`logitfit.dask`).
    {row_roles}
    cluster : str or array-like of shape (n,), optional
        Cluster labels for ``cov_type="CR1"``: a column of ``data`` or one label per row of it.
    method, cov_type, progress, n_threads, **options
        How to fit: see :class:`logitfit.fitting.options.FitOptions` (each checked by name).

    Returns
    -------
    LogitResult

    Examples
    --------
    >>> import logitfit, pandas as pd
    >>> data = pd.read_csv("data/spector.csv")  # doctest: +SKIP
    >>> logitfit.fit("GRADE ~ GPA + TUCE + PSI", data).coef  # doctest: +SKIP
    """
    settings = FitOptions.checked(method, options, cov_type, n_threads, progress)
    roles = RowRoles(weights, offset, trials, event, missing)
    if backends.is_dask_collection(data):
        return backends.dask_fit().fit_dask_frame(formula, data, roles, cluster, settings)
    data = as_pandas(data)  # polars, pyarrow, ...: the same design code reads them all
    design = formula_design(formula, data, roles)
    result = dataclasses.replace(fit_checked(design, settings), data=data)
    if isinstance(cluster, str):
        if cluster not in data.columns:
            raise FormulaError(f"The cluster column '{cluster}' is not in the data.")
        cluster = data[cluster]
    return _with_covariance(result, cov_type, cluster, data.index)


def _with_covariance(
    result: LogitResult, cov_type: str, cluster: ArrayLike | None, index: pd.Index
) -> LogitResult:
    """Apply a covariance choice, aligning cluster labels given for the input's rows."""
    if cov_type == "model" and cluster is None:
        return result
    if cluster is not None and not isinstance(cluster, pd.Series):
        labels = np.asarray(cluster)
        if labels.shape[0] != index.shape[0]:
            raise DataError(
                f"cluster has {labels.shape[0]} labels but the data have {index.shape[0]} rows."
            )
        cluster = pd.Series(labels, index=index)
    return result.with_covariance(cov_type, cluster)


@describe_row_roles
def fit_arrays(
    X: ArrayLike,
    y: ArrayLike,
    *,
    names: Sequence[str] | None = None,
    intercept: bool = True,
    weights: ArrayLike | None = None,
    offset: ArrayLike | None = None,
    trials: ArrayLike | None = None,
    event: object = None,
    missing: Missing = "raise",
    method: Method = "newton",
    cov_type: str = "model",
    cluster: ArrayLike | None = None,
    progress: bool = False,
    n_threads: int | None = None,
    **options: float | int | None,
) -> LogitResult:
    """Fit a logistic regression from a predictor matrix and an outcome vector.

    Parameters
    ----------
    X : array-like of shape (n, k)
        Numeric predictors (numpy array or DataFrame); a ``dask.array`` (with ``y`` and the
        extras as Dask arrays too) is fitted chunk by chunk (see :mod:`logitfit.dask`).
    y : array-like of shape (n,)
        Outcome: boolean, 0/1, two-level, or events out of ``trials``.
    names : sequence of str, length k, optional
        Predictor names.
    intercept : bool
        Add an intercept (default True).
    {row_roles}
    cluster : array-like of shape (n,), optional
        Cluster labels for ``cov_type="CR1"``, one per row of ``X``.
    method, cov_type, progress, n_threads, **options
        As in :func:`fit` (:class:`logitfit.fitting.options.FitOptions`).

    Returns
    -------
    LogitResult
    """
    settings = FitOptions.checked(method, options, cov_type, n_threads, progress)
    roles = RowRoles(weights, offset, trials, event, missing)
    if backends.is_dask_collection(X):
        return backends.dask_fit().fit_dask_arrays(X, y, names, intercept, roles, cluster, settings)
    X, y = as_pandas(X), as_pandas(y)
    design = arrays_design(X, y, names, intercept, roles)
    result = fit_checked(design, settings)
    index = X.index if isinstance(X, pd.DataFrame) else pd.RangeIndex(np.shape(X)[0])
    return _with_covariance(result, cov_type, cluster, index)
