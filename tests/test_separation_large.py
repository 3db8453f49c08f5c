"""Separation on data large enough for the subsample shortcut (in memory and on Dask).

Before: 60,000 rows with a factor level of 4 rows that are all events gave no
SeparationWarning (the 5,000-row subsample missed the level and was taken as proof), a
coefficient of about 38 with a standard error of 1e7, and only a ConvergenceWarning.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import logitfit
from logitfit.design.formula import design_from_formula
from logitfit.diagnostics import separation

RARE_ROWS = [101, 20_007, 33_333, 59_998]


def rare_level_data(n_rows: int = 60_000, rare: list[int] = RARE_ROWS) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    x = rng.normal(size=n_rows)
    level = rng.choice(["a", "b", "c"], size=n_rows).astype(object)
    level[rare] = "rare"
    y = (rng.random(n_rows) < 1 / (1 + np.exp(-0.3 * x))).astype(int)
    y[rare] = 1
    return pd.DataFrame({"x": x, "level": level, "y": y})


def test_a_rare_separated_level_is_found_in_memory() -> None:
    data = rare_level_data()
    with pytest.warns(logitfit.SeparationWarning, match=r"'C\(level\)\[T.rare\]' \(to \+inf"):
        fitted = logitfit.fit("y ~ x + C(level)", data)
    assert fitted.separation is not None
    assert fitted.separation.directions == {"C(level)[T.rare]": 1}
    assert fitted.separation.kind == "quasi-complete"
    assert sorted(fitted.separation.separated_rows) == RARE_ROWS


def test_the_shortcut_agrees_with_the_full_program(monkeypatch: pytest.MonkeyPatch) -> None:
    """Small data reach the subsample branch when its threshold is lowered."""
    small = rare_level_data(3_000, [7, 1_001, 2_003, 2_999])
    design = design_from_formula("y ~ x + C(level)", small)
    whole = separation.detect_separation(design)
    monkeypatch.setattr(separation, "_SUBSAMPLE", 100)
    shortcut = separation.detect_separation(design)
    assert whole is not None and shortcut is not None
    assert shortcut.directions == whole.directions == {"C(level)[T.rare]": 1}
    assert shortcut.separated_rows == whole.separated_rows
    # Without the rare level's events the data are not separated, by either route.
    design = design_from_formula("y ~ x", small)
    assert separation.detect_separation(design) is None


def test_a_rare_separated_level_is_found_on_dask() -> None:
    dd = pytest.importorskip("dask.dataframe")
    data = rare_level_data()
    with pytest.warns(logitfit.SeparationWarning, match=r"'C\(level\)\[T.rare\]' \(to \+inf"):
        fitted = logitfit.fit("y ~ x + C(level)", dd.from_pandas(data, npartitions=4))
    assert fitted.separation is not None
    assert fitted.separation.directions == {"C(level)[T.rare]": 1}
    assert fitted.separation.rows_count == 4
