"""The fit's own proof of no separation: never claimed when the linear program finds one."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import logitfit
from logitfit.diagnostics.separation import detect_separation
from logitfit.diagnostics.separation_certificate import certify_no_separation
from logitfit.fitting import core


def fitted(X: np.ndarray, y: np.ndarray, **extra: object) -> logitfit.LogitResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return logitfit.fit_arrays(X, y, **extra)  # type: ignore[arg-type]


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(8, 40), k=st.integers(1, 3),
       signal=st.floats(0.0, 6.0))  # fmt: skip
def test_a_proof_is_never_given_where_the_program_finds_separation(
    seed: int, n: int, k: int, signal: float
) -> None:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, k))
    y = (rng.random(n) < 1 / (1 + np.exp(-signal * X[:, 0]))).astype(float)
    if y.min() == y.max():
        return
    try:
        result = fitted(X, y)
    except logitfit.DataError:
        return  # rank-deficient draws
    if certify_no_separation(result.design, result.coef.to_numpy()):
        assert detect_separation(result.design) is None


def test_separated_data_get_no_proof() -> None:
    complete = (np.arange(20.0), (np.arange(20.0) > 9.5).astype(float))
    # Quasi-complete: at x = 10 both outcomes occur, above it only events, below only non-events.
    quasi = (np.r_[np.arange(20.0), 10.0], np.r_[(np.arange(20.0) >= 10).astype(float), 0.0])
    for x, y in (complete, quasi):
        result = fitted(x[:, None], y)
        assert not certify_no_separation(result.design, result.coef.to_numpy())
        assert result.separation is not None  # and the program found it


def test_strong_signals_are_proved_without_the_linear_program(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = np.random.default_rng(3)
    X = rng.normal(size=(3000, 20))
    y = (rng.random(3000) < 1 / (1 + np.exp(-(X @ rng.normal(0, 1.2, size=20))))).astype(float)
    calls: list[int] = []
    original = core.detect_separation
    monkeypatch.setattr(core, "detect_separation", lambda d: calls.append(1) or original(d))
    result = logitfit.fit_arrays(X, y)
    assert float(np.max(np.abs(result.design.X @ result.coef.to_numpy()))) > 15
    assert calls == [] and result.separation is None
    assert detect_separation(result.design) is None  # the program agrees
    # Events/trials rows with both outcomes, and weights, take the same proof.
    trials = rng.integers(1, 4, size=3000).astype(float)
    events = np.minimum(trials, y * trials)
    grouped = logitfit.fit_arrays(X, events, trials=trials, weights=np.full(3000, 2.0))
    assert certify_no_separation(grouped.design, grouped.coef.to_numpy())


@settings(max_examples=80, deadline=None)
@given(seed=st.integers(0, 10**6), n=st.integers(6, 60), k=st.integers(1, 4),
       signal=st.floats(0.0, 12.0), coarse=st.booleans(), grouped=st.booleans())  # fmt: skip
def test_no_proof_where_the_program_finds_separation_with_ties_and_trials(
    seed: int, n: int, k: int, signal: float, coarse: bool, grouped: bool
) -> None:
    # Predictors rounded to one decimal make ties, hence quasi-complete separation, common.
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, k)).round(1 if coarse else 8)
    y = (rng.random(n) < 1 / (1 + np.exp(-signal * X[:, 0]))).astype(float)
    extra: dict[str, object] = {}
    if grouped:
        trials = rng.integers(1, 3, size=n).astype(float)
        y, extra = np.minimum(trials, y * trials), {"trials": trials}
    if y.min() == y.max():
        return
    try:
        result = fitted(X, y, **extra)
    except logitfit.LogitfitError:
        return  # rank-deficient draws
    if certify_no_separation(result.design, result.coef.to_numpy()):
        assert detect_separation(result.design) is None
