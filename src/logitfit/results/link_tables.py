"""Tables of predictions: the linear predictor or probability per row, with intervals.

Shared by in-memory predictions (:mod:`logitfit.results.prediction`) and the lazy ones of a Dask fit
(:mod:`logitfit.backends.dask.rows`), which build them partition by partition.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from logitfit.likelihood.logistic import linear_predictor, link_std_errors, probabilities

__all__ = ["interval_table", "link_table"]


def link_table(
    X: NDArray[np.float64],
    offset: NDArray[np.float64],
    labels: pd.Index,
    coef: NDArray[np.float64],
    cov: NDArray[np.float64] | None,
    kind: Literal["probability", "link"],
) -> pd.Series | pd.DataFrame:
    """Predictions of some rows, with the link's standard errors when ``cov`` is given.

    Parameters
    ----------
    X : ndarray of shape (m, p)
    offset : ndarray of shape (m,)
    labels : pandas.Index of length m
    coef : ndarray of shape (p,)
    cov : ndarray of shape (p, p) or None
        Covariance of the coefficients; None for the predictions alone.
    kind : {"probability", "link"}

    Returns
    -------
    pandas.Series named ``kind``, or DataFrame with ``prediction`` and ``link_std_error``.
    """
    eta = linear_predictor(X, coef, offset)
    prediction = pd.Series(
        probabilities(eta) if kind == "probability" else eta, index=labels, name=kind
    )
    if cov is None:
        return prediction
    return pd.DataFrame({"prediction": prediction, "link_std_error": link_std_errors(X, cov)})


def interval_table(link: pd.DataFrame, quantile: float) -> pd.DataFrame:
    """Turn link predictions and their standard errors into probabilities with intervals.

    Parameters
    ----------
    link : pandas.DataFrame
        ``prediction`` (the linear predictor) and ``link_std_error`` per row.
    quantile : float
        Normal quantile of the interval, e.g. 1.96.

    Returns
    -------
    pandas.DataFrame
        ``probability, lower, upper`` per row: ``expit(eta -/+ quantile * se)``.
    """
    eta = link["prediction"].to_numpy()
    half = quantile * link["link_std_error"].to_numpy()
    return pd.DataFrame(
        {
            "probability": probabilities(eta),
            "lower": probabilities(eta - half),
            "upper": probabilities(eta + half),
        },
        index=link.index,
    )
