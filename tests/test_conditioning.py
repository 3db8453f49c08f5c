"""Standard errors on ill-conditioned designs against 50-digit inverses (mpmath) and R's QR.

The Cholesky route to (X'WX)^-1 loses about cond x 1e-16 relative: 1.1e-8 on the collinear
data (scaled condition number 5e8), 6e-9 on the wider case below (2.7e9). The fit switches to a
QR factorisation of sqrt(W) X above a scaled condition number of 1e6.
"""

from __future__ import annotations

from pathlib import Path

import mpmath as mp
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import logitfit
from logitfit._linalg import scaled_condition
from tests import r_reference

DATA = Path(__file__).resolve().parent / "data"
COLLINEAR_FORMULA = "y ~ x1 + x2 + x3 + x4 + x5 + x6 + C(g)"


def exact_std_errors(result: logitfit.LogitResult) -> np.ndarray:
    """sqrt(diag((X'WX)^-1)) at the fitted coefficients, with every operation in 50 digits."""
    X, coef = result.design.X, result.coef.to_numpy()
    n_rows, n_cols = X.shape
    with mp.workdps(50):
        rows = [[mp.mpf(v) for v in X[i]] for i in range(n_rows)]
        beta = [mp.mpf(v) for v in coef]
        weights = []
        for row in rows:
            eta = mp.fsum(a * b for a, b in zip(row, beta, strict=True))
            weights.append(1 / (1 + mp.exp(-eta)) / (1 + mp.exp(eta)))
        hessian = mp.matrix(n_cols, n_cols)
        for j in range(n_cols):
            for k in range(j, n_cols):
                value = mp.fsum(w * row[j] * row[k] for w, row in zip(weights, rows, strict=True))
                hessian[j, k] = hessian[k, j] = value
        inverse = hessian**-1
        return np.array([float(mp.sqrt(inverse[j, j])) for j in range(n_cols)])


@pytest.fixture(scope="module")
def collinear() -> pd.DataFrame:
    return pd.read_csv(DATA / "collinear.csv")


def test_collinear_standard_errors_match_a_50_digit_inverse(collinear: pd.DataFrame) -> None:
    result = logitfit.fit(COLLINEAR_FORMULA, collinear)
    assert scaled_condition(result.hessian) > 1e8
    assert_allclose(result.std_errors.to_numpy(), exact_std_errors(result), rtol=1e-10)
    # R's glm (QR of sqrt(W) X, refitted to epsilon = 1e-15; tests/r_reference.py).
    reference = r_reference.COLLINEAR_GLM
    names = list(reference["std_errors_tight"])
    assert_allclose(
        result.coef.to_numpy(), list(reference["coefficients_tight"].values()), rtol=1e-9
    )
    assert_allclose(
        result.std_errors.to_numpy(), [reference["std_errors_tight"][n] for n in names], rtol=1e-11
    )
    assert_allclose(result.deviance, reference["deviance_tight"], rtol=1e-12)


def test_units_and_near_aliasing_up_to_cond_1e14() -> None:
    """A column in other units (x 1e3) and x4 = x1 + x2 / 1e3 + x3 + 1e-4 noise."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=(400, 3))
    x4 = x.sum(axis=1) + 1e-4 * rng.normal(size=400)
    X = np.column_stack([x[:, 0], 1e3 * x[:, 1], x[:, 2], x4])
    y = (rng.random(400) < 1 / (1 + np.exp(-(0.2 + x[:, 0] - 0.5 * x[:, 2])))).astype(float)
    result = logitfit.fit_arrays(X, y)
    assert np.linalg.cond(result.hessian) > 1e14 and scaled_condition(result.hessian) > 1e9
    assert_allclose(result.std_errors.to_numpy(), exact_std_errors(result), rtol=1e-10)
    # The covariance is the one every consumer uses: Wald intervals, robust bread, influence.
    assert_allclose(np.sqrt(np.diag(result.cov)), result.std_errors, rtol=1e-15)


def test_well_conditioned_fits_keep_the_cholesky_path(spector: pd.DataFrame) -> None:
    result = logitfit.fit("GRADE ~ GPA + TUCE + PSI", spector)
    assert scaled_condition(result.hessian) < 1e6
    assert_allclose(result.std_errors.to_numpy(), exact_std_errors(result), rtol=1e-12)


def test_dask_fit_takes_the_qr_route_too(collinear: pd.DataFrame) -> None:
    """The R factors of the partitions combine by a QR of the stacked factors (one pass)."""
    dd = pytest.importorskip("dask.dataframe")
    result = logitfit.fit(COLLINEAR_FORMULA, dd.from_pandas(collinear, npartitions=3))
    in_memory = logitfit.fit(COLLINEAR_FORMULA, collinear)
    assert_allclose(result.std_errors, exact_std_errors(in_memory), rtol=1e-10)


def test_the_condition_estimate_brackets_numpy_s_condition_number() -> None:
    from logitfit._linalg import scaled_condition

    rng = np.random.default_rng(2)
    for correlation in (0.0, 0.9, 0.999, 0.99999):
        B = rng.normal(size=(400, 6))
        B[:, 1] = correlation * B[:, 0] + np.sqrt(1 - correlation**2) * B[:, 1]
        scaled = B * rng.uniform(1, 1e4, size=6)  # columns in very different units
        gram = scaled.T @ scaled
        root = np.sqrt(np.diag(gram))
        exact = np.linalg.cond(gram / np.outer(root, root), 1)
        # LAPACK's estimate is a lower bound, and within a factor 3 of it in practice.
        assert scaled_condition(gram) <= exact * 1.0001
        assert not scaled_condition(gram) <= exact / 3
    assert not scaled_condition(-np.eye(3)) <= 10.0
    assert not scaled_condition(np.array([[1.0, 2.0], [2.0, 1.0]])) <= 1e9
