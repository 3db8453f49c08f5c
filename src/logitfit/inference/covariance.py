r"""Covariance estimators of the coefficients: model-based, HC0, HC1 and cluster-robust CR1.

With :math:`B = (X^T W X)^{-1}` (the inverse Hessian of the total negative log-likelihood, the
"bread") and per-row scores :math:`s_i = x_i (y_i - m_i \mu_i)` counted :math:`w_i` times, the
sandwich estimators are :math:`B M B` with the "meat" :math:`M` (White 1980; Zeileis 2006,
*Object-oriented computation of sandwich estimators*, J. Stat. Softw. 16(9)):

* ``model``: no meat, the covariance is :math:`B`. R ``vcov(fit)``; Stata ``logit`` default.
* ``HC0``: :math:`M = \sum_i w_i s_i s_i^T`. R ``sandwich::vcovHC(fit, type = "HC0")``.
* ``HC1``: HC0 times :math:`n / (n - p)`. R ``sandwich::vcovHC(fit, type = "HC1")``.
* ``CR1``: :math:`M = \frac{G}{G - 1} \sum_g u_g u_g^T` with cluster scores
  :math:`u_g = \sum_{i \in g} w_i s_i` over :math:`G` clusters. Stata
  ``logit, vce(cluster g)``; R ``sandwich::vcovCL(fit, cluster = ~g, type = "HC0")``.

Stata's ``vce(robust)`` for ``logit`` applies :math:`n / (n - 1)`, not :math:`n / (n - p)`;
it is Stata's ``vce(cluster id)`` with one observation per cluster, i.e. CR1 with singleton
clusters. For ML models Stata's cluster factor is :math:`G / (G - 1)` only, without the
:math:`(n - 1) / (n - p)` that ``regress`` adds, and this is what CR1 uses here.

statsmodels labels ``cov_type="HC1"`` to ``"HC3"`` for ``Logit`` but returns HC0 for all of them;
the tests compare HC0 with statsmodels and the finite-sample factors by exact calculation.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from logitfit._linalg import (
    ILL_CONDITIONED,
    TriangularFactor,
    covariance_from_factor,
    inverse_hessian,
    scaled_condition,
)
from logitfit.design.core import Design, rows_in_memory, sum_over_rows
from logitfit.exceptions import DataError, FewClustersWarning
from logitfit.inference.survey import survey_meat
from logitfit.likelihood.logistic import linear_predictor, probabilities, row_blocks, weighted_gram

if TYPE_CHECKING:
    from logitfit.design.source import RowSource
    from logitfit.inference.survey import SurveyRows
    from logitfit.results.result import LogitResult

__all__ = [
    "COVARIANCE_KINDS",
    "Covariance",
    "CovarianceKind",
    "covariance_for",
    "covariance_matrix",
    "make_covariance",
    "model_covariance",
    "weighted_scores",
]

CovarianceKind = Literal["model", "HC0", "HC1", "CR1", "survey"]

#: Below this many clusters CR1 warns (Cameron & Miller 2015, section VI: "few clusters").
FEW_CLUSTERS = 20

_LABELS = {
    "model": "model-based (inverse Hessian)",
    "HC0": "HC0 robust (sandwich vcovHC HC0)",
    "HC1": "HC1 robust, n/(n-p) (sandwich vcovHC HC1)",
    "CR1": "CR1 cluster-robust, G/(G-1) (Stata vce(cluster))",
}

#: The covariance estimators a cov_type names (a survey design brings its own: design=).
COVARIANCE_KINDS: tuple[str, ...] = tuple(_LABELS)


@dataclass(frozen=True, eq=False)
class Covariance:
    """Which covariance estimator a result uses.

    Attributes
    ----------
    kind : {"model", "HC0", "HC1", "CR1", "survey"}
    cluster_codes : ndarray of shape (n,) or None
        Integer cluster code per row (CR1 only).
    n_clusters : int
        Number of clusters (CR1 only, else 0).
    survey : SurveyRows or None
        The survey design on the fit's rows (``"survey"`` only; see
        :mod:`logitfit.inference.survey`).
    cluster_sums : ndarray of shape (G, p) or None
        The clusters' score sums, when a Dask pass formed them (CR1 on Dask data, see
        :mod:`logitfit.backends.dask.clusters`); None in memory, where the codes are kept.
    """

    kind: CovarianceKind = "model"
    cluster_codes: NDArray[np.intp] | None = None
    n_clusters: int = 0
    survey: SurveyRows | None = None
    cluster_sums: NDArray[np.float64] | None = None

    def describe(self) -> str:
        """Return the estimator's name with its R and Stata equivalents."""
        if self.survey is not None:
            return (
                "design-based, Taylor linearisation (survey::svyglm): "
                f"{self.survey.describe()}; {self.survey.degrees_of_freedom} design df"
            )
        label = _LABELS[self.kind]
        return f"{label}, {self.n_clusters} clusters" if self.kind == "CR1" else label


