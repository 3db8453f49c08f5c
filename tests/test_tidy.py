"""broom-style tidy, glance and augment, against statsmodels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose

import logitfit
from tests.conftest import PENGUIN_FORMULA


@pytest.fixture(scope="module")
def fitted(penguins: pd.DataFrame) -> tuple[logitfit.LogitResult, object]:
    result = logitfit.fit(PENGUIN_FORMULA, penguins, missing="drop")
    design = result.design
    reference = sm.GLM(design.successes, design.X, family=sm.families.Binomial()).fit(tol=1e-13)
    return result, reference


def test_tidy_matches_statsmodels(fitted: tuple) -> None:
    result, reference = fitted
    table = logitfit.tidy(result)
    assert list(table.columns) == ["term", "estimate", "std_error", "statistic", "p_value",
                                   "conf_low", "conf_high"]  # fmt: skip
    assert_allclose(table["estimate"], reference.params, rtol=1e-9)
    assert_allclose(table["std_error"], reference.bse, rtol=1e-8)
    assert_allclose(table["statistic"], reference.tvalues, rtol=1e-8)
    assert_allclose(table["p_value"], reference.pvalues, rtol=1e-6)
    interval = np.asarray(reference.conf_int(alpha=0.1))
    narrow = logitfit.tidy(result, conf_level=0.9)
    assert_allclose(narrow[["conf_low", "conf_high"]], interval, rtol=1e-8)
    odds = logitfit.tidy(result, exponentiate=True, conf_method="profile")
    profile = logitfit.profile_conf_int(result)
    assert_allclose(odds["conf_low"], np.exp(profile["profile_low"]), rtol=1e-12)
    assert_allclose(odds["estimate"], np.exp(reference.params), rtol=1e-9)
    assert_allclose(odds["std_error"], reference.bse, rtol=1e-8)  # left on the log scale
    assert list(logitfit.tidy(result, conf_int=False).columns)[-1] == "p_value"
    with pytest.raises(logitfit.DataError, match="conf_method"):
        logitfit.tidy(result, conf_method="score")  # type: ignore[arg-type]


def test_glance_matches_statsmodels(fitted: tuple) -> None:
    result, reference = fitted
    row = logitfit.glance(result).iloc[0]
    assert_allclose(row["null_deviance"], reference.null_deviance, rtol=1e-10)
    assert_allclose(row["deviance"], reference.deviance, rtol=1e-10)
    assert_allclose(row["loglik"], reference.llf, rtol=1e-10)
    assert_allclose(row["aic"], reference.aic, rtol=1e-10)
    assert_allclose(row["bic"], reference.bic_llf, rtol=1e-10)
    assert row["df_residual"] == reference.df_resid and row["nobs"] == reference.nobs
    assert row["df_null"] == reference.nobs - 1 and row["converged"]
    assert row["n_events"] == reference.model.endog.sum()


def test_augment_adds_broom_columns_to_the_rows_used(fitted: tuple, penguins: pd.DataFrame) -> None:
    result, reference = fitted
    frame = logitfit.augment(result)
    assert list(frame.index) == list(result.design.row_labels)
    assert list(frame.columns[: penguins.shape[1]]) == list(penguins.columns)
    influence = reference.get_influence()
    assert_allclose(frame[".fitted"], reference.predict(which="linear"), rtol=1e-8, atol=1e-10)
    assert_allclose(frame[".probability"], reference.fittedvalues, rtol=1e-8)
    assert_allclose(frame[".resid"], reference.resid_deviance, rtol=1e-7, atol=1e-12)
    assert_allclose(frame[".pearson"], reference.resid_pearson, rtol=1e-7, atol=1e-12)
    assert_allclose(frame[".hat"], influence.hat_matrix_diag, rtol=1e-8)
    assert_allclose(frame[".cooksd"], influence.cooks_distance[0], rtol=1e-7)
    assert_allclose(frame[".std_resid"],
                    reference.resid_deviance / np.sqrt(1 - influence.hat_matrix_diag),
                    rtol=1e-7, atol=1e-12)  # fmt: skip
    arrays = logitfit.fit_arrays(result.design.X[:, 1:], result.design.successes)
    assert list(logitfit.augment(arrays).columns[:2]) == ["Intercept", "x1"]
    with pytest.raises(logitfit.DataError, match="lacks"):
        logitfit.augment(result, data=penguins.iloc[:10])
    with pytest.raises(logitfit.DataError, match="overwrite"):
        logitfit.augment(result, data=penguins.assign(**{".hat": 0.0}))
