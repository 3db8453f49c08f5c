"""Prediction on new rows holding categorical levels the model was never fitted on.

formulaic codes such a level as all-zero dummies (the reference level) with only a warning;
logitfit refuses it by default, or with ``unseen="nan"`` predicts NaN for those rows alone.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import logitfit
from logitfit.exceptions import DataError
from tests.conftest import with_group

FORMULA = "y ~ x1 + x2 + C(group)"


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return with_group(400, seed=8)


@pytest.fixture(scope="module")
def result(data: pd.DataFrame) -> logitfit.LogitResult:
    return logitfit.fit(FORMULA, data)


def new_rows(groups: list[str]) -> pd.DataFrame:
    """New rows with the given groups, labelled 101, 102, ... (not positions)."""
    rng = np.random.default_rng(4)
    m = len(groups)
    frame = pd.DataFrame(
        {"x1": rng.normal(size=m), "x2": rng.gamma(2.0, 2.0, size=m), "group": groups},
        index=pd.RangeIndex(101, 101 + m),
    )
    return frame


NEW = ["b", "e", "c", "e", "zz", "a", "d"]  # "e" and "zz" were never fitted
UNSEEN = np.array([False, True, False, True, True, False, False])


def test_unseen_level_is_refused_naming_factor_levels_and_rows(
    result: logitfit.LogitResult,
) -> None:
    new = new_rows(NEW)
    # The silent answer this replaces: the rows of "e" predicted as the reference level "a".
    reference = result.predict(new.assign(group="a")).to_numpy()
    with pytest.raises(DataError) as raised:
        predicted = result.predict(new)
        assert not np.allclose(predicted.to_numpy()[UNSEEN], reference[UNSEEN])
    message = str(raised.value)
    assert "C(group) (column 'group') has 'e', 'zz'" in message
    assert "fitted levels: 'a', 'b', 'c', 'd'" in message
    assert "in 3 rows, labelled 102, 104, 105" in message
    assert "unseen='nan'" in message and "refit" in message


def test_unseen_nan_blanks_only_those_rows(result: logitfit.LogitResult) -> None:
    new = new_rows(NEW)
    known = new[~UNSEEN]
    for kind in ("probability", "link"):
        for std_errors in (False, True):
            with pytest.warns(UserWarning, match=r"NaN for 3 of 7 new rows.*C\(group\).*'e'"):
                got = result.predict(new, kind=kind, std_errors=std_errors, unseen="nan")
            expected = result.predict(known, kind=kind, std_errors=std_errors)
            assert_array_equal(got.index, new.index)
            values = np.asarray(got, dtype=float).reshape(len(new), -1)
            assert np.isnan(values[UNSEEN]).all()
            assert np.isfinite(values[~UNSEEN]).all()
            assert_allclose(got[~UNSEEN], expected, rtol=1e-15)


def test_unseen_nan_without_unseen_levels_is_an_ordinary_prediction(
    result: logitfit.LogitResult,
) -> None:
    new = new_rows(["a", "b", "c", "d"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # not even formulaic's level warning
        got = result.predict(new, std_errors=True, unseen="nan")
    assert_allclose(got, result.predict(new, std_errors=True), rtol=1e-15)


def test_every_row_unseen_gives_all_nan(result: logitfit.LogitResult) -> None:
    with pytest.warns(UserWarning, match="NaN for 2 of 2"):
        got = result.predict(new_rows(["e", "e"]), std_errors=True, unseen="nan")
    assert got.shape == (2, 2) and np.isnan(got.to_numpy()).all()


def test_predict_interval(result: logitfit.LogitResult) -> None:
    new = new_rows(NEW)
    with pytest.raises(DataError, match=r"C\(group\).*'e', 'zz'"):
        result.predict_interval(new)
    with pytest.warns(UserWarning, match="NaN for 3 of 7"):
        got = result.predict_interval(new, level=0.9, unseen="nan")
    assert list(got.columns) == ["probability", "lower", "upper"]
    assert np.isnan(got.to_numpy()[UNSEEN]).all()
    expected = result.predict_interval(new[~UNSEEN], level=0.9)
    assert_allclose(got[~UNSEEN], expected, rtol=1e-15)


@pytest.mark.parametrize("formula", ["y ~ x1 + x1:C(group)", "y ~ x2 + C(group):x1 + x1"])
def test_factor_inside_an_interaction(data: pd.DataFrame, formula: str) -> None:
    fitted = logitfit.fit(formula, data)
    new = new_rows(NEW)
    with pytest.raises(DataError, match=r"C\(group\) \(column 'group'\) has 'e', 'zz'"):
        fitted.predict(new)
    with pytest.warns(UserWarning, match="NaN for 3 of 7"):
        got = fitted.predict(new, unseen="nan")
    assert np.isnan(got[UNSEEN]).all()
    assert_allclose(got[~UNSEEN], fitted.predict(new[~UNSEEN]), rtol=1e-15)


@pytest.mark.parametrize("as_category", [False, True], ids=["text", "categorical"])
def test_bare_column(data: pd.DataFrame, as_category: bool) -> None:
    frame = data.assign(group=pd.Categorical(data.group)) if as_category else data
    fitted = logitfit.fit("y ~ x1 + x2 + group", frame)
    new = new_rows(NEW)
    with pytest.raises(DataError, match=r"column 'group' has 'e', 'zz'.*labelled 102, 104, 105"):
        fitted.predict(new)
    with pytest.warns(UserWarning, match="column 'group'"):
        got = fitted.predict(new, unseen="nan")
    assert np.isnan(got[UNSEEN]).all()
    assert_allclose(got[~UNSEEN], fitted.predict(new[~UNSEEN]), rtol=1e-15)


def test_every_factor_with_unseen_levels_is_named(data: pd.DataFrame) -> None:
    frame = data.assign(k=np.arange(len(data)) % 3)
    fitted = logitfit.fit("y ~ x1 + C(group) + C(k)", frame)
    new = new_rows(["a", "e", "b"]).assign(k=[0, 2, 7])
    with pytest.raises(DataError) as raised:
        fitted.predict(new)
    message = str(raised.value)
    assert "C(group) (column 'group') has 'e'" in message
    assert "C(k) (column 'k') has 7 (fitted levels: 0, 1, 2) in 1 row, labelled 103" in message
    with pytest.warns(UserWarning, match="NaN for 2 of 3"):
        got = fitted.predict(new, unseen="nan")
    assert np.isnan(got.to_numpy()[1:]).all() and np.isfinite(got.to_numpy()[0])


def test_many_rows_are_summarised(result: logitfit.LogitResult) -> None:
    with pytest.raises(DataError, match=r"in 9 rows, labelled 101, 102, 103, 104, 105 and 4 more"):
        result.predict(new_rows(["e"] * 9))


def test_missing_values_are_still_refused(result: logitfit.LogitResult) -> None:
    new = new_rows(NEW)
    new.loc[101, "x1"] = np.nan  # a row with a fitted level
    with pytest.raises(ValueError, match="null values"):
        result.predict(new, unseen="nan")
    new = new_rows(NEW)
    new.loc[102, "x1"] = np.nan  # a row with an unseen level: still an error, not NaN
    with pytest.raises(ValueError, match="null values"):
        result.predict(new, unseen="nan")
    new = new_rows(NEW)
    new.loc[101, "group"] = None  # a missing level is not an unseen one
    with pytest.raises(ValueError, match="null values"):
        result.predict(new, unseen="nan")


@pytest.mark.parametrize("value", ["drop", "NaN", None, True])
def test_bad_unseen_value_is_refused(result: logitfit.LogitResult, value: object) -> None:
    new = new_rows(["a", "b"])
    match = r"unseen must be 'raise' or 'nan'.*got"
    with pytest.raises(DataError, match=match):
        result.predict(new, unseen=value)  # type: ignore[arg-type]
    with pytest.raises(DataError, match=match):
        result.predict_interval(new, unseen=value)  # type: ignore[arg-type]


def test_array_models_accept_the_option(data: pd.DataFrame) -> None:
    fitted = logitfit.fit_arrays(data[["x1", "x2"]].to_numpy(), data.y.to_numpy())
    X = data[["x1", "x2"]].to_numpy()[:5]
    assert_allclose(fitted.predict(X, unseen="nan"), fitted.predict(X), rtol=1e-15)


def test_dask_new_data(data: pd.DataFrame) -> None:
    dd = pytest.importorskip("dask.dataframe")
    lazy = logitfit.fit(FORMULA, dd.from_pandas(data, npartitions=2))
    new = new_rows(NEW)
    # Each partition is checked as it is predicted: the first to fail names its own levels.
    with pytest.raises(DataError, match=r"C\(group\) \(column 'group'\) has '(e|zz)'"):
        lazy.predict(dd.from_pandas(new, npartitions=2)).compute()
    with pytest.raises(DataError, match="unseen='nan' is not available for Dask new data"):
        lazy.predict(dd.from_pandas(new, npartitions=2), unseen="nan")
    with pytest.warns(UserWarning, match="NaN for 3 of 7"):
        got = lazy.predict(new, unseen="nan")  # pandas new rows: predicted in memory
    assert np.isnan(got[UNSEEN]).all()
    assert_allclose(got[~UNSEEN], lazy.predict(new[~UNSEEN]), rtol=1e-15)
