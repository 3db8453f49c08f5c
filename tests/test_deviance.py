"""Deviance and log-likelihood of events/trials data against 50-digit evaluations (mpmath)."""

from __future__ import annotations

import mpmath as mp
import numpy as np
import pytest
from numpy.testing import assert_allclose

import logitfit
from logitfit.likelihood.deviance import bd0, saturated_loglik_rows, stirling_error


def _many_trials(trials: float, seed: int = 5, n: int = 40) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    m = np.full(n, trials)
    p = 1 / (1 + np.exp(-(-0.5 + 0.3 * x)))
    y = rng.binomial(m.astype(np.int64), p).astype(float)
    return x, y, m


def _exact(coef: np.ndarray, x: np.ndarray, y: np.ndarray, m: np.ndarray) -> tuple[mp.mpf, ...]:
    """Deviance and log-likelihood at ``coef`` from their definitions, with 50 digits."""
    with mp.workdps(50):
        deviance, loglik = mp.mpf(0), mp.mpf(0)
        for xi, yi, mi in zip(x, y, m, strict=True):
            eta = mp.mpf(coef[0]) + mp.mpf(coef[1]) * mp.mpf(xi)
            mu = 1 / (1 + mp.exp(-eta))
            yi, mi = mp.mpf(yi), mp.mpf(mi)
            deviance += 2 * (
                yi * mp.log(yi / (mi * mu)) + (mi - yi) * mp.log((mi - yi) / (mi * (1 - mu)))
            )
            log_choose = mp.loggamma(mi + 1) - mp.loggamma(yi + 1) - mp.loggamma(mi - yi + 1)
            loglik += log_choose + yi * mp.log(mu) + (mi - yi) * mp.log(1 - mu)
        return deviance, loglik


@pytest.mark.parametrize("trials", [1e4, 1e8, 1e10])
def test_deviance_loglik_aic_bic_with_many_trials(trials: float) -> None:
    """Before: 2 (saturated kernel - kernel) was 3.6e-8 off at 1e8 trials, 4.8e-6 at 1e10."""
    x, y, m = _many_trials(trials)
    result = logitfit.fit_arrays(x[:, None], y, trials=m)
    deviance, loglik = _exact(result.coef.to_numpy(), x, y, m)
    assert_allclose(result.deviance, float(deviance), rtol=1e-10)
    assert_allclose(result.loglik, float(loglik), rtol=1e-12)
    assert_allclose(result.aic, float(-2 * loglik + 4), rtol=1e-12)
    assert_allclose(result.bic, float(-2 * loglik + 2 * mp.log(len(x))), rtol=1e-12)
    # The null model: the intercept at the logit of the event rate.
    rate = y.sum() / m.sum()
    null_coef = np.array([np.log(rate) - np.log1p(-rate), 0.0])
    null_deviance, _ = _exact(null_coef, x, y, m)
    assert_allclose(result.null_deviance, float(null_deviance), rtol=1e-10)
    assert_allclose(result.lr_stat, float(null_deviance - deviance), rtol=1e-9)


def test_deviance_residuals_with_many_trials() -> None:
    x, y, m = _many_trials(1e10, n=12)
    result = logitfit.fit_arrays(x[:, None], y, trials=m)
    residuals = logitfit.influence(result)["resid_deviance"].to_numpy()
    b = result.coef.to_numpy()
    with mp.workdps(50):
        for value, xi, yi, mi in zip(residuals, x, y, m, strict=True):
            mu = 1 / (1 + mp.exp(-(mp.mpf(b[0]) + mp.mpf(b[1]) * mp.mpf(xi))))
            yi, mi = mp.mpf(yi), mp.mpf(mi)
            unit = 2 * (
                yi * mp.log(yi / (mi * mu)) + (mi - yi) * mp.log((mi - yi) / (mi * (1 - mu)))
            )
            assert_allclose(abs(value), float(mp.sqrt(unit)), rtol=1e-9)


def test_loader_terms_against_mpmath() -> None:
    x = np.array([0.0, 1.0, 3.0, 1e3, 1e8 + 12345.0, 5.0, 2.5e9])
    M = np.array([2.0, 1.0 + 1e-9, 7.5, 1e3 - 0.5, 1e8, 5.0, 2.4e9])
    values = bd0(x, M)
    with mp.workdps(50):
        for value, xi, Mi in zip(values, x, M, strict=True):
            xi, Mi = mp.mpf(xi), mp.mpf(Mi)
            exact = (xi * mp.log(xi / Mi) if xi > 0 else 0) + Mi - xi
            assert_allclose(value, float(exact), rtol=1e-13, atol=1e-300)
    n = np.array([0.5, 1.0, 7.0, 15.0, 15.5, 40.0, 100.0, 1e3, 1e9])
    with mp.workdps(50):
        for value, ni in zip(stirling_error(n), n, strict=True):
            ni = mp.mpf(ni)
            exact = mp.loggamma(ni + 1) - (ni + 0.5) * mp.log(ni) + ni - mp.log(2 * mp.pi) / 2
            # Absolute: it is added to logarithms of order 1 to 10 in the saturated value.
            assert_allclose(value, float(exact), rtol=1e-12, atol=1e-15)
    y = np.array([0.0, 3.0, 10.0, 4e9, 7.0])
    m = np.array([5.0, 3.0, 37.0, 1e10, 7.5])
    with mp.workdps(50):
        for value, yi, mi in zip(saturated_loglik_rows(y, m), y, m, strict=True):
            yi, mi = mp.mpf(yi), mp.mpf(mi)
            log_choose = mp.loggamma(mi + 1) - mp.loggamma(yi + 1) - mp.loggamma(mi - yi + 1)
            exact = log_choose + (yi * mp.log(yi / mi) if yi > 0 else 0)
            exact += (mi - yi) * mp.log((mi - yi) / mi) if mi > yi else 0
            assert_allclose(value, float(exact), rtol=1e-12, atol=1e-14)
