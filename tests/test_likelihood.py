"""The likelihood a result carries: constrained refits against statsmodels and R's logistf."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose
from scipy import stats

import logitfit
from logitfit.likelihood.methods import FIRTH, MAXIMUM_LIKELIHOOD
from tests.conftest import DATA


def test_each_result_carries_its_likelihood(spector: pd.DataFrame) -> None:
    assert logitfit.fit("GRADE ~ GPA + TUCE + PSI", spector).likelihood is MAXIMUM_LIKELIHOOD
    fitted = logitfit.fit("GRADE ~ GPA + TUCE + PSI", spector, method="firth")
    assert fitted.likelihood is FIRTH
    with pytest.raises(logitfit.DataError, match="no statsmodels counterpart"):
        logitfit.crosscheck(fitted)


def test_ml_refit_holding_two_coefficients_equals_statsmodels_with_an_offset(
    spector: pd.DataFrame,
) -> None:
    result = logitfit.fit("GRADE ~ GPA + TUCE + PSI", spector)
    design = result.design
    held = {1: 1.5, 3: 2.0}  # GPA and PSI
    refit = MAXIMUM_LIKELIHOOD.refit(design, held, result.coef.to_numpy())
    assert refit.ok
    assert_allclose(refit.coef[[1, 3]], [1.5, 2.0], rtol=0)
    offset = design.X[:, [1, 3]] @ np.array([1.5, 2.0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference = sm.GLM(
            design.successes, design.X[:, [0, 2]], family=sm.families.Binomial(), offset=offset
        ).fit(method="newton", tol=1e-14, maxiter=100)
    assert_allclose(refit.coef[[0, 2]], reference.params, rtol=1e-8)
    assert_allclose(refit.value, reference.deviance, rtol=1e-12)


def test_firth_value_is_minus_twice_the_penalised_loglik() -> None:
    data = pd.read_csv(DATA / "endometrial.csv")
    fitted = logitfit.fit("HG ~ NV + PI + EH", data, method="firth")
    coef = fitted.coef.to_numpy()
    value = FIRTH.value(coef, fitted.design, fitted.deviance)
    assert_allclose(value, -2 * logitfit.penalized_loglik(coef, fitted.design), rtol=1e-15)
    # Holding NV at 0 is logistf's penalised LR test of NV: p = 0.0091 in Heinze & Schemper
    # (2002), Table II (printed to 4 decimals).
    at_zero = FIRTH.refit(fitted.design, {1: 0.0}, coef)
    assert at_zero.ok
    assert_allclose(stats.chi2.sf(at_zero.value - value, 1), 0.0091, atol=5e-5)
