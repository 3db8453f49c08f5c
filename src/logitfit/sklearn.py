"""A scikit-learn classifier that keeps what scikit-learn leaves out: standard errors and tests.

:class:`LogitClassifier` fits by :func:`logitfit.fit_arrays`, so its coefficients and
standard errors are logitfit's to the last digit, and the whole :class:`~logitfit.LogitResult`
is kept as ``result_``. It is unpenalised by design (scikit-learn's ``LogisticRegression``
shrinks by default): under separation the maximum-likelihood estimate does not exist, the fit
warns with :class:`~logitfit.SeparationWarning` and the coefficients are the solver's last,
diverging iterate; ``method="firth"`` gives finite estimates instead. ``sample_weight`` acts
as frequency weights (a weight of 2 is the row twice, as scikit-learn's tests of sample
weights require); rows of weight 0 are left out.

Feature names come from a DataFrame's columns (for example a ``Pipeline`` whose steps
``set_output(transform="pandas")``), or from ``feature_names``.

scikit-learn is an optional dependency: ``pip install scikit-learn`` (it is in logitfit's
``test`` and ``bench`` extras).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from logitfit.exceptions import DataError
from logitfit.fitting.entry import fit_arrays
from logitfit.results.result import LogitResult

__all__ = ["LogitClassifier"]


class LogitClassifier(ClassifierMixin, BaseEstimator):
    """Binary logistic regression by maximum likelihood (or Firth's), with inference.

    Parameters
    ----------
    method : {"newton", "firth"}
        Maximum likelihood (default), or Firth's penalised likelihood (finite under
        separation).
    fit_intercept : bool
        Add an intercept.
    cov_type : {"model", "HC0", "HC1"}
        The covariance behind ``std_errors_`` (model-based by default).
    feature_names : sequence of str, optional
        Names of the columns of ``X``, when it is not a DataFrame.

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
        The two classes; the second is the modelled event.
    coef_ : ndarray of shape (1, n_features)
    intercept_ : ndarray of shape (1,)
        0 without an intercept.
    std_errors_ : ndarray of shape (1, n_features)
        Standard errors of ``coef_``.
    intercept_std_error_ : ndarray of shape (1,)
        Standard error of the intercept (NaN without one).
    result_ : LogitResult
        The whole fit: ``result_.summary()``, tests, intervals, diagnostics.
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        When ``X`` was a DataFrame.
    """

    def __init__(
        self,
        method: Literal["newton", "firth"] = "newton",
        fit_intercept: bool = True,
        cov_type: str = "model",
        feature_names: Sequence[str] | None = None,
    ) -> None:
        self.method = method
        self.fit_intercept = fit_intercept
        self.cov_type = cov_type
        self.feature_names = feature_names

    def __sklearn_tags__(self) -> Any:
        """Declare a binary classifier (multi-class targets are refused)."""
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags

    def _names(self, n_features: int) -> list[str]:
        if self.feature_names is not None:
            names = [str(name) for name in self.feature_names]
            if len(names) != n_features:
                raise DataError(
                    f"feature_names has {len(names)} names for {n_features} columns of X."
                )
            return names
        given = getattr(self, "feature_names_in_", None)
        if given is not None:
            return [str(name) for name in given]
        return [f"x{j}" for j in range(n_features)]

    def fit(
        self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> LogitClassifier:
        """Fit the model.

        Parameters
        ----------
        X : array-like of shape (n, n_features)
        y : array-like of shape (n,)
            Two classes.
        sample_weight : array-like of shape (n,), optional
            Frequency weights (non-negative; rows of weight 0 are left out).

        Returns
        -------
        LogitClassifier
            The fitted estimator.
        """
        X_checked, y_checked = validate_data(self, X, y, dtype=np.float64, y_numeric=False)
        check_classification_targets(y_checked)
        self.classes_ = np.unique(y_checked)
        if self.classes_.size != 2:
            raise DataError(
                f"LogitClassifier fits a binary outcome; y has {self.classes_.size} class(es) "
                f"({list(self.classes_[:5])}). Only binary classification is supported."
            )
        events = (y_checked == self.classes_[1]).astype(np.float64)
        weights = None
        if sample_weight is not None:
            weights = np.asarray(sample_weight, dtype=np.float64).reshape(-1)
            if weights.shape != events.shape:
                raise DataError(f"sample_weight has {weights.size} values for {events.size} rows.")
            if np.any(weights < 0) or not np.all(np.isfinite(weights)):
                raise DataError("sample_weight must be finite and non-negative.")
            kept = weights > 0
            if not kept.any():
                raise DataError("sample_weight is zero for every row: there is nothing to fit.")
            X_checked, events, weights = X_checked[kept], events[kept], weights[kept]
            if events.min() == events.max():
                raise DataError(
                    "The rows of non-zero sample_weight hold one class only; a binary "
                    "classifier needs both classes."
                )
        result = fit_arrays(
            X_checked,
            events,
            names=self._names(X_checked.shape[1]),
            intercept=self.fit_intercept,
            weights=weights,
            method=self.method,
            cov_type=self.cov_type,
        )
        self.result_: LogitResult = result
        coef = result.coef.to_numpy()
        errors = result.std_errors.to_numpy()
        index = result.design.intercept_index
        slopes = [j for j in range(coef.size) if j != index]
        self.coef_ = coef[slopes].reshape(1, -1)
        self.std_errors_ = errors[slopes].reshape(1, -1)
        self.intercept_ = np.array([coef[index] if index is not None else 0.0])
        self.intercept_std_error_ = np.array([errors[index] if index is not None else np.nan])
        return self

    def decision_function(self, X: ArrayLike) -> NDArray[np.float64]:
        """Return the linear predictor (log odds of the second class), shape (n,)."""
        check_is_fitted(self)
        X_checked = validate_data(self, X, dtype=np.float64, reset=False)
        return np.asarray(X_checked @ self.coef_[0] + self.intercept_[0], dtype=np.float64)

    def predict_proba(self, X: ArrayLike) -> NDArray[np.float64]:
        """Return the probabilities of the two classes, shape (n, 2)."""
        from scipy.special import expit

        check_is_fitted(self)
        probability = expit(self.decision_function(X))
        return np.column_stack([1.0 - probability, probability])

    def predict(self, X: ArrayLike) -> NDArray[Any]:
        """Return the more probable class of each row (the second when the log odds are > 0)."""
        check_is_fitted(self)
        return np.asarray(self.classes_[(self.decision_function(X) > 0).astype(np.intp)])

    def summary(self) -> str:
        """Return the fit's summary table (coefficients, standard errors, tests, intervals)."""
        check_is_fitted(self)
        return self.result_.summary()
