"""The scikit-learn estimator: scikit-learn's own checks, pipelines, and logitfit's numbers."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from sklearn.compose import ColumnTransformer
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

import logitfit
from logitfit.sklearn import LogitClassifier

# The check fits 31 coefficients to 27 distinct rows (repeated or weighted): without a penalty
# on the coefficients no maximum-likelihood (or Firth) estimate exists, so logitfit refuses both
# fits, with the same message, instead of returning one of infinitely many solutions.
TOO_FEW_ROWS = {
    "check_sample_weight_equivalence_on_dense_data": "31 coefficients for 27 distinct rows: "
    "no unpenalised estimate exists"
}


@parametrize_with_checks(
    [LogitClassifier(), LogitClassifier(method="firth")],
    expected_failed_checks=lambda estimator: TOO_FEW_ROWS,
)
def test_scikit_learn_estimator_checks(estimator: LogitClassifier, check: object) -> None:
    with warnings.catch_warnings():
        # scikit-learn's toy data are often separable: the warning is logitfit's honest answer.
        warnings.simplefilter("ignore", logitfit.SeparationWarning)
        check(estimator)  # type: ignore[operator]


def test_the_check_without_enough_rows_is_refused_both_ways() -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(27, 30))
    y = np.r_[np.zeros(13), np.ones(14)]
    counts = rng.integers(1, 4, size=27)
    with pytest.raises(logitfit.DataError):
        LogitClassifier().fit(X, y, sample_weight=counts)
    with pytest.raises(logitfit.DataError):
        LogitClassifier().fit(np.repeat(X, counts, axis=0), np.repeat(y, counts))


def test_coefficients_and_errors_are_fit_arrays_numbers(spector: pd.DataFrame) -> None:
    X, y = spector[["GPA", "TUCE", "PSI"]], spector["GRADE"]
    estimator = LogitClassifier().fit(X, y)
    reference = logitfit.fit_arrays(X, y)
    assert_allclose(estimator.coef_[0], reference.coef.to_numpy()[1:], rtol=1e-12)
    assert_allclose(estimator.intercept_, reference.coef.to_numpy()[:1], rtol=1e-12)
    assert_allclose(estimator.std_errors_[0], reference.std_errors.to_numpy()[1:], rtol=1e-12)
    assert_allclose(estimator.intercept_std_error_, reference.std_errors.to_numpy()[:1],
                    rtol=1e-12)  # fmt: skip
    assert list(estimator.result_.names) == ["Intercept", "GPA", "TUCE", "PSI"]
    assert "GPA" in estimator.summary()
    probability = estimator.predict_proba(X)
    assert_allclose(probability[:, 1], reference.predict().to_numpy(), rtol=1e-12)
    assert_allclose(probability.sum(axis=1), 1.0)
    assert (estimator.predict(X) == (probability[:, 1] > 0.5)).all()
    weighted = LogitClassifier().fit(X, y, sample_weight=np.arange(32) % 3 + 1)
    by_weights = logitfit.fit_arrays(X, y, weights=np.arange(32) % 3 + 1)
    assert_allclose(weighted.std_errors_[0], by_weights.std_errors.to_numpy()[1:], rtol=1e-12)
    named = LogitClassifier(feature_names=["a", "b", "c"]).fit(X.to_numpy(), y)
    assert list(named.result_.names) == ["Intercept", "a", "b", "c"]
    with pytest.raises(logitfit.DataError, match="feature_names has 2 names"):
        LogitClassifier(feature_names=["a", "b"]).fit(X.to_numpy(), y)
    with pytest.raises(logitfit.DataError, match="binary"):
        LogitClassifier().fit(X, np.arange(32) % 3)


def test_a_pipeline_with_a_column_transformer_names_the_features(
    penguins: pd.DataFrame,
) -> None:
    data = penguins.dropna()
    X, y = data[["bill_length_mm", "body_mass_g", "island"]], data["sex"]
    pipeline = Pipeline(
        [
            (
                "prepare",
                ColumnTransformer(
                    [
                        ("scale", StandardScaler(), ["bill_length_mm", "body_mass_g"]),
                        ("code", OneHotEncoder(drop="first", sparse_output=False), ["island"]),
                    ]
                ),
            ),  # fmt: skip
            ("logit", LogitClassifier()),
        ]
    ).set_output(transform="pandas")
    pipeline.fit(X, y)
    result = pipeline[-1].result_
    assert list(result.names) == ["Intercept", "scale__bill_length_mm", "scale__body_mass_g",
                                  "code__island_Dream", "code__island_Torgersen"]  # fmt: skip
    assert list(pipeline.classes_) == ["female", "male"]
    scores = cross_val_score(pipeline, X, y, cv=5, scoring="roc_auc")
    assert scores.shape == (5,) and (scores > 0.5).all()
    search = GridSearchCV(pipeline, {"logit__method": ["newton", "firth"]}, cv=3).fit(X, y)
    assert search.best_params_["logit__method"] in ("newton", "firth")


def test_separation_warns_and_firth_stays_finite() -> None:
    X = np.arange(10.0)[:, None]
    y = (X[:, 0] > 4.5).astype(int)
    with pytest.warns(logitfit.SeparationWarning):
        LogitClassifier().fit(X, y)
    firth = LogitClassifier(method="firth").fit(X, y)
    assert np.isfinite(firth.coef_).all() and np.isfinite(firth.std_errors_).all()
