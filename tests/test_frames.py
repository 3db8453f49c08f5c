"""polars and pyarrow tables give pandas' numbers and pandas' error messages."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from numpy.testing import assert_allclose

import logitfit
from logitfit.reporting import render_report
from tests.conftest import PENGUIN_FORMULA

CONVERTERS = {
    "polars": pl.from_pandas,
    "polars-lazy": lambda frame: pl.from_pandas(frame).lazy(),
    "pyarrow": lambda frame: pa.Table.from_pandas(frame, preserve_index=False),
}


@pytest.fixture(params=list(CONVERTERS))
def convert(request: pytest.FixtureRequest) -> object:
    return CONVERTERS[request.param]


def test_formula_fits_and_predictions_agree(penguins: pd.DataFrame, convert: object) -> None:
    reference = logitfit.fit(PENGUIN_FORMULA, penguins, missing="drop")
    other = logitfit.fit(PENGUIN_FORMULA, convert(penguins), missing="drop")  # type: ignore[operator]
    assert_allclose(other.coef, reference.coef, rtol=1e-12)
    assert_allclose(other.std_errors, reference.std_errors, rtol=1e-12)
    assert other.design.dropped_rows == reference.design.dropped_rows
    new = penguins.dropna().head(25).reset_index(drop=True)
    assert_allclose(other.predict(convert(new)), reference.predict(new), rtol=1e-12)  # type: ignore[operator]
    augmented = logitfit.augment(other)
    assert_allclose(augmented[".hat"], logitfit.augment(reference)[".hat"], rtol=1e-12)


def test_array_fits_agree(spector: pd.DataFrame, convert: object) -> None:
    if isinstance(convert(spector.head(1)), pl.LazyFrame):  # type: ignore[operator]
        pytest.skip("arrays come eager")
    X, y = spector[["GPA", "TUCE", "PSI"]], spector["GRADE"]
    reference = logitfit.fit_arrays(X, y)
    other = logitfit.fit_arrays(convert(X), pl.Series("GRADE", y.to_numpy()))  # type: ignore[operator]
    assert list(other.names) == list(reference.names)
    assert_allclose(other.coef, reference.coef, rtol=1e-12)
    assert_allclose(other.std_errors, reference.std_errors, rtol=1e-12)


@pytest.mark.parametrize(
    "formula, options",
    [
        ("sex ~ bill_length_mm + wingspan", {"missing": "drop"}),  # an unknown column
        (PENGUIN_FORMULA, {}),  # missing values, not dropped
        ("island ~ bill_length_mm", {"missing": "drop"}),  # three outcome levels
    ],
)
def test_the_same_mistakes_get_the_same_messages(
    penguins: pd.DataFrame, convert: object, formula: str, options: dict
) -> None:
    with pytest.raises(logitfit.DataError) as expected:
        logitfit.fit(formula, penguins, **options)
    with pytest.raises(type(expected.value)) as got:
        logitfit.fit(formula, convert(penguins), **options)  # type: ignore[operator]
    assert str(got.value) == str(expected.value)


def test_a_polars_table_renders_its_report(tmp_path: Path, spector: pd.DataFrame) -> None:
    written = render_report(
        pl.from_pandas(spector), formula="GRADE ~ GPA + TUCE + PSI", formats=["html"],
        output_dir=tmp_path, engine="builtin", validate=0,
    )  # fmt: skip
    assert [p.name for p in written] == ["diagnostics-data.html"]
    html = written[0].read_text(encoding="utf-8").replace("\u2212", "-")
    assert "a polars table of 32 rows" in html
    fitted = logitfit.fit("GRADE ~ GPA + TUCE + PSI", spector)
    for value in fitted.coef:
        assert f"{value:.4f}" in html
    assert not list(tmp_path.glob("logitfit-render-*"))  # the Parquet copy went with the scratch
    with pytest.raises(logitfit.reporting.ReportError, match="file path or a DataFrame"):
        render_report(np.zeros((3, 2)), formula="y ~ x", output_dir=tmp_path)
