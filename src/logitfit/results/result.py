r"""The fitted model: a frozen record with inference derived lazily.

Formulas (Hosmer, Lemeshow & Sturdivant, *Applied Logistic Regression*, 3rd ed., ch. 1-2;
Agresti, *Categorical Data Analysis*, 3rd ed., sections 4.5 and 5.2):

* covariance :math:`\widehat{\mathrm{Var}}(\hat\beta) = (X^T \hat W X)^{-1}`, the inverse of the
  Hessian of the total negative log-likelihood at :math:`\hat\beta` (observed information, equal to
  the expected information for the canonical logit link), by Cholesky;
* :math:`z_j = \hat\beta_j / \mathrm{se}_j`, two-sided :math:`p_j = 2 \Phi(-|z_j|)`, Wald
  interval :math:`\hat\beta_j \pm z_{1-\alpha/2} \, \mathrm{se}_j`; odds ratios and their
  intervals by exponentiating;
* :math:`\mathrm{AIC} = -2\ell + 2p`, :math:`\mathrm{BIC} = -2\ell + p \log n` with :math:`n` the
  number of observations (sum of frequency weights; rows of events/trials data count once each,
  as in R and statsmodels' GLM);
* likelihood-ratio statistic :math:`D_0 - D = 2(\ell - \ell_0)` on :math:`p - p_0` degrees of
  freedom; McFadden's :math:`R^2 = 1 - \ell / \ell_0`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from logitfit.design import checks as check
from logitfit.design.new_levels import Unseen
from logitfit.diagnostics.separation import Separation
from logitfit.inference.covariance import Covariance, covariance_for, covariance_matrix
from logitfit.inference.survey import refuse_survey
from logitfit.likelihood.logistic import (
    deviance_to_loglik,
)
from logitfit.likelihood.methods import MAXIMUM_LIKELIHOOD, Likelihood
from logitfit.solvers import SolverResult

if TYPE_CHECKING:
    from logitfit.design.source import RowSource
    from logitfit.inference.measures import FirthTests

__all__ = ["LogitResult"]


@dataclass(frozen=True, eq=False)
class LogitResult:
    """A fitted logistic regression.

    Attributes
    ----------
    design : RowSource
        The data the model was fitted on (a DaskDesign, holding totals only, for Dask data).
    coef : pandas.Series of length p
        Estimated coefficients, indexed by column name.
    hessian : ndarray of shape (p, p)
        Hessian of the total negative log-likelihood at ``coef`` (``X^T W X``).
    deviance : float
        Residual deviance.
    null_deviance : float
        Deviance of the null model (intercept and offset only; offset only without intercept).
    solver : SolverResult
        How the estimate was found (iterations, convergence, history).
    model_cov : ndarray of shape (p, p)
        The inverse Hessian, the model-based covariance (from a QR factorisation of
        ``sqrt(W) X`` when the Hessian is badly conditioned; see
        :func:`logitfit.inference.covariance.model_covariance`).
    separation : Separation or None
        The separation found by the exact check, if any.
    covariance : Covariance
        The covariance estimator behind ``cov``, ``std_errors``, ``z``, ``p_values`` and the
        Wald intervals (model-based by default; see :meth:`with_covariance`).
    likelihood : Likelihood
        The likelihood the fit maximised (maximum likelihood, or Firth's penalised one), which
        every refitting analysis asks (see :mod:`logitfit.likelihood.methods`).
    data : pandas.DataFrame or None
        The DataFrame a formula model was fitted from, held by reference (never copied), as
        statsmodels keeps ``model.data.frame``: ``with_covariance`` reads ``cluster=`` columns
        from it by name.
    """

    design: RowSource
    coef: pd.Series
    hessian: NDArray[np.float64]
    deviance: float
    null_deviance: float
    solver: SolverResult
    model_cov: NDArray[np.float64]
    separation: Separation | None = None
    covariance: Covariance = field(default_factory=Covariance)
    likelihood: Likelihood = MAXIMUM_LIKELIHOOD
    data: pd.DataFrame | None = field(default=None, repr=False)

    # -- estimation record ------------------------------------------------------------------
    @property
    def converged(self) -> bool:
        """Whether the solver met its convergence criteria."""
        return self.solver.converged

    @property
    def n_iter(self) -> int:
        """Number of solver iterations."""
        return self.solver.n_iter

    @property
    def gradient_norm(self) -> float:
        """Largest absolute component of the score at the estimate."""
        return self.solver.gradient_norm

    @property
    def names(self) -> pd.Index:
        """Coefficient names."""
        return self.coef.index

    # -- coefficient inference --------------------------------------------------------------
    @cached_property
    def cov(self) -> pd.DataFrame:
        """Covariance of the estimates (by default the inverse Hessian; see ``covariance``)."""
        return pd.DataFrame(covariance_matrix(self), index=self.names, columns=self.names)

    def with_covariance(
        self, cov_type: str, cluster: str | ArrayLike | pd.Series | None = None
    ) -> LogitResult:
        """Return the same fit with another covariance estimator.

        Parameters
        ----------
        cov_type : {"model", "HC0", "HC1", "CR1"}
            See :mod:`logitfit.inference.covariance` for the formulas and their R and Stata
            equivalents.
        cluster : str, array-like of shape (n,) or pandas.Series, optional
            Cluster label of each row used in the fit (a Series is aligned on the row labels),
            or the name of a column of the DataFrame the model was fitted from; required for
            ``"CR1"``. Fewer than 20 clusters give a :class:`~logitfit.exceptions.
            FewClustersWarning` (Cameron & Miller 2015: the CR1 standard errors are then biased
            downwards).

        Returns
        -------
        LogitResult
            Standard errors, z, p-values and intervals follow the new covariance.
        """
        return replace(self, covariance=covariance_for(self, cov_type, cluster))

    @cached_property
    def _firth_tests_95(self) -> FirthTests:
        """The penalised tests and 95% intervals of a Firth fit, computed once for the summary.

        The public way to them is :func:`logitfit.firth_tests` (any level); this cache lets the
        summary, ``to_frame()`` and ``to_dict()`` share one set of refits.
        """
        from logitfit.inference.measures import firth_tests

        return firth_tests(self)

    @cached_property
    def std_errors(self) -> pd.Series:
        """Standard errors, square roots of the covariance's diagonal."""
        return pd.Series(np.sqrt(np.diag(self.cov.to_numpy())), index=self.names, name="std_error")

    @cached_property
    def z(self) -> pd.Series:
        """Wald z statistics, ``coef / std_errors``."""
        return (self.coef / self.std_errors).rename("z")

    @property
    def wald_df(self) -> float | None:
        """Degrees of freedom of the Wald t tests: None (normal) unless under a survey design.

        Under a survey design, the design's degrees of freedom plus one minus the number of
        coefficients, as ``summary(svyglm)``.
        """
        survey = self.covariance.survey
        if survey is None:
            return None
        return float(survey.degrees_of_freedom + 1 - self.n_params)

    @cached_property
    def p_values(self) -> pd.Series:
        """Two-sided p-values of the Wald statistics: normal, or t with :attr:`wald_df`."""
        df = self.wald_df
        tail = stats.norm.sf(np.abs(self.z)) if df is None else stats.t.sf(np.abs(self.z), df)
        return pd.Series(2.0 * tail, index=self.names, name="p_value")

    def conf_int(self, level: float = 0.95) -> pd.DataFrame:
        """Wald confidence intervals of the coefficients.

        Parameters
        ----------
        level : float
            Confidence level, in (0, 1).

        Returns
        -------
        pandas.DataFrame of shape (p, 2)
            Columns ``lower`` and ``upper``.
        """
        upper = 0.5 + check.confidence_level(level) / 2.0
        df = self.wald_df
        quantile = stats.norm.ppf(upper) if df is None else stats.t.ppf(upper, df)
        half = quantile * self.std_errors
        return pd.DataFrame({"lower": self.coef - half, "upper": self.coef + half})

    @property
    def odds_ratios(self) -> pd.Series:
        """Odds ratios, ``exp(coef)`` (infinite when a coefficient is beyond ~709)."""
        with np.errstate(over="ignore"):
            return np.exp(self.coef).rename("odds_ratio")

    def odds_ratio_conf_int(self, level: float = 0.95) -> pd.DataFrame:
        """Confidence intervals of the odds ratios (the Wald intervals, exponentiated).

        Parameters
        ----------
        level : float
            Confidence level.

        Returns
        -------
        pandas.DataFrame of shape (p, 2)
        """
        interval = self.conf_int(level)
        with np.errstate(over="ignore"):
            return pd.DataFrame(
                np.exp(interval.to_numpy()), index=interval.index, columns=interval.columns
            )

    # -- fit statistics ---------------------------------------------------------------------
    @property
    def n_obs(self) -> float:
        """Number of observations (sum of frequency weights)."""
        return self.design.n_obs

    @property
    def n_params(self) -> int:
        """Number of coefficients."""
        return self.design.n_params

    @property
    def loglik(self) -> float:
        """Log-likelihood at the estimate (with ``log C(m, y)`` for events/trials data)."""
        return deviance_to_loglik(self.deviance, self.design)

    @property
    def loglik_null(self) -> float:
        """Log-likelihood of the null model."""
        return deviance_to_loglik(self.null_deviance, self.design)

    @property
    def df_null_params(self) -> int:
        """Number of parameters of the null model (1 with an intercept, else 0)."""
        return 0 if self.design.intercept_index is None else 1

    @property
    def df_resid(self) -> float:
        """Residual degrees of freedom, ``n - p``."""
        return self.n_obs - self.n_params

    @property
    def df_null(self) -> float:
        """Null degrees of freedom, ``n - 1`` (``n`` without an intercept)."""
        return self.n_obs - self.df_null_params

    @property
    def aic(self) -> float:
        """Akaike's information criterion, ``-2 loglik + 2 p``."""
        refuse_survey(self, "AIC")
        return -2.0 * self.loglik + 2.0 * self.n_params

    @property
    def bic(self) -> float:
        """Bayesian information criterion, ``-2 loglik + p log(n)``."""
        refuse_survey(self, "BIC")
        return -2.0 * self.loglik + self.n_params * np.log(self.n_obs)

    @property
    def lr_stat(self) -> float:
        """Likelihood-ratio chi-square against the null model, ``null_deviance - deviance``."""
        refuse_survey(self, "The likelihood-ratio chi-square")
        return self.null_deviance - self.deviance

    @property
    def lr_df(self) -> int:
        """Degrees of freedom of the likelihood-ratio test against the null model."""
        return self.n_params - self.df_null_params

    @property
    def lr_pvalue(self) -> float:
        """p-value of the likelihood-ratio test against the null model."""
        refuse_survey(self, "The likelihood-ratio p-value")
        return float(stats.chi2.sf(self.lr_stat, self.lr_df))

    @property
    def mcfadden_r2(self) -> float:
        """McFadden's pseudo-R2, ``1 - loglik / loglik_null`` (others: ``logitfit.pseudo_r2``)."""
        refuse_survey(self, "McFadden's R2")
        return 1.0 - self.loglik / self.loglik_null

    # -- prediction -------------------------------------------------------------------------
    def predict(
        self,
        new_data: pd.DataFrame | ArrayLike | None = None,
        *,
        kind: Literal["probability", "link"] = "probability",
        offset: str | ArrayLike | None = None,
        std_errors: bool = False,
        unseen: Unseen = "raise",
    ) -> pd.Series | pd.DataFrame:
        """Predict probabilities or the linear predictor, for the fitted rows or new data.

        Parameters
        ----------
        new_data : DataFrame or array-like of shape (m, k), optional
            New rows; the formula (with its categorical levels) is re-applied to them. Default:
            the rows the model was fitted on. For a fit on Dask data, the fitted rows or a Dask
            DataFrame give a lazy Dask Series or DataFrame (see :mod:`logitfit.backends.dask.rows`).
        kind : {"probability", "link"}
            Probabilities ``mu`` or the linear predictor ``eta``.
        offset : str or array-like of shape (m,), optional
            Offset of the new rows (required when the model has one).
        std_errors : bool
            Also return the standard error of the linear predictor, ``sqrt(x^T V x)``.
        unseen : {"raise", "nan"}
            What to do with new rows holding a categorical level the model was not fitted on
            (it has no coefficient for it): raise DataError naming the factor, the levels and
            the rows, or predict NaN (and a NaN standard error) for those rows alone, with a
            UserWarning. Rows with missing values are refused either way.

        Returns
        -------
        pandas.Series of length m, or DataFrame with columns ``prediction`` and
        ``link_std_error`` when ``std_errors`` is true.
        """
        from logitfit.results.prediction import predict

        return predict(
            self, new_data, kind=kind, offset=offset, std_errors=std_errors, unseen=unseen
        )

    def predict_interval(
        self,
        new_data: pd.DataFrame | ArrayLike | None = None,
        *,
        level: float = 0.95,
        offset: str | ArrayLike | None = None,
        unseen: Unseen = "raise",
    ) -> pd.DataFrame:
        r"""Predicted probabilities with confidence intervals formed on the link scale.

        The interval :math:`\operatorname{expit}(\hat\eta \pm z_{1-\alpha/2}\,
        \mathrm{se}(\hat\eta))` stays inside (0, 1), unlike a delta-method interval on
        the probability scale; statsmodels' ``get_prediction`` for GLMs does the same, as is
        usual with R's ``predict(..., se.fit = TRUE)``.

        Parameters
        ----------
        new_data : DataFrame or array-like of shape (m, k), optional
            As :meth:`predict`.
        level : float
            Confidence level.
        offset : str or array-like of shape (m,), optional
            As :meth:`predict`.
        unseen : {"raise", "nan"}
            As :meth:`predict`; with ``"nan"``, rows holding an unseen level get NaN
            probability and bounds.

        Returns
        -------
        pandas.DataFrame
            ``probability, lower, upper`` per row.
        """
        from logitfit.results.prediction import predict_interval

        return predict_interval(self, new_data, level=level, offset=offset, unseen=unseen)

    # -- presentation -----------------------------------------------------------------------
    def to_frame(self, level: float = 0.95) -> pd.DataFrame:
        """Tidy table, one row per coefficient.

        Parameters
        ----------
        level : float
            Confidence level of the intervals.

        Returns
        -------
        pandas.DataFrame
            Columns ``term, coef, std_error, z, p_value, conf_low, conf_high, odds_ratio,
            odds_ratio_low, odds_ratio_high`` and ``diverges`` (``"+inf"``/``"-inf"`` for a
            coefficient whose estimate is infinite because of separation, else ``""``).
        """
        from logitfit.results.summary import coefficient_table

        return coefficient_table(self, level)

    def summary(self, level: float = 0.95) -> str:
        """Readable text summary in the spirit of R's ``summary.glm`` and statsmodels.

        Parameters
        ----------
        level : float
            Confidence level of the intervals.

        Returns
        -------
        str
        """
        from logitfit.results.summary import format_summary

        return format_summary(self, level)

    def to_dict(self, level: float = 0.95) -> dict[str, Any]:
        """Coefficients, fit statistics and estimation record as JSON-ready built-in types.

        Parameters
        ----------
        level : float
            Confidence level of the intervals.

        Returns
        -------
        dict
        """
        from logitfit.results.summary import result_to_dict

        return result_to_dict(self, level)

    def __str__(self) -> str:
        return self.summary()
