r"""The binomial likelihood with logit link, as pure functions of (coefficients, design).

Notation (rows are observations; Hosmer, Lemeshow & Sturdivant, *Applied Logistic Regression*,
3rd ed., sections 1.2 and 2.2): for row i with predictors :math:`x_i`, offset :math:`o_i`,
:math:`y_i` events out of :math:`m_i` trials and frequency weight :math:`w_i`,

.. math::

    \eta_i = x_i^T \beta + o_i, \qquad \mu_i = \sigma(\eta_i) = 1 / (1 + e^{-\eta_i}),

    \ell(\beta) = \sum_i w_i \,[\, y_i \log \mu_i + (m_i - y_i) \log(1 - \mu_i)
                  + \log \tbinom{m_i}{y_i} \,],

    \nabla \ell = X^T \, w \odot (y - m \odot \mu), \qquad
    -\nabla^2 \ell = X^T \operatorname{diag}(w \odot m \odot \mu \odot (1 - \mu)) \, X,

    D(\beta) = 2 \sum_i w_i \,[\, y_i \log(y_i / (m_i \mu_i))
               + (m_i - y_i) \log((m_i - y_i) / (m_i (1 - \mu_i))) \,].

The seed tutorial's cost is the mean negative log-likelihood of binary data,
:math:`L = -\ell / n`, and its gradient is :math:`X^T (\mu - y) / n`.

Numerical care: :math:`\log \mu` and :math:`\log(1 - \mu)` are ``log_expit(eta)`` and
``log_expit(-eta)``, exact for any :math:`|\eta|` (no overflow, no log of 0); the variance
:math:`\mu (1 - \mu)` is ``expit(eta) * expit(-eta)``, which underflows gracefully to 0 rather
than cancelling. Every sum over rows runs over row blocks of about :data:`BLOCK_BYTES`, so the
only temporaries are one block-sized copy of ``X`` and a few block-length vectors; the same
block functions can later be mapped over Dask partitions.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray
from scipy.special import expit

from logitfit.backends.threads import map_row_chunks
from logitfit.likelihood.compiled import compiled_rows, uses_compiled
from logitfit.likelihood.deviance import unit_deviance
from logitfit.solvers._common import Evaluation

if TYPE_CHECKING:
    from logitfit.design.core import Design
    from logitfit.design.source import RowSource

__all__ = [
    "BLOCK_BYTES",
    "evaluate",
    "linear_predictor",
    "loglik",
    "mean_cost",
    "probabilities",
    "weighted_gram",
]

#: Target size of one row block of ``X``: small enough to stay in cache-friendly territory,
#: large enough that the per-block Python overhead is negligible.
BLOCK_BYTES = 2**21


def rows_per_block(n_cols: int, block_bytes: int | None = None) -> int:
    """Return the rows in one block of about ``block_bytes`` (default :data:`BLOCK_BYTES`)."""
    target = BLOCK_BYTES if block_bytes is None else block_bytes
    return max(1, target // (8 * max(n_cols, 1)))


def row_blocks(n_rows: int, n_cols: int, block_bytes: int | None = None) -> Iterator[slice]:
    """Yield slices that cut ``n_rows`` rows into blocks of about ``block_bytes`` of float64.

    Parameters
    ----------
    n_rows, n_cols : int
        Shape of the matrix to cut.
    block_bytes : int, optional
        Target size of one block; default :data:`BLOCK_BYTES`.

    Yields
    ------
    slice
    """
    step = rows_per_block(n_cols, block_bytes)
    for start in range(0, n_rows, step):
        yield slice(start, min(start + step, n_rows))


def linear_predictor(
    X: NDArray[np.float64], coef: NDArray[np.float64], offset: NDArray[np.float64] | None = None
) -> NDArray[np.float64]:
    """Return ``eta = X @ coef + offset``.

    Parameters
    ----------
    X : ndarray of shape (n, p)
    coef : ndarray of shape (p,)
    offset : ndarray of shape (n,), optional

    Returns
    -------
    ndarray of shape (n,)
    """
    eta = X @ coef
    return eta if offset is None else eta + offset


def log_expit_and_expit(
    eta: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Return ``log(expit(eta))`` and ``expit(eta)`` from one exponential, stable for any eta.

    With ``t = exp(-|eta|)`` (in (0, 1], never overflowing): ``log_expit(eta) = min(eta, 0) -
    log1p(t)`` and ``expit(eta) = 1 / (1 + t)`` for ``eta >= 0``, ``t / (1 + t)`` otherwise. These
    equal ``scipy.special.log_expit`` and ``expit`` to rounding (tested), and numpy's vectorised
    ``exp``/``log1p`` make them about three times faster, which matters in every pass.

    Parameters
    ----------
    eta : ndarray of shape (n,)

    Returns
    -------
    log_mu, mu : ndarray of shape (n,)
    """
    t = np.exp(-np.abs(eta))
    log_mu = np.minimum(eta, 0.0) - np.log1p(t)
    mu = np.where(eta >= 0.0, 1.0, t) / (1.0 + t)
    return log_mu, mu


