"""Bad input: each case raises a project exception that names the column or row and the remedy."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import logitfit
from logitfit import (
    DataError,
    FormulaError,
    LogitfitError,
    MissingValueError,
    OutcomeError,
    RankDeficiencyError,
)


@pytest.fixture
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "x1": rng.normal(size=30),
            "x2": rng.normal(size=30),
            "g": rng.choice(["a", "b", "c"], size=30),
            "y": np.tile([0, 1, 1], 10),
        }
    )


def test_all_errors_share_the_project_base_class() -> None:
    for error in (DataError, FormulaError, MissingValueError, OutcomeError, RankDeficiencyError):
        assert issubclass(error, LogitfitError)


def test_missing_values_are_counted_and_located(frame: pd.DataFrame) -> None:
    frame.loc[[3, 7], "x1"] = np.nan
    frame.loc[5, "x2"] = np.inf
    with pytest.raises(MissingValueError) as caught:
        logitfit.fit("y ~ x1 + x2", frame)
    message = str(caught.value)
    assert "'x1' has 2 missing (rows 3, 7)" in message
    assert "'x2' has 1 infinite (row 5)" in message
    assert "missing='drop'" in message and "27 complete rows" in message


def test_dropping_missing_rows_is_explicit_and_recorded(frame: pd.DataFrame) -> None:
    frame.loc[[3, 7], "x1"] = np.nan
    result = logitfit.fit("y ~ x1 + x2", frame, missing="drop")
    assert result.design.dropped_rows == (3, 7)
    assert result.n_obs == 28
    assert "rows dropped for missing values: 2" in result.summary()


def test_missing_outcome_in_the_array_entry_point() -> None:
    y = np.array([0, 1, np.nan, 1, 0, 1])
    with pytest.raises(MissingValueError, match="'<outcome y>' has 1 missing \\(row 2\\)"):
        logitfit.fit_arrays(np.arange(6.0), y)


def test_outcome_with_more_than_two_levels(frame: pd.DataFrame) -> None:
    with pytest.raises(OutcomeError, match="has 3 levels \\('a', 'b', 'c'\\).*event="):
        logitfit.fit("g ~ x1", frame)
    result = logitfit.fit("g ~ x1", frame, event="b")
    assert result.design.event == "g == 'b'"


def test_numeric_outcome_that_is_not_zero_one(frame: pd.DataFrame) -> None:
    frame["y"] = frame["y"] + 1
    with pytest.raises(OutcomeError, match="must be 0/1.*pass event=2"):
        logitfit.fit("y ~ x1", frame)
    frame["y"] = frame["y"] - 1
    frame.loc[0, "y"] = 7
    with pytest.raises(OutcomeError, match="row 0 hold other values \\(e.g. 7\\)"):
        logitfit.fit("y ~ x1", frame)


@pytest.mark.parametrize("value", [0, 1])
def test_constant_outcome(frame: pd.DataFrame, value: int) -> None:
    frame["y"] = value
    with pytest.raises(OutcomeError, match="needs both outcomes"):
        logitfit.fit("y ~ x1", frame)


def test_single_level_string_outcome(frame: pd.DataFrame) -> None:
    frame["s"] = "yes"
    with pytest.raises(OutcomeError, match="single value 'yes' in all 30 rows"):
        logitfit.fit("s ~ x1", frame)


def test_length_mismatch() -> None:
    with pytest.raises(DataError, match="y has 4 entries but the data have 5 rows"):
        logitfit.fit_arrays(np.arange(5.0), [0, 1, 0, 1])
    with pytest.raises(DataError, match="weights has 3 entries but the data have 5 rows"):
        logitfit.fit_arrays(np.arange(5.0), [0, 1, 0, 1, 0], weights=[1, 2, 3])


def test_empty_data() -> None:
    with pytest.raises(DataError, match="no rows"):
        logitfit.fit("y ~ x", pd.DataFrame({"x": [], "y": []}))
    with pytest.raises(DataError, match="no rows"):
        logitfit.fit_arrays(np.empty((0, 2)), np.empty(0))


def test_fewer_rows_than_parameters() -> None:
    X = np.random.default_rng(1).normal(size=(3, 4))
    with pytest.raises(DataError, match="Only 3 rows for 5 coefficients"):
        logitfit.fit_arrays(X, [0, 1, 0])


def test_non_numeric_column_outside_a_formula(frame: pd.DataFrame) -> None:
    with pytest.raises(DataError, match="Column 'g' is not numeric.*C\\(g\\)"):
        logitfit.fit_arrays(frame[["x1", "g"]], frame["y"])


def test_unknown_column_in_the_formula_suggests_a_name(frame: pd.DataFrame) -> None:
    with pytest.raises(FormulaError, match="uses 'x3'.*not a column.*Available columns: 'x1'"):
        logitfit.fit("y ~ x1 + x3", frame)
    with pytest.raises(FormulaError, match="did you mean 'x1'"):
        logitfit.fit("y ~ X1", frame)


def test_formula_without_outcome(frame: pd.DataFrame) -> None:
    with pytest.raises(FormulaError, match="outcome on the left"):
        logitfit.fit("x1 + x2", frame)


def test_constant_column_next_to_the_intercept(frame: pd.DataFrame) -> None:
    frame["k"] = 3.0
    with pytest.raises(RankDeficiencyError, match="'k' take a single value.*intercept"):
        logitfit.fit("y ~ x1 + k", frame)
    with pytest.raises(RankDeficiencyError, match="'const'.*intercept"):
        logitfit.fit_arrays(frame[["x1"]].assign(const=1.0), frame["y"])


def test_collinear_columns_are_named_with_their_combination(frame: pd.DataFrame) -> None:
    frame["x3"] = 2 * frame["x1"] - frame["x2"]
    with pytest.raises(RankDeficiencyError) as caught:
        logitfit.fit("y ~ x1 + x2 + x3", frame)
    message = str(caught.value)
    assert "'x3' is a linear combination of earlier columns" in message
    assert "x3 = 2 * x1 + -1 * x2" in message


def test_duplicated_factor_coding_is_rank_deficient(frame: pd.DataFrame) -> None:
    frame["h"] = frame["g"].map({"a": 1.0, "b": 0.0, "c": 0.0})
    with pytest.raises(RankDeficiencyError, match="'h'"):
        logitfit.fit("y ~ C(g) + h", frame)


def test_negative_weights_and_bad_events(frame: pd.DataFrame) -> None:
    weights = np.ones(30)
    weights[4] = -1.0
    with pytest.raises(DataError, match="non-negative; row 4"):
        logitfit.fit("y ~ x1", frame, weights=weights)
    frame["n"] = 2
    frame.loc[6, "y"] = 3
    with pytest.raises(OutcomeError, match="between 0 and the trials; row 6"):
        logitfit.fit("y ~ x1", frame, trials="n")


def test_unknown_weights_column(frame: pd.DataFrame) -> None:
    with pytest.raises(FormulaError, match="'w', not a column"):
        logitfit.fit("y ~ x1", frame, weights="w")


def test_data_of_the_wrong_type() -> None:
    with pytest.raises(DataError, match="must be a pandas DataFrame.*fit_arrays"):
        logitfit.fit("y ~ x", {"x": [1, 2], "y": [0, 1]})  # type: ignore[arg-type]


def test_nearly_collinear_columns_still_fit_with_large_standard_errors() -> None:
    """Two columns equal to 1e-4 (R^2 about 1 - 1e-8): not aliased, so fitted, with huge SEs."""
    rng = np.random.default_rng(2)
    x = rng.normal(size=200)
    X = np.column_stack([x, x + 1e-4 * rng.normal(size=200)])
    y = (rng.random(200) < 0.5).astype(int)
    result = logitfit.fit_arrays(X, y)
    assert result.converged
    assert result.std_errors.iloc[2] > 1_000 * result.std_errors.iloc[0]


def test_a_non_finite_value_in_a_later_thread_chunk_is_named(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from logitfit.backends import threads

    monkeypatch.setattr(threads, "_ENTRIES_PER_THREAD", 100)  # small arrays checked on threads
    rng = np.random.default_rng(4)
    X = rng.normal(size=(400, 3))
    y = (rng.random(400) < 0.5).astype(float)
    X[390, 2] = np.inf
    with pytest.raises(logitfit.DataError, match=r"'x3' has 1 infinite \(row 390\)"):
        logitfit.fit_arrays(X, y)
    X[390, 2] = 0.5
    threaded = logitfit.fit_arrays(X, y)  # the intercept copied in chunks
    monkeypatch.setattr(threads, "_ENTRIES_PER_THREAD", 10**9)
    assert_allclose(threaded.coef, logitfit.fit_arrays(X, y).coef, rtol=1e-13)