def make_covariance(
    kind: str, cluster: ArrayLike | None = None, n_rows: int | None = None
) -> Covariance:
    """Validate a covariance choice.

    Parameters
    ----------
    kind : {"model", "HC0", "HC1", "CR1"}
    cluster : array-like of shape (n,), optional
        Cluster label per row; required for (and only for) CR1.
    n_rows : int, optional
        Number of rows the labels must match.

    Returns
    -------
    Covariance
    """
    if kind == "survey":
        raise DataError(
            "A design-based covariance comes with its design: design=SurveyDesign(...)."
        )
    if kind not in _LABELS:
        raise DataError(f"cov_type must be one of {', '.join(_LABELS)}; got {kind!r}.")
    if kind != "CR1":
        if cluster is not None:
            raise DataError("cluster= is only used with cov_type='CR1'.")
        return Covariance(kind)  # type: ignore[arg-type]
    if cluster is None:
        raise DataError("cov_type='CR1' needs cluster= (a column name or one label per row).")
    labels = pd.Series(np.asarray(cluster))
    if n_rows is not None and labels.shape[0] != n_rows:
        raise DataError(f"cluster has {labels.shape[0]} labels but the model has {n_rows} rows.")
    if labels.isna().any():
        raise DataError(
            f"cluster has {int(labels.isna().sum())} missing labels; fill or drop them."
        )
    codes, uniques = pd.factorize(labels)
    _check_cluster_count(len(uniques))
    return Covariance("CR1", np.asarray(codes, dtype=np.intp), len(uniques))


def _check_cluster_count(n_clusters: int) -> None:
    """Refuse fewer than two clusters; warn below :data:`FEW_CLUSTERS`."""
    if n_clusters < 2:
        raise DataError("Cluster-robust covariance needs at least two clusters.")
    if n_clusters < FEW_CLUSTERS:
        warnings.warn(
            f"Only {n_clusters} clusters: cluster-robust standard errors are biased downwards "
            f"with fewer than about {FEW_CLUSTERS} clusters (Cameron & Miller 2015, J. Human "
            "Resources 50(2)); consider a wild cluster bootstrap or fewer, larger clusters.",
            FewClustersWarning,
            stacklevel=4,
        )


def _dask_clusters(result: LogitResult, cov_type: str, cluster: object) -> Covariance:
    """CR1 on Dask data: the clusters' score sums from one pass over the partitions."""
    design = result.design
    if cov_type != "CR1":
        raise DataError("cluster= is only used with cov_type='CR1'.")
    source = getattr(design, "source", None)
    columns = getattr(source, "columns", None)
    if not isinstance(cluster, str) or columns is None:
        raise DataError(
            "With Dask data, CR1 needs the cluster labels as a column of the Dask DataFrame "
            "the model is fitted from: cluster='column name' (labels in a separate array cannot "
            "be matched to the partitions' rows)."
        )
    if cluster not in columns:
        raise DataError(
            f"cluster='{cluster}' is not among the columns kept with this Dask fit "
            f"({', '.join(map(str, columns))}); refit with cov_type='CR1', cluster='{cluster}'."
        )
    sums = design.cluster_score_sums(result.coef.to_numpy(), cluster)  # type: ignore[attr-defined]
    _check_cluster_count(sums.shape[0])
    return Covariance("CR1", None, sums.shape[0], cluster_sums=sums)


def model_covariance(
    design: RowSource, coef: NDArray[np.float64], hessian: NDArray[np.float64]
) -> NDArray[np.float64]:
    r"""Return the model-based covariance, the inverse Hessian, as accurately as the data allow.

    A well-conditioned Hessian is inverted from its Cholesky factor. When the Hessian scaled to
    unit diagonal has a condition number above :data:`logitfit._linalg.ILL_CONDITIONED`, the
    covariance is :math:`R^{-1} R^{-T}` from a QR factorisation of :math:`W^{1/2} X` instead (one
    more pass over the rows), as R's ``glm`` computes it: the Gram matrix squares the condition
    number, so its Cholesky route loses about :math:`\kappa \epsilon` relative accuracy where the
    QR route loses :math:`\sqrt{\kappa} \epsilon`.

    Parameters
    ----------
    design : RowSource
    coef : ndarray of shape (p,)
        The estimate (where the weights W are evaluated).
    hessian : ndarray of shape (p, p)
        ``X^T W X`` at ``coef``.

    Returns
    -------
    ndarray of shape (p, p)
    """
    if scaled_condition(hessian) <= ILL_CONDITIONED:
        return inverse_hessian(hessian)
    return covariance_from_factor(sum_over_rows(design, _weighted_design_factor, coef))


def _weighted_design_factor(design: Design, coef: NDArray[np.float64]) -> TriangularFactor:
    """Return the R factor of ``sqrt(w m mu (1 - mu)) X``, accumulated over row blocks."""
    factor = TriangularFactor(np.zeros((design.n_params, design.n_params)))
    for block in row_blocks(design.n_rows, design.n_params):
        eta = linear_predictor(design.X[block], coef, design.offset[block])
        mu = probabilities(eta)
        variance = design.weights[block] * design.trials[block] * mu * probabilities(-eta)
        factor = factor + TriangularFactor.of_rows(design.X[block] * np.sqrt(variance)[:, None])
    return factor


