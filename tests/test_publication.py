"""Publication tables: their cells against independent fits, and their four formats."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import logitfit
from logitfit.results.publication import _ratio, publication_p
from tests import r_reviewer as R
from tests.conftest import PENGUIN_FORMULA


@pytest.fixture(scope="module")
def fitted(penguins: pd.DataFrame) -> logitfit.LogitResult:
    return logitfit.fit(PENGUIN_FORMULA, penguins, missing="drop")


def test_regression_table_has_gtsummary_rows(fitted: logitfit.LogitResult) -> None:
    table = logitfit.regression_table(fitted, labels={"bill_length_mm": "Bill length (mm)"})
    body = table.body.set_index("Characteristic")
    assert list(body.columns) == ["OR", "95% CI", "p-value"]
    # Odds ratios against R's (glm, tests/r_reviewer.py), printed as the table prints them.
    r_odds = R.PENGUINS_ODDS_RATIOS
    assert body.loc["Bill length (mm)", "OR"] == _ratio(r_odds["bill_length_mm"]["or"]) == "1.85"
    assert body.loc["\u2003Chinstrap", "OR"] == _ratio(r_odds["speciesChinstrap"]["or"])
    # The factor: a header row with the term's likelihood-ratio p, the reference with a dash.
    drop1 = logitfit.lr_tests_by_term(fitted).table.set_index("term")["p_value"]
    assert body.loc["species", "p-value"] == publication_p(drop1["C(species)"]) == "<0.001"
    assert body.loc["species", "OR"] == "" and body.loc["\u2003Adelie", "OR"] == "\u2014"
    assert body.loc["flipper_length_mm", "p-value"] == f"{drop1['flipper_length_mm']:.2f}"
    profile = logitfit.profile_conf_int(fitted)
    low, high = np.exp(profile.loc["bill_depth_mm", ["profile_low", "profile_high"]])
    assert body.loc["bill_depth_mm", "95% CI"] == f"{_ratio(low)}, {_ratio(high)}"
    assert "N = 333; events = 168" in table.notes[0]
    per_iqr = logitfit.regression_table(fitted, units="iqr").body.set_index("Characteristic")
    assert per_iqr.loc["body_mass_g, 4775 vs 3550", "OR"] == _ratio(
        R.PENGUINS_RMS_SUMMARY["body_mass_g"]["or"]
    )


def test_p_values_and_ratios_print_as_journals_do() -> None:
    assert [publication_p(p) for p in (0.0004, 0.0123, 0.456, np.nan)] == [
        "<0.001", "0.012", "0.46", "",
    ]  # fmt: skip
    assert [_ratio(v) for v in (1.0449, 0.0123, 266.51, 3412.2, 2.3e-6)] == [
        "1.04", "0.0123", "267", "3,412", "2.30e-06",
    ]  # fmt: skip


def test_univariable_columns_are_fits_of_each_term_alone(
    fitted: logitfit.LogitResult, penguins: pd.DataFrame
) -> None:
    table = logitfit.univariable_multivariable(fitted).body.set_index("Characteristic")
    rows = penguins.loc[fitted.design.row_labels]
    y = (rows["sex"] == "male").astype(float)
    alone = sm.GLM(y, sm.add_constant(rows[["bill_depth_mm"]]),
                   family=sm.families.Binomial()).fit(tol=1e-12)  # fmt: skip
    assert table.loc["bill_depth_mm", "Univariable OR"] == _ratio(np.exp(alone.params.iloc[1]))
    assert table.loc["bill_depth_mm", "Multivariable OR"] == _ratio(
        np.exp(fitted.coef["bill_depth_mm"])
    )
    assert table.loc["species", "Univariable p"] != table.loc["species", "Multivariable p"]
    with pytest.raises(logitfit.DataError, match="interactions"):
        interacting = logitfit.fit("sex ~ bill_length_mm * body_mass_g", penguins,
                                   missing="drop")  # fmt: skip
        logitfit.univariable_multivariable(interacting)


def test_models_side_by_side(fitted: logitfit.LogitResult, penguins: pd.DataFrame) -> None:
    small = logitfit.fit("sex ~ bill_length_mm + C(species)", penguins, missing="drop")
    body = logitfit.models_table({"small": small, "full": fitted}).body
    position = list(body[""]).index("bill_depth_mm")
    assert body.loc[position, "small"] == "" and body.loc[position, "full"] == "1.623"
    assert body.loc[position + 1, "full"] == f"({fitted.std_errors['bill_depth_mm']:.3f})"
    gof = body.set_index("").loc[["Num.Obs.", "AIC", "Log.Lik."]]
    assert list(gof["full"]) == ["333", f"{fitted.aic:.1f}", f"{fitted.loglik:.3f}"]
    unnamed = logitfit.models_table([small, fitted], exponentiate=True).body
    assert list(unnamed.columns) == ["", "(1)", "(2)"]
    assert unnamed.loc[2, "(2)"] == f"{np.exp(fitted.coef['bill_length_mm']):.3f}"


def test_every_format_carries_the_cells(fitted: logitfit.LogitResult, tmp_path: Path) -> None:
    table = logitfit.univariable_multivariable(fitted)
    html = table.to_html()
    assert "Univariable" in html and "1.85" in html and "<table" in html
    latex = table.to_latex()
    assert "\\begin{table}" in latex and "\\multicolumn{3}{c}{Multivariable}" in latex
    markdown = table.to_markdown()
    assert "| Characteristic" in markdown and "&emsp;Chinstrap" in markdown
    assert "Multivariable: OR" in markdown and markdown.rstrip().endswith("the same rows.")
    word = table.to_docx(tmp_path / "table.docx")
    with zipfile.ZipFile(word) as archive:
        document = archive.read("word/document.xml").decode("utf-8")
    assert "Univariable: OR" in document and "1.85" in document
    with pytest.raises(logitfit.DataError, match="already exists"):
        table.to_docx(tmp_path / "table.docx")