def starting_point(design: RowSource) -> NDArray[np.float64]:
    """Zero slopes and the intercept at the logit of the overall event rate.

    Parameters
    ----------
    design : Design

    Returns
    -------
    ndarray of shape (p,)
    """
    start = np.zeros(design.n_params)
    if design.intercept_index is not None:
        start[design.intercept_index] = logit_rate(design)
    return start


def logit_rate(design: RowSource) -> float:
    """Return ``logit(E / N)``, the intercept-only estimate without offset.

    Parameters
    ----------
    design : RowSource

    Returns
    -------
    float
    """
    rate = design.n_events / design.n_trials
    return float(np.log(rate) - np.log1p(-rate))


def binomial_variance(mu: NDArray[np.float64]) -> NDArray[np.float64]:
    """Return ``mu (1 - mu)``, the variance of one Bernoulli trial, by subtraction.

    Its absolute error is below 3e-16 per row, which is all that matters where it is summed or
    used as a weight (a second exponential, ``expit(-eta)``, would cost more); where ``1 - mu``
    itself must keep every bit (``m (1 - mu)`` for large ``m``), :func:`evaluate` takes
    ``expit(-eta)`` instead.

    Parameters
    ----------
    mu : ndarray of shape (n,)

    Returns
    -------
    ndarray of shape (n,)
    """
    return mu * (1.0 - mu)


def link_std_errors(X: NDArray[np.float64], cov: NDArray[np.float64]) -> NDArray[np.float64]:
    """Return the standard error of each row's linear predictor, ``sqrt(x_i^T V x_i)``.

    Parameters
    ----------
    X : ndarray of shape (n, p)
        Design rows.
    cov : ndarray of shape (p, p)
        Covariance of the coefficients.

    Returns
    -------
    ndarray of shape (n,)
    """
    variance = np.empty(X.shape[0])
    for block in row_blocks(X.shape[0], X.shape[1]):
        variance[block] = np.einsum("ij,jk,ik->i", X[block], cov, X[block])
    return np.sqrt(np.maximum(variance, 0.0))


def probabilities(eta: NDArray[np.float64]) -> NDArray[np.float64]:
    """Return ``mu = 1 / (1 + exp(-eta))`` without overflow (``scipy.special.expit``).

    Parameters
    ----------
    eta : ndarray of shape (n,)

    Returns
    -------
    ndarray of shape (n,)
    """
    return np.asarray(expit(eta))


#: Sums over some rows: deviance, gradient, Hessian (or None), and max |eta|.
RowSums = tuple[float, NDArray[np.float64], NDArray[np.float64] | None, float]


def _evaluate_rows(
    coef: NDArray[np.float64],
    design: Design,
    rows: slice,
    with_hessian: bool,
    approximate_hessian: bool = False,
) -> RowSums:
    """Deviance, gradient and Hessian sums over ``rows``, block by block, and the largest |eta|.

    Unit weights, single trials and a zero offset skip their multiplications: on binary,
    unweighted data each block costs one matrix-vector product, one ``log_expit``, one
    ``expit``, the gradient product and the Hessian update. The deviance is the sum of the rows'
    unit deviances (never a difference of totals, see :mod:`logitfit.likelihood.deviance`).
    """
    X, n_cols = design.X, design.n_params
    if uses_compiled(design):
        blocks = row_blocks(rows.stop - rows.start, n_cols)
        shifted = (slice(rows.start + b.start, rows.start + b.stop) for b in blocks)
        return compiled_rows(coef, design, shifted, with_hessian, approximate_hessian)
    weighted = not design.unit_weights
    binary = design.is_binary
    offset = design.offset if design.has_offset else None
    deviance, largest = 0.0, 0.0
    gradient = np.zeros(n_cols)
    hessian = np.zeros((n_cols, n_cols)) if with_hessian else None
    for local in row_blocks(rows.stop - rows.start, n_cols):
        block = slice(rows.start + local.start, rows.start + local.stop)
        X_block = X[block]
        successes = design.successes[block]
        eta = X_block @ coef
        if offset is not None:
            eta += offset[block]
        # np.maximum, unlike max(), keeps a NaN (a non-finite coefficient) whichever block has it.
        largest = float(np.maximum(largest, np.max(np.abs(eta), initial=0.0)))
        log_mu, mu = log_expit_and_expit(eta)
        weights = design.weights[block] if weighted else 1.0
        if binary:
            # log(1 - mu) = log_expit(eta) - eta, so a binary row's unit deviance
            # -2 [y log mu + (1 - y) log(1 - mu)] is -2 [log_expit(eta) - (1 - y) eta]: no
            # saturated term and no cancellation.
            trials: NDArray[np.float64] | float = 1.0
            per_row = -2.0 * (log_mu - (1.0 - successes) * eta)
        else:
            trials = design.trials[block]
            # 1 - mu as expit(-eta), not by subtraction: m (1 - mu) must be exact to its last
            # bits when m is large.
            per_row = unit_deviance(successes, trials, mu, expit(-eta))
        deviance += float(np.sum(weights * per_row))
        residual = successes - trials * mu
        if weighted:
            residual *= weights
        gradient -= X_block.T @ residual
        if hessian is not None:
            variance = (weights * trials) * binomial_variance(mu)
            # (sqrt(W) X)^T (sqrt(W) X): the one block-sized copy of X.
            scaled = X_block * np.sqrt(variance)[:, None]
            hessian += scaled.T @ scaled
    return deviance, gradient, hessian, largest


