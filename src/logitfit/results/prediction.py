"""Predictions of a fitted model: probabilities or the linear predictor, with standard errors.

For rows in memory the formula (with its categorical levels) is re-applied to new data, as R's and
statsmodels' ``predict`` do; for a fit on Dask data the fitted rows, or a Dask DataFrame of new
rows, give lazy Dask collections (:mod:`logitfit.backends.dask.rows`).

Rows holding a categorical level the fit never saw are refused, or predicted as NaN with
``unseen="nan"`` (:mod:`logitfit.design.new_levels`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

from logitfit.design import checks as check
from logitfit.design.core import new_rows, rows_in_memory
from logitfit.design.new_levels import Unseen, unseen_option
from logitfit.exceptions import DataError
from logitfit.results.link_tables import interval_table, link_table

if TYPE_CHECKING:
    from logitfit.results.result import LogitResult

__all__ = ["predict", "predict_interval"]


def predict(
    result: LogitResult,
    new_data: pd.DataFrame | ArrayLike | None = None,
    *,
    kind: Literal["probability", "link"] = "probability",
    offset: str | ArrayLike | None = None,
    std_errors: bool = False,
    unseen: Unseen = "raise",
) -> Any:
    """Predict probabilities or the linear predictor (see :meth:`LogitResult.predict`).

    Parameters
    ----------
    result : LogitResult
    new_data : DataFrame or array-like of shape (m, k), optional
        New rows; default the fitted rows.
    kind : {"probability", "link"}
        Probabilities or the linear predictor.
    offset : str or array-like of shape (m,), optional
        Offset of the new rows.
    std_errors : bool
        Also the standard error of the linear predictor.
    unseen : {"raise", "nan"}
        For new rows holding a categorical level the fit never saw: raise DataError, or
        predict NaN (prediction and standard error) for those rows, with a UserWarning.

    Returns
    -------
    pandas.Series or DataFrame (Dask collections for a fit on Dask data)
    """
    if kind not in ("probability", "link"):
        raise DataError(f"kind must be 'probability' or 'link', got {kind!r}.")
    unseen = unseen_option(unseen)
    rows = result.design.lazy_rows()
    if rows is not None and (new_data is None or check.is_dask_collection(new_data)):
        if unseen != "raise" and new_data is not None:
            # The lazy path builds each partition with new_rows' default; rather than raise
            # from inside a partition later, say now that the option is not carried there.
            raise DataError(
                f"unseen={unseen!r} is not available for Dask new data: predict a pandas "
                "DataFrame (e.g. ddf.compute() or one partition), or recode unseen levels first."
            )
        return rows.predict(
            result,
            new_data,
            kind=kind,
            offset=offset,
            std_errors=std_errors,
        )
    if new_data is None:
        design = rows_in_memory(result.design, "prediction")
        X, offs, labels = design.X, design.offset, design.row_labels
    else:
        X, offs, labels = new_rows(result.design, new_data, offset, unseen)
    cov = result.cov.to_numpy() if std_errors else None
    return link_table(X, offs, labels, result.coef.to_numpy(), cov, kind)


def predict_interval(
    result: LogitResult,
    new_data: pd.DataFrame | ArrayLike | None = None,
    *,
    level: float = 0.95,
    offset: str | ArrayLike | None = None,
    unseen: Unseen = "raise",
) -> Any:
    """Predicted probabilities with link-scale intervals (see ``LogitResult.predict_interval``).

    Parameters
    ----------
    result : LogitResult
    new_data : DataFrame or array-like of shape (m, k), optional
        New rows; default the fitted rows.
    level : float
        Confidence level.
    offset : str or array-like of shape (m,), optional
        Offset of the new rows.
    unseen : {"raise", "nan"}
        As :func:`predict`; with ``"nan"`` the rows holding unseen levels get NaN probability
        and bounds.

    Returns
    -------
    pandas.DataFrame (a Dask DataFrame for a fit on Dask data)
    """
    unseen = unseen_option(unseen)  # before the Dask branch, which does not look at it
    rows = result.design.lazy_rows()
    if rows is not None and new_data is None:
        return rows.predict_interval(result, level)
    quantile = stats.norm.ppf(0.5 + check.confidence_level(level) / 2.0)
    link = predict(result, new_data, kind="link", offset=offset, std_errors=True, unseen=unseen)
    return interval_table(link, float(quantile))
