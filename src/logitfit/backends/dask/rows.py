"""Per-row results of a fit on Dask data, as lazy Dask collections.

Each is computed partition by partition with the in-memory functions: a partition's rows, the
fitted coefficients and the k x k covariance are all a row's prediction, residuals, leverage or
influence need (the leverage uses the whole data's information matrix, so the values equal the
in-memory ones). Nothing is computed until the user asks (``.compute()``, ``.to_parquet()``, ...).
Diagnostics that compare rows with each other (covariate patterns, Hosmer-Lemeshow groups, ROC
curves) need every row in memory and raise :class:`logitfit.exceptions.ScaleError`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, Literal, cast

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import stats

from logitfit.design import checks as check
from logitfit.design.core import Design, new_rows
from logitfit.diagnostics.influence import influence as memory_influence
from logitfit.exceptions import DataError
from logitfit.results.link_tables import interval_table, link_table

if TYPE_CHECKING:
    from logitfit.backends.dask.design import DaskDesign, PartBuilder
    from logitfit.results.result import LogitResult

__all__ = ["influence", "predict", "predict_interval", "residuals"]

Kind = Literal["probability", "link"]

_RESIDUALS = ["fitted", "resid_response", "resid_pearson", "resid_deviance"]


def _dask_design(result: LogitResult) -> DaskDesign:
    if result.design.lazy_rows() is None:  # only a design in partitions has lazy rows
        raise DataError(
            "This model was fitted in memory; use result.predict() or logitfit.influence(result)."
        )
    return cast("DaskDesign", result.design)


def _light(design: DaskDesign) -> DaskDesign:
    """Return the design without its Dask objects, small enough to ship to the workers."""
    return replace(design, parts=(), source=None)


def _empty(design: DaskDesign) -> Design:
    """Return a zero-row Design with the model's columns (for Dask's ``meta``)."""
    nothing = np.zeros(0)
    return Design(
        X=np.zeros((0, design.n_params)),
        successes=nothing,
        trials=nothing,
        weights=nothing,
        offset=nothing,
        names=design.names,
        response=design.response,
        event=design.event,
        intercept_index=design.intercept_index,
        row_labels=pd.RangeIndex(0),
    )


def _predict_fitted(
    part: Any,
    build: PartBuilder,
    coef: NDArray[np.float64],
    cov: NDArray[np.float64] | None,
    kind: Kind,
) -> pd.Series | pd.DataFrame:
    design = build(part)
    return link_table(design.X, design.offset, design.row_labels, coef, cov, kind)


def _predict_new(
    part: pd.DataFrame,
    design: DaskDesign,
    coef: NDArray[np.float64],
    cov: NDArray[np.float64] | None,
    kind: Kind,
    offset: str | None,
) -> pd.Series | pd.DataFrame:
    X, offsets, labels = new_rows(design, part, offset)
    return link_table(X, offsets, labels, coef, cov, kind)


def predict(
    result: LogitResult,
    new_data: Any = None,
    *,
    kind: Kind = "probability",
    offset: str | None = None,
    std_errors: bool = False,
) -> Any:
    """Lazy predictions of a Dask fit, for its own rows or a Dask DataFrame of new rows.

    Parameters
    ----------
    result : LogitResult
        A fit on Dask data.
    new_data : dask.dataframe.DataFrame, optional
        New rows (the formula with its levels is re-applied per partition); default the rows
        the model was fitted on.
    kind : {"probability", "link"}
        Probabilities or the linear predictor.
    offset : str, optional
        Offset column of ``new_data``.
    std_errors : bool
        Also give the standard error of the linear predictor, ``sqrt(x^T V x)``.

    Returns
    -------
    dask.dataframe.Series or DataFrame
        As :meth:`logitfit.LogitResult.predict`, one partition per input partition.
    """
    import dask.dataframe as dd
    from dask import delayed

    design = _dask_design(result)
    coef = result.coef.to_numpy()
    cov = result.cov.to_numpy() if std_errors else None
    empty = _empty(design)
    meta = link_table(empty.X, empty.offset, empty.row_labels, coef, cov, kind)
    if new_data is None:
        pieces = [
            delayed(_predict_fitted, pure=True)(part, design.build, coef, cov, kind)
            for part in design.parts
        ]
        return dd.from_delayed(pieces, meta=meta, verify_meta=False)
    if not isinstance(new_data, dd.DataFrame):
        raise DataError("new_data for a Dask fit must be a Dask DataFrame (or None).")
    return new_data.map_partitions(_predict_new, _light(design), coef, cov, kind, offset, meta=meta)


def predict_interval(result: LogitResult, level: float = 0.95) -> Any:
    """Lazy predicted probabilities of the fitted rows with intervals formed on the link scale.

    Parameters
    ----------
    result : LogitResult
        A fit on Dask data.
    level : float
        Confidence level, in (0, 1).

    Returns
    -------
    dask.dataframe.DataFrame
        ``probability, lower, upper`` per row.
    """
    quantile = float(stats.norm.ppf(0.5 + check.confidence_level(level) / 2.0))
    link = predict(result, kind="link", std_errors=True)
    return link.map_partitions(interval_table, quantile, meta=interval_table(link._meta, quantile))


def _influence_part(part: Any, build: PartBuilder, result: LogitResult) -> pd.DataFrame:
    return memory_influence(replace(result, design=build(part)))


def influence(result: LogitResult) -> Any:
    """Lazy residuals, leverage and influence measures of a Dask fit, one row per data row.

    The columns are those of :func:`logitfit.influence`; the leverage and dfbeta use the whole
    data's information matrix, so each row's values equal the in-memory fit's.

    Parameters
    ----------
    result : LogitResult
        A fit on Dask data.

    Returns
    -------
    dask.dataframe.DataFrame
    """
    import dask.dataframe as dd
    from dask import delayed

    design = _dask_design(result)
    light = replace(result, design=_light(design))
    meta = memory_influence(replace(light, design=_empty(design)))
    pieces = [
        delayed(_influence_part, pure=True)(part, design.build, light) for part in design.parts
    ]
    return dd.from_delayed(pieces, meta=meta, verify_meta=False)


def residuals(result: LogitResult) -> Any:
    """Lazy fitted probabilities and response, Pearson and deviance residuals of a Dask fit.

    Parameters
    ----------
    result : LogitResult
        A fit on Dask data.

    Returns
    -------
    dask.dataframe.DataFrame
        Columns ``fitted, resid_response, resid_pearson, resid_deviance``.
    """
    return influence(result)[_RESIDUALS]