def add_row_sums(*parts: RowSums) -> RowSums:
    """Combine the sums of disjoint sets of rows (threads' chunks, or Dask partitions)."""
    gradient = np.sum([part[1] for part in parts], axis=0)
    hessians = [part[2] for part in parts if part[2] is not None]
    hessian = np.sum(hessians, axis=0) if hessians else None
    largest = float(np.max([part[3] for part in parts]))  # a NaN propagates
    return sum(part[0] for part in parts), gradient, hessian, largest


def evaluation_from_sums(sums: RowSums) -> Evaluation:
    """Turn row sums into an Evaluation (the deviance is already the sum of unit deviances)."""
    deviance, gradient, hessian, largest = sums
    return Evaluation(deviance, gradient, hessian, largest_abs_eta=largest)


def evaluate(
    coef: NDArray[np.float64],
    design: Design,
    with_hessian: bool = True,
    n_threads: int | None = None,
    approximate_hessian: bool = False,
) -> Evaluation:
    """Deviance, gradient and Hessian of the total negative log-likelihood, in one pass.

    Parameters
    ----------
    coef : ndarray of shape (p,)
        Coefficients.
    design : Design
        The problem's data.
    with_hessian : bool
        Also accumulate ``X^T W X`` (skipped by gradient descent).
    n_threads : int, optional
        Largest number of threads for the pass (see :mod:`logitfit.backends.threads`); default the
        available cores.
    approximate_hessian : bool
        Allow the Hessian from float32 products where the pass is compiled
        (:func:`logitfit.likelihood.compiled.compiled_rows`), for Newton steps that do not
        decide the answer; a numpy pass forms it exactly regardless.

    Returns
    -------
    Evaluation
        ``gradient = -X^T (w (y - m mu))`` and ``hessian = X^T diag(w m mu (1 - mu)) X``.
    """
    parts = map_row_chunks(
        lambda rows: _evaluate_rows(coef, design, rows, with_hessian, approximate_hessian),
        design.n_rows,
        design.n_params,
        n_threads,
    )
    return evaluation_from_sums(add_row_sums(*parts))


def loglik(coef: NDArray[np.float64], design: Design) -> float:
    """Return the binomial log-likelihood at ``coef``, including ``log C(m, y)``.

    Parameters
    ----------
    coef : ndarray of shape (p,)
    design : Design

    Returns
    -------
    float
    """
    return deviance_to_loglik(evaluate(coef, design, with_hessian=False).deviance, design)


def deviance_to_loglik(deviance: float, design: RowSource) -> float:
    """Convert a deviance to the log-likelihood: ``l = l_saturated - D / 2``.

    The saturated log-likelihood is summed per row without cancellation
    (:func:`logitfit.likelihood.deviance.saturated_loglik_rows`).

    Parameters
    ----------
    deviance : float
    design : Design

    Returns
    -------
    float
    """
    return design.saturated_loglik - deviance / 2.0


def mean_cost(coef: NDArray[np.float64], design: Design) -> float:
    """Return the seed tutorial's cost, the mean negative log-likelihood per Bernoulli trial.

    Parameters
    ----------
    coef : ndarray of shape (p,)
    design : Design

    Returns
    -------
    float
        ``-(l(coef) - sum w log C(m, y)) / sum(w m)``; for binary data
        ``-(1/n) sum [y log mu + (1 - y) log(1 - mu)]``.
    """
    kernel = loglik(coef, design) - design.loglik_constant
    return -kernel / design.n_trials


def weighted_gram(X: NDArray[np.float64], weights: NDArray[np.float64]) -> NDArray[np.float64]:
    """Return ``X^T diag(weights) X`` summed over row blocks.

    Parameters
    ----------
    X : ndarray of shape (n, p)
    weights : ndarray of shape (n,)
        Non-negative.

    Returns
    -------
    ndarray of shape (p, p)
    """
    gram = np.zeros((X.shape[1], X.shape[1]))
    for block in row_blocks(X.shape[0], X.shape[1]):
        scaled = X[block] * np.sqrt(weights[block])[:, None]
        gram += scaled.T @ scaled
    return gram
