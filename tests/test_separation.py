"""Separation: exact detection by linear programming on constructed designs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import logitfit
from logitfit import SeparationWarning, design_from_formula, detect_separation


def test_complete_separation_by_one_column() -> None:
    data = pd.DataFrame({"x": np.arange(10.0), "y": [0] * 5 + [1] * 5})
    with pytest.warns(SeparationWarning, match="Complete separation.*'x' \\(to \\+infinity\\)"):
        result = logitfit.fit("y ~ x", data)
    assert result.separation is not None
    assert result.separation.kind == "complete"
    assert result.separation.directions["x"] == 1
    assert len(result.separation.separated_rows) == 10
    frame = result.to_frame()
    assert frame.set_index("term").loc["x", "diverges"] == "+inf"
    assert "x (*)" in result.summary() and "Firth" in result.summary()
    assert result.to_dict()["estimation"]["separation"].startswith("Complete separation")


def test_quasi_complete_separation_by_a_factor_level_without_events() -> None:
    rng = np.random.default_rng(0)
    group = np.repeat(["a", "b", "c"], 40)
    y = (rng.random(120) < 0.5).astype(int)
    y[group == "c"] = 0  # level c has no events
    data = pd.DataFrame({"group": group, "x": rng.normal(size=120), "y": y})
    with pytest.warns(SeparationWarning, match="Quasi-complete"):
        result = logitfit.fit("y ~ x + C(group)", data)
    assert result.separation is not None
    assert result.separation.kind == "quasi-complete"
    assert result.separation.directions == {"C(group)[T.c]": -1}
    assert set(result.separation.separated_rows) == set(np.flatnonzero(group == "c"))


def test_separation_by_a_combination_that_no_single_column_shows() -> None:
    rng = np.random.default_rng(1)
    x1, x2 = rng.normal(size=200), rng.normal(size=200)
    y = (x1 + x2 > 0).astype(int)
    data = pd.DataFrame({"x1": x1, "x2": x2, "y": y})
    for column in ("x1", "x2"):  # neither column alone separates
        single = detect_separation(design_from_formula(f"y ~ {column}", data))
        assert single is None
    found = detect_separation(design_from_formula("y ~ x1 + x2", data))
    assert found is not None and found.kind == "complete"
    assert found.directions["x1"] == 1 and found.directions["x2"] == 1


def test_no_separation_on_ordinary_data(spector: pd.DataFrame) -> None:
    assert detect_separation(design_from_formula("GRADE ~ GPA + TUCE + PSI", spector)) is None
    result = logitfit.fit("GRADE ~ GPA + TUCE + PSI", spector)
    assert result.separation is None
    assert (result.to_frame()["diverges"] == "").all()


def test_events_trials_rows_with_both_outcomes_are_not_separated() -> None:
    data = pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0], "events": [0, 1, 3, 5], "n": [5, 5, 5, 5]})
    assert detect_separation(design_from_formula("events ~ x", data, trials="n")) is None
    data["events"] = [0, 0, 5, 5]
    found = detect_separation(design_from_formula("events ~ x", data, trials="n"))
    assert found is not None and found.kind == "complete"