def covariance_for(
    result: LogitResult, cov_type: str, cluster: str | ArrayLike | pd.Series | None = None
) -> Covariance:
    """Check a covariance choice for a fitted model (see :meth:`LogitResult.with_covariance`).

    Parameters
    ----------
    result : LogitResult
    cov_type : {"model", "HC0", "HC1", "CR1"}
    cluster : str, array-like of shape (n,) or pandas.Series, optional
        Labels per fitted row, a Series aligned on the row labels, or a column name of the
        DataFrame the model was fitted from.

    Returns
    -------
    Covariance
    """
    if result.covariance.kind == "survey":
        raise DataError(
            "This fit's covariance is its survey design's; refit without design= for another."
        )
    if cov_type != "model" and "robust" in result.likelihood.unsupported:
        raise DataError(result.likelihood.unsupported["robust"].format(cov_type=cov_type))
    if (cov_type == "CR1" or cluster is not None) and result.design.lazy_rows() is not None:
        return _dask_clusters(result, cov_type, cluster)
    if cov_type == "CR1" or cluster is not None:
        design = rows_in_memory(result.design, "cluster-robust covariance (CR1)")
    if isinstance(cluster, str):
        if result.data is None or cluster not in result.data.columns:
            raise DataError(
                f"cluster='{cluster}' names no column of the data this model was fitted "
                "from"
                + ("" if result.data is not None else " (it was fitted from arrays)")
                + "; pass one cluster label per row instead."
            )
        cluster = result.data[cluster]
    if isinstance(cluster, pd.Series):
        cluster = cluster.reindex(design.row_labels)
    return make_covariance(cov_type, cluster, result.design.n_rows)


def covariance_matrix(result: LogitResult) -> NDArray[np.float64]:
    """Return the covariance of the coefficients under ``result.covariance``.

    Parameters
    ----------
    result : LogitResult

    Returns
    -------
    ndarray of shape (p, p)
    """
    bread = result.model_cov
    spec = result.covariance
    if spec.kind == "model":
        return bread
    coef = result.coef.to_numpy()
    design = result.design
    if spec.kind == "survey" and spec.survey is not None:
        rows = rows_in_memory(design, "a survey design's covariance")
        scores = weighted_scores(rows, coef, slice(None))
        meat = survey_meat(scores, spec.survey)
    elif spec.kind in ("HC0", "HC1"):
        # A sum over rows: one pass in memory, or one Dask pass over the partitions.
        meat = sum_over_rows(design, _hc_meat, coef)
        if spec.kind == "HC1":
            meat *= design.n_obs / (design.n_obs - design.n_params)
    else:
        sums = (
            spec.cluster_sums
            if spec.cluster_sums is not None
            else _cluster_sums(design, spec, coef)
        )
        meat = sums.T @ sums * spec.n_clusters / (spec.n_clusters - 1)
    sandwich = bread @ meat @ bread
    return (sandwich + sandwich.T) / 2.0


def _cluster_sums(
    design: RowSource, spec: Covariance, coef: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Return each cluster's score sum ``u_g`` over the rows in memory."""
    rows = rows_in_memory(design, "cluster-robust covariance (CR1)")
    if spec.cluster_codes is None:
        raise DataError("cov_type='CR1' needs cluster labels.")
    sums = np.zeros((spec.n_clusters, rows.n_params))
    for block in row_blocks(rows.n_rows, rows.n_params):
        np.add.at(sums, spec.cluster_codes[block], weighted_scores(rows, coef, block))
    return sums


def weighted_scores(design: Design, coef: NDArray[np.float64], block: slice) -> NDArray[np.float64]:
    """Return the rows' score contributions ``w_i x_i (y_i - m_i mu_i)`` for a block of rows.

    Parameters
    ----------
    design : Design
    coef : ndarray of shape (p,)
    block : slice
        The rows.

    Returns
    -------
    ndarray of shape (rows, p)
    """
    return design.X[block] * (design.weights[block] * _residual(design, coef, block))[:, None]


def _residual(design: Design, coef: NDArray[np.float64], block: slice) -> NDArray[np.float64]:
    """Return the response residuals ``y - m mu`` of a block of rows."""
    eta = linear_predictor(design.X[block], coef, design.offset[block])
    return np.asarray(design.successes[block] - design.trials[block] * probabilities(eta))


def _hc_meat(design: Design, coef: NDArray[np.float64]) -> NDArray[np.float64]:
    """Sum ``X^T diag(w r^2) X`` over the design's rows, block by block."""
    meat = np.zeros((design.n_params, design.n_params))
    for block in row_blocks(design.n_rows, design.n_params):
        residual = _residual(design, coef, block)
        meat += weighted_gram(design.X[block], design.weights[block] * residual**2)
    return meat
