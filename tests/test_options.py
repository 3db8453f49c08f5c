"""The fit settings (FitOptions): checked once by name, and n_threads honoured."""

from __future__ import annotations

import pandas as pd
import pytest
from numpy.testing import assert_allclose

import logitfit
from logitfit.backends import threads
from logitfit.fitting.options import FitOptions
from tests.conftest import with_group


def test_threads_are_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    """Small data reach the threaded path when the per-thread threshold is lowered."""
    data = with_group(3_000, seed=8)
    monkeypatch.setattr(threads, "_ENTRIES_PER_THREAD", 1_000)
    assert len(threads.row_chunks(3_000, 6, n_threads=1)) == 1
    assert len(threads.row_chunks(3_000, 6, n_threads=3)) == 3
    one = logitfit.fit("y ~ x1 + x2 + C(group)", data, n_threads=1)
    three = logitfit.fit("y ~ x1 + x2 + C(group)", data, n_threads=3)
    # Only the order of the floating-point sums differs.
    assert_allclose(three.coef, one.coef, rtol=1e-11)
    assert_allclose(three.std_errors, one.std_errors, rtol=1e-11)
    assert_allclose(three.deviance, one.deviance, rtol=1e-13)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"n_threads": 0}, "n_threads must be a whole number of at least 1"),
        ({"n_threads": 2.5}, "n_threads must be a whole number"),
        ({"cov_type": "HC3"}, "cov_type must be one of model, HC0, HC1, CR1"),
        ({"progress": "yes"}, "progress must be True or False"),
    ],
)
def test_bad_settings_are_refused_by_name(
    spector: pd.DataFrame, settings: dict[str, object], message: str
) -> None:
    with pytest.raises(logitfit.DataError, match=message):
        logitfit.fit("GRADE ~ GPA + TUCE + PSI", spector, **settings)  # type: ignore[arg-type]


def test_settings_are_frozen() -> None:
    settings = FitOptions.checked("newton", {"max_iter": 10})
    with pytest.raises(AttributeError):
        settings.method = "firth"  # type: ignore[misc]
    with pytest.raises(TypeError):
        settings.solver["max_iter"] = 3  # type: ignore[index]
