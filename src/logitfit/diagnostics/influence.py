r"""Residuals, leverage and influence of a fitted model, per row and per covariate pattern.

Per row :math:`i` with :math:`y_i` events in :math:`m_i` trials, fitted probability
:math:`\mu_i`, variance :math:`v_i = m_i \mu_i (1 - \mu_i)` and model-based covariance
:math:`B = (X^T W X)^{-1}` (Hosmer, Lemeshow & Sturdivant, *Applied Logistic Regression*, 3rd
ed., sections 5.2-5.3; Williams 1987, *Generalized linear model diagnostics using the deviance
and single case deletion*, Appl. Stat. 36(2); Pregibon 1981, Ann. Stat. 9(4)):

* response residual :math:`y_i / m_i - \mu_i`; Pearson :math:`r_i = (y_i - m_i\mu_i) / \sqrt{v_i}`;
  deviance residual :math:`d_i = \operatorname{sign}(y_i - m_i \mu_i) \sqrt{2 [y_i \log(y_i /
  m_i \mu_i) + (m_i - y_i) \log((m_i - y_i)/(m_i (1 - \mu_i)))]}`;
* leverage :math:`h_i = v_i x_i^T B x_i`, the diagonal of the hat matrix of the weighted design;
* standardised residuals :math:`r_i / \sqrt{1 - h_i}` and :math:`d_i / \sqrt{1 - h_i}`;
  likelihood (studentised) residual :math:`\operatorname{sign}(d_i) \sqrt{d_i^2 + h_i r_i^2 /
  (1 - h_i)}` (R's ``rstudent.glm``);
* Cook's distance :math:`r_i^2 h_i / (p (1 - h_i)^2)` (R's ``cooks.distance.glm``);
* dfbeta, the one-step change :math:`\hat\beta - \hat\beta_{(i)} \approx B x_i (y_i - m_i
  \mu_i) / (1 - h_i)`, and dfbetas, dfbeta divided by the standard errors (dispersion fixed at 1,
  as statsmodels; R's ``dfbetas.glm`` divides by a leave-one-out residual scale instead).

Residuals are per observation: a row with frequency weight :math:`w_i` stands for :math:`w_i`
identical observations, each with the residual of the row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import stats
from scipy.special import log_expit

from logitfit.design.core import rows_in_memory
from logitfit.exceptions import DataError
from logitfit.likelihood.deviance import unit_deviance
from logitfit.likelihood.logistic import binomial_variance
from logitfit.results.records import Record

if TYPE_CHECKING:
    from logitfit.results.result import LogitResult

__all__ = [
    "CovariatePatterns",
    "binned_residuals",
    "covariate_patterns",
    "influence",
    "variance_inflation",
]


def _residual_parts(
    X: NDArray[np.float64],
    eta: NDArray[np.float64],
    successes: NDArray[np.float64],
    trials: NDArray[np.float64],
    cov: NDArray[np.float64],
) -> dict[str, NDArray[np.float64]]:
    """Pearson and deviance residuals and leverage for rows (or patterns) given their eta."""
    mu = np.exp(log_expit(eta))
    variance = trials * mu * np.exp(log_expit(-eta))
    raw = successes - trials * mu
    pearson = raw / np.sqrt(variance)
    # 2 [y log(y / m mu) + (m - y) log((m - y) / m (1 - mu))] in Loader's form, which does not
    # cancel when the trials are many (logitfit.likelihood.deviance).
    unit = unit_deviance(successes, trials, mu, np.exp(log_expit(-eta)))
    deviance = np.sign(raw) * np.sqrt(np.maximum(unit, 0.0))
    leverage = variance * np.einsum("ij,jk,ik->i", X, cov, X)
    return {
        "mu": mu,
        "raw": raw,
        "pearson": pearson,
        "deviance": deviance,
        "leverage": leverage,
    }


def influence(result: LogitResult) -> pd.DataFrame:
    """Residuals, leverage and influence measures, one row per data row.

    Parameters
    ----------
    result : LogitResult

    Returns
    -------
    pandas.DataFrame
        Indexed by row label, with columns ``fitted, resid_response, resid_pearson,
        resid_deviance, resid_pearson_std, resid_deviance_std, resid_likelihood, leverage,
        cooks_distance``, then ``dfbeta_<name>`` and ``dfbetas_<name>`` per coefficient.
        With frequency weights each row's values are those of one of its copies (the values the
        expanded data give each copy; R's ``glm`` instead treats the row as one group, with a
        leverage w times larger and residuals sqrt(w) times larger).
    """
    design = rows_in_memory(result.design, "influence table (use logitfit.dask.influence)")
    cov = result.model_cov
    eta = design.X @ result.coef.to_numpy() + design.offset
    parts = _residual_parts(design.X, eta, design.successes, design.trials, cov)
    leverage, pearson, deviance = parts["leverage"], parts["pearson"], parts["deviance"]
    complement = 1.0 - leverage
    dfbeta = (design.X @ cov) * (parts["raw"] / complement)[:, None]
    std_errors = np.sqrt(np.diag(cov))
    frame = pd.DataFrame(
        {
            "fitted": parts["mu"],
            "resid_response": design.successes / design.trials - parts["mu"],
            "resid_pearson": pearson,
            "resid_deviance": deviance,
            "resid_pearson_std": pearson / np.sqrt(complement),
            "resid_deviance_std": deviance / np.sqrt(complement),
            "resid_likelihood": np.sign(deviance)
            * np.sqrt(deviance**2 + leverage * pearson**2 / complement),
            "leverage": leverage,
            "cooks_distance": pearson**2 * leverage / (design.n_params * complement**2),
        },
        index=design.row_labels,
    )
    names = list(design.names)
    dfbetas = dfbeta / std_errors
    return pd.concat(
        [
            frame,
            pd.DataFrame(dfbeta, index=frame.index, columns=[f"dfbeta_{n}" for n in names]),
            pd.DataFrame(dfbetas, index=frame.index, columns=[f"dfbetas_{n}" for n in names]),
        ],
        axis=1,
    )


@dataclass(frozen=True)
class CovariatePatterns(Record):
    r"""Diagnostics over covariate patterns (Hosmer, Lemeshow & Sturdivant, sections 5.2 and 5.3).

    Attributes
    ----------
    table : pandas.DataFrame
        One row per pattern: ``rows`` (number of data rows), ``trials`` :math:`m_j`, ``events``
        :math:`y_j`, ``fitted`` :math:`\mu_j`, ``expected`` :math:`m_j \mu_j`, ``resid_pearson``
        :math:`r_j`, ``resid_deviance`` :math:`d_j`, ``leverage`` :math:`h_j`,
        ``delta_chi2`` :math:`r_j^2 / (1 - h_j)`, ``delta_deviance`` :math:`d_j^2 / (1 - h_j)`
        and ``delta_beta`` :math:`r_j^2 h_j / (1 - h_j)^2` (the forms Stata's ``predict`` after
        ``logistic`` uses), plus the pattern's predictor values.
    pattern_of_row : pandas.Series
        The pattern number of every data row.
    pearson_chi2, deviance : float
        :math:`X^2 = \sum_j r_j^2` and :math:`D = \sum_j d_j^2`.
    df : int
        :math:`J - p`.
    pearson_p_value, deviance_p_value : float
        Upper chi-square tail probabilities; meaningful only when patterns are few relative to
        the observations (large :math:`m_j`), see ``few_patterns``.
    few_patterns : bool
        True when the number of patterns is at most half the number of observations.
    """

    title: ClassVar[str] = "Diagnostics over covariate patterns"
    table: pd.DataFrame
    pattern_of_row: pd.Series
    pearson_chi2: float
    deviance: float
    df: int
    pearson_p_value: float
    deviance_p_value: float
    few_patterns: bool


def covariate_patterns(result: LogitResult) -> CovariatePatterns:
    """Group identical design rows (and offsets) into covariate patterns and diagnose each.

    Parameters
    ----------
    result : LogitResult

    Returns
    -------
    CovariatePatterns
    """
    design = rows_in_memory(result.design, "covariate-pattern analysis")
    keys = pd.DataFrame(np.column_stack([design.X, design.offset]))
    codes = keys.groupby(list(keys.columns), sort=False).ngroup().to_numpy()
    n_patterns = int(codes.max()) + 1
    first = np.unique(codes, return_index=True)[1]
    trials = np.bincount(codes, design.weights * design.trials, n_patterns).astype(np.float64)
    events = np.bincount(codes, design.weights * design.successes, n_patterns).astype(np.float64)
    rows = np.bincount(codes, minlength=n_patterns)
    X = design.X[first]
    eta = X @ result.coef.to_numpy() + design.offset[first]
    parts = _residual_parts(X, eta, events, trials, result.model_cov)
    complement = 1.0 - parts["leverage"]
    pearson, deviance = parts["pearson"], parts["deviance"]
    table = pd.DataFrame(
        {
            "rows": rows,
            "trials": trials,
            "events": events,
            "fitted": parts["mu"],
            "expected": trials * parts["mu"],
            "resid_pearson": pearson,
            "resid_deviance": deviance,
            "leverage": parts["leverage"],
            "delta_chi2": pearson**2 / complement,
            "delta_deviance": deviance**2 / complement,
            "delta_beta": pearson**2 * parts["leverage"] / complement**2,
        }
    )
    table = pd.concat([table, pd.DataFrame(X, columns=list(design.names))], axis=1)
    table.index.name = "pattern"
    df = n_patterns - design.n_params
    pearson_chi2, deviance_total = float(pearson @ pearson), float(deviance @ deviance)
    return CovariatePatterns(
        table=table,
        pattern_of_row=pd.Series(codes, index=design.row_labels, name="pattern"),
        pearson_chi2=pearson_chi2,
        deviance=deviance_total,
        df=df,
        pearson_p_value=float(stats.chi2.sf(pearson_chi2, df)) if df > 0 else float("nan"),
        deviance_p_value=float(stats.chi2.sf(deviance_total, df)) if df > 0 else float("nan"),
        few_patterns=n_patterns <= design.n_trials / 2,
    )


def variance_inflation(result: LogitResult) -> pd.DataFrame:
    r"""Generalised variance inflation factors per term (Fox & Monette 1992, JASA 87(417)).

    As R's ``car::vif`` for a ``glm``: with :math:`R` the correlation matrix of the coefficient
    estimates (model-based covariance, intercept removed), a term :math:`T` with the other
    coefficients :math:`O` has :math:`\mathrm{GVIF}_T = \det R_{TT} \det R_{OO} / \det R`;
    for a one-column term this is the usual VIF, :math:`(R^{-1})_{jj}`. The column
    ``gvif_adjusted`` is :math:`\mathrm{GVIF}^{1/(2\,df)}`, comparable across terms of different
    size.

    Parameters
    ----------
    result : LogitResult

    Returns
    -------
    pandas.DataFrame
        Indexed by term: ``df, gvif, gvif_adjusted``.
    """
    design = result.design
    keep = [j for j in range(design.n_params) if j != design.intercept_index]
    if len(keep) < 2:
        raise DataError("Variance inflation needs two or more coefficients besides the intercept.")
    cov = result.model_cov[np.ix_(keep, keep)]
    scale = np.sqrt(np.diag(cov))
    correlation = cov / np.outer(scale, scale)
    position = {design.names[j]: k for k, j in enumerate(keep)}
    log_det_all = np.linalg.slogdet(correlation)[1]
    rows = {}
    for term, columns in design.term_columns:
        inside = [position[c] for c in columns if c in position]
        if not inside:
            continue
        outside = [k for k in range(len(keep)) if k not in inside]
        log_gvif = (
            np.linalg.slogdet(correlation[np.ix_(inside, inside)])[1]
            + np.linalg.slogdet(correlation[np.ix_(outside, outside)])[1]
            - log_det_all
        )
        gvif = float(np.exp(log_gvif))
        rows[term] = {
            "df": len(inside),
            "gvif": gvif,
            "gvif_adjusted": gvif ** (1 / (2 * len(inside))),
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def binned_residuals(result: LogitResult, bins: int | None = None) -> pd.DataFrame:
    r"""Average response residual in bins of fitted probability (Gelman & Hill 2007, sec. 5.6).

    Rows are sorted by fitted probability and cut into ``bins`` groups of about equal mass of
    observations (default :math:`\lfloor\sqrt{N}\rfloor`, at most 50). Each bin reports the mean
    fitted probability, the mean residual :math:`\bar r = \sum (y_i - m_i \mu_i) / n_b` and the
    model-based band :math:`\pm 2 \sqrt{\sum m_i \mu_i (1 - \mu_i)} / n_b` inside which about
    95% of bins should fall when the model fits.

    Parameters
    ----------
    result : LogitResult
    bins : int, optional
        Number of bins.

    Returns
    -------
    pandas.DataFrame
        ``n, mean_fitted, mean_residual, band`` per bin.
    """
    design = rows_in_memory(result.design, "binned residual plot")
    mu = result.predict().to_numpy()
    mass = design.weights * design.trials
    count = bins if bins is not None else int(min(50, max(2, np.sqrt(design.n_trials))))
    order = np.argsort(mu, kind="stable")
    position = np.empty(design.n_rows)
    position[order] = (np.cumsum(mass[order]) - mass[order] / 2) / mass.sum()
    membership = np.minimum((position * count).astype(np.intp), count - 1)

    def per_bin(values: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.bincount(membership, values, count).astype(np.float64)

    n = per_bin(mass)
    used = n > 0
    residual = per_bin(design.weights * (design.successes - design.trials * mu))
    variance = per_bin(mass * binomial_variance(mu))
    return pd.DataFrame(
        {
            "n": n[used],
            "mean_fitted": per_bin(mass * mu)[used] / n[used],
            "mean_residual": residual[used] / n[used],
            "band": 2 * np.sqrt(variance[used]) / n[used],
        }
    )
