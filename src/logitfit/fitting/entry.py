"""The entry points: a formula and a DataFrame, or arrays, to a fitted model.

Options are checked first; Dask inputs go to the backend through :mod:`logitfit.backends.dispatch`
(the one module that knows the Dask backend exists); everything else builds a validated design
and fits it (:func:`logitfit.fitting.core.fit_design`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Literal

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
from logitfit.inference.covariance import Covariance
from logitfit.inference.survey import SurveyDesign, per_stage, resolve
from logitfit.results.result import LogitResult

__all__ = ["WeightsKind", "fit", "fit_arrays"]

WeightsKind = Literal["frequency", "probability"]


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
    design: SurveyDesign | None = None,
    weights_kind: WeightsKind = "frequency",
    progress: bool = False,
    n_threads: int | None = None,
    persist: bool = False,
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
    design : SurveyDesign, optional
        A survey design (sampling weights, strata, clusters, fpc): pseudo-maximum-likelihood
        estimates with the design-based covariance of R's ``survey::svyglm`` and t tests on
        the design's degrees of freedom (see :mod:`logitfit.inference.survey`).
    weights_kind : {"frequency", "probability"}
        What ``weights`` are: frequencies (a weight of 2 is the row twice), or sampling
        weights, which is ``design=SurveyDesign(weights=...)``.
    method, cov_type, progress, n_threads, persist, **options
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
    settings = FitOptions.checked(method, options, cov_type, n_threads, progress, persist)
    survey = _survey(design, weights, weights_kind, cov_type, cluster)
    roles = RowRoles(survey.weights if survey else weights, offset, trials, event, missing)
    if backends.is_dask_collection(data):
        if survey is not None:
            raise DataError("Survey designs need the data in memory (a pandas DataFrame).")
        return backends.dask_fit().fit_dask_frame(formula, data, roles, cluster, settings)
    _in_memory(settings)
    data = as_pandas(data)  # polars, pyarrow, ...: the same design code reads them all
    rows = formula_design(formula, data, roles)
    result = dataclasses.replace(fit_checked(rows, settings), data=data)
    if survey is not None:
        if not data.index.is_unique:
            raise DataError("A survey design needs unique row labels: reset_index() the data.")
        positions = data.index.get_indexer(rows.row_labels)
        covariance = Covariance("survey", survey=resolve(survey, data, positions))
        return dataclasses.replace(result, covariance=covariance)
    if isinstance(cluster, str):
        if cluster not in data.columns:
            raise FormulaError(f"The cluster column '{cluster}' is not in the data.")
        cluster = data[cluster]
    return _with_covariance(result, cov_type, cluster, data.index)


def _in_memory(settings: FitOptions) -> None:
    """Refuse the settings that apply to Dask data only."""
    if settings.persist:
        raise DataError(
            "persist=True applies to Dask data (it keeps the partitions' design matrices in "
            "the workers' memory between passes); these data are in memory already."
        )


def _survey(
    design: SurveyDesign | None,
    weights: object,
    weights_kind: str,
    cov_type: str,
    cluster: object,
) -> SurveyDesign | None:
    """Return the survey design a call asks for (``design=``, or probability weights)."""
    if weights_kind not in ("frequency", "probability"):
        raise DataError(f"weights_kind must be 'frequency' or 'probability', got {weights_kind!r}.")
    if design is not None and not isinstance(design, SurveyDesign):
        raise DataError(f"design must be a logitfit.SurveyDesign, got {type(design).__name__}.")
    if weights_kind == "probability":
        if design is not None:
            raise DataError("Give the sampling weights in the SurveyDesign, not as weights=.")
        if weights is None:
            raise DataError("weights_kind='probability' needs weights=.")
        design = SurveyDesign(weights=weights)
    if design is None:
        return None
    if weights is not None and weights_kind == "frequency":
        raise DataError("A survey design carries its own weights: give them as its weights=.")
    if cov_type != "model" or cluster is not None:
        raise DataError(
            "A survey design sets the covariance (design-based): leave out cov_type and cluster."
        )
    return design


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
    design: SurveyDesign | None = None,
    weights_kind: WeightsKind = "frequency",
    progress: bool = False,
    n_threads: int | None = None,
    persist: bool = False,
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
    design : SurveyDesign, optional
        A survey design whose columns are arrays, one value per row of ``X``, as in
        :func:`fit`.
    weights_kind : {"frequency", "probability"}
        As in :func:`fit`.
    method, cov_type, progress, n_threads, persist, **options
        As in :func:`fit` (:class:`logitfit.fitting.options.FitOptions`).

    Returns
    -------
    LogitResult
    """
    settings = FitOptions.checked(method, options, cov_type, n_threads, progress, persist)
    survey = _survey(design, weights, weights_kind, cov_type, cluster)
    parts = [] if survey is None else [survey.weights, survey.strata]
    parts += [] if survey is None else per_stage(survey.clusters) + per_stage(survey.fpc)
    if any(isinstance(part, str) for part in parts):
        raise DataError("With arrays, a survey design's columns are arrays, not names.")
    roles = RowRoles(survey.weights if survey else weights, offset, trials, event, missing)
    if backends.is_dask_collection(X):
        if survey is not None:
            raise DataError("Survey designs need the data in memory (numpy arrays).")
        return backends.dask_fit().fit_dask_arrays(X, y, names, intercept, roles, cluster, settings)
    _in_memory(settings)
    X, y = as_pandas(X), as_pandas(y)
    rows = arrays_design(X, y, names, intercept, roles)
    result = fit_checked(rows, settings)
    if survey is not None:
        positions = np.asarray(rows.row_labels, dtype=np.intp)
        covariance = Covariance("survey", survey=resolve(survey, None, positions))
        return dataclasses.replace(result, covariance=covariance)
    index = X.index if isinstance(X, pd.DataFrame) else pd.RangeIndex(np.shape(X)[0])
    return _with_covariance(result, cov_type, cluster, index)
