r"""Cluster-robust (CR1) covariance on Dask data: per-cluster score sums in one pass.

CR1's meat is :math:`\sum_g u_g u_g^T` with :math:`u_g = \sum_{i \in g} w_i x_i (y_i - m_i
\mu_i)` (see :mod:`logitfit.inference.covariance`). A cluster may span partitions, so each
partition sums its rows' scores by cluster label (a pandas groupby), and the reduction tree
adds the partial sums of the same label (concatenate, group by label, sum): the client receives
one row of ``p`` numbers per cluster, never a row of the data. The sums are the in-memory
ones up to the order of additions, and the in-memory code turns them into the covariance.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from logitfit.backends.dask.partitions import pieces
from logitfit.backends.dask.scheduler import compute, tree_reduce
from logitfit.design.core import Design
from logitfit.exceptions import DataError
from logitfit.inference.covariance import weighted_scores

if TYPE_CHECKING:
    from logitfit.backends.dask.design import DaskDesign, PartBuilder

__all__ = ["cluster_score_sums"]

#: A partition's partial sums: one row per cluster label, and the rows without a label.
Partial = tuple[pd.DataFrame, int]


def _labels(piece: pd.DataFrame, design: Design, column: str) -> NDArray[Any]:
    """Return the cluster label of each row of ``design`` (the rows of ``piece`` it kept)."""
    labels = piece[column]
    if design.n_rows == piece.shape[0]:
        return labels.to_numpy()
    if not piece.index.is_unique:
        raise DataError(
            "Rows were dropped for missing values in a partition whose row labels repeat, so "
            f"the cluster column '{column}' cannot be matched to the rows kept: give the data "
            "a unique index (ddf.reset_index(drop=True)) first."
        )
    return labels.reindex(design.row_labels).to_numpy()


def _part_sums(part: Any, build: PartBuilder, coef: NDArray[np.float64], column: str) -> Partial:
    frames, unlabelled = [], 0
    for piece, design in pieces(part, build):
        labels = _labels(piece, design, column)
        unlabelled += int(pd.isna(labels).sum())
        if design.n_rows:
            scores = weighted_scores(design, coef, slice(0, design.n_rows))
            frames.append(pd.DataFrame(scores).groupby(labels, sort=False).sum())
    return _combine(*((frame, 0) for frame in frames), (pd.DataFrame(), unlabelled))


def _combine(*parts: Partial) -> Partial:
    frames = [frame for frame, _ in parts if frame.shape[0]]
    joined = pd.concat(frames).groupby(level=0, sort=False).sum() if frames else pd.DataFrame()
    return joined, sum(count for _, count in parts)


def cluster_score_sums(
    design: DaskDesign, coef: NDArray[np.float64], column: str
) -> NDArray[np.float64]:
    """Return each cluster's score sum over every partition, in one Dask pass.

    Parameters
    ----------
    design : DaskDesign
        A formula fit's design (partitions are pandas DataFrames holding ``column``).
    coef : ndarray of shape (p,)
        The estimates.
    column : str
        The cluster column.

    Returns
    -------
    ndarray of shape (G, p)
        One row per cluster (in no particular order).

    Raises
    ------
    DataError
        When rows used by the fit have no cluster label.
    """
    from dask import delayed

    partials = [
        delayed(_part_sums, pure=True)(part, design.build, coef, column) for part in design.parts
    ]
    sums, unlabelled = compute(tree_reduce(partials, _combine))
    if unlabelled:
        raise DataError(f"cluster has {unlabelled} missing labels; fill or drop them.")
    return np.asarray(sums.to_numpy(dtype=np.float64))
