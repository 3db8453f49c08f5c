"""The reports, rendered for real (built-in engine) to HTML and PDF, checked against the fit."""

from __future__ import annotations

import os
import re
import shutil
import stat
from pathlib import Path

import pandas as pd
import pypdf
import pytest

import logitfit
from logitfit.cli import main
from logitfit.reporting import ReportError, render_report
from logitfit.reporting import render as render_module
from tests.conftest import DATA, PENGUIN_FORMULA

SPECTOR_FORMULA = "GRADE ~ GPA + TUCE + PSI"


def pdf_text(path: Path) -> tuple[int, str]:
    reader = pypdf.PdfReader(path)
    text = "\n".join(page.extract_text() for page in reader.pages)
    # Typst's text layer has no-break spaces, true minus signs, and hyphens extracted as soft
    # hyphens (U+00AD); compare with plain text.
    for special, plain in (("\u00a0", " "), ("\u2212", "-"), ("\u00ad", "-")):
        text = text.replace(special, plain)
    return len(reader.pages), text


def html_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def printed(value: float) -> str:
    """A number as the reports print it (fixed four decimals for ordinary magnitudes)."""
    return f"{value:.4f}" if 1e-3 <= abs(value) < 1e6 else f"{value:.3e}"


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Both reports on the bundled data in both formats: the README's main command."""
    output = tmp_path_factory.mktemp("bundled")
    written = render_report(output_dir=output, engine="builtin")
    assert [p.name for p in written] == [
        "derivation.html", "derivation.pdf", "diagnostics.html", "diagnostics.pdf",
    ]  # fmt: skip
    return {p.name: p for p in written}


@pytest.fixture(scope="module")
def penguin_fit(penguins: pd.DataFrame) -> logitfit.LogitResult:
    return logitfit.fit(PENGUIN_FORMULA, penguins, missing="drop")


@pytest.mark.parametrize("name", ["derivation.html", "diagnostics.html"])
def test_html_is_self_contained_with_mathml_figures_and_captions(
    bundled: dict[str, Path], name: str
) -> None:
    html = html_text(bundled[name])
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)
    assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", html)
    assert "<script" not in html
    assert 'src="data:image/png;base64,' in html
    assert "Figure 1:" in html and "Table 1:" in html
    assert not re.search(r"@(?:fig|tbl|eq)-", html)  # every cross-reference resolved
    if name == "derivation.html":
        assert "<math" in html and 'href="#eq-gradient"' in html
    else:
        assert 'href="#fig-roc"' in html and 'href="#tbl-hosmer-lemeshow"' in html


def test_diagnostics_pdf_shows_the_fitted_numbers(
    bundled: dict[str, Path], penguin_fit: logitfit.LogitResult
) -> None:
    pages, text = pdf_text(bundled["diagnostics.pdf"])
    assert 5 <= pages <= 12
    for value in [*penguin_fit.coef, *penguin_fit.std_errors]:
        assert printed(value) in text, printed(value)
    assert f"{penguin_fit.deviance:.4f} on 326 df" in text
    assert f"{logitfit.auc(penguin_fit).auc:.4f}" in text
    assert "Table 8:" in text and "Figure 5:" in text
    assert re.search(r"^\s*3\s*$", text, flags=re.MULTILINE)  # page numbers are printed


def test_diagnostics_html_shows_the_fitted_numbers(
    bundled: dict[str, Path], penguin_fit: logitfit.LogitResult
) -> None:
    html = html_text(bundled["diagnostics.html"]).replace("\u2212", "-")
    for value in [*penguin_fit.coef, *penguin_fit.std_errors]:
        assert printed(value) in html


def test_derivation_pdf_has_its_checks(bundled: dict[str, Path], penguins: pd.DataFrame) -> None:
    pages, text = pdf_text(bundled["derivation.pdf"])
    assert 3 <= pages <= 6
    scaled = logitfit.fit(
        "sex ~ scale(bill_length_mm) + scale(bill_depth_mm) + scale(flipper_length_mm)"
        " + scale(body_mass_g) + C(species)",
        penguins,
        missing="drop",
    )
    for value in scaled.coef:
        assert f"{value:.8f}" in text
    for phrase in ("largest difference", "Newton-Raphson converged in", "statsmodels Logit"):
        assert phrase in text
    assert "(11)" in text  # equations are numbered


def test_a_second_dataset_gives_its_own_numbers(tmp_path: Path) -> None:
    data = tmp_path / "spector.csv"
    shutil.copy(DATA / "spector.csv", data)
    written = render_report(
        data, formula=SPECTOR_FORMULA, output_dir=tmp_path / "out", engine="builtin",
        title="Spector and Mazzeo: grade improvement",
    )  # fmt: skip
    assert [p.name for p in written] == ["diagnostics-spector.html", "diagnostics-spector.pdf"]
    fitted = logitfit.fit(SPECTOR_FORMULA, pd.read_csv(data))
    _, text = pdf_text(written[1])
    assert "Spector and Mazzeo: grade improvement" in text
    for value in [*fitted.coef, *fitted.std_errors]:
        assert printed(value) in text
    assert "GRADE == 1" in text and "32 rows" in text


def test_relative_data_path_and_the_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(DATA / "spector.csv", tmp_path / "grades.csv")
    monkeypatch.chdir(tmp_path)
    status = main(["report", "grades.csv", "-f", SPECTOR_FORMULA, "--format", "html",
                   "--engine", "builtin", "--output-dir", "reports-out"])  # fmt: skip
    assert status == 0
    assert (tmp_path / "reports-out" / "diagnostics-grades.html").is_file()
    assert not list((tmp_path / "reports-out").glob(".render-*"))


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"data": "nowhere.csv", "formula": "y ~ x"}, logitfit.DataError, "No such data file"),
        ({"formula": "GRADE ~ GAP"}, logitfit.FormulaError, "did you mean 'GPA'"),
        ({"formula": "TUCE ~ GPA"}, logitfit.OutcomeError, "must be 0/1"),
        ({"formula": SPECTOR_FORMULA, "formats": ["docx"]}, ReportError, "html, pdf"),
        ({"formula": None}, ReportError, "A formula is needed"),
    ],
)
def test_bad_parameters_fail_clearly_and_write_nothing(
    tmp_path: Path, kwargs: dict, error: type[Exception], message: str
) -> None:
    arguments = {"data": DATA / "spector.csv", **kwargs}
    with pytest.raises(error, match=message):
        render_report(output_dir=tmp_path / "out", engine="builtin", **arguments)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_existing_outputs_need_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "diagnostics-spector.html"
    target.write_text("the user's own file")
    with pytest.raises(ReportError, match="already exist; pass overwrite=True"):
        render_report(DATA / "spector.csv", formula=SPECTOR_FORMULA, formats=["html"],
                      output_dir=tmp_path, engine="builtin")  # fmt: skip
    assert target.read_text() == "the user's own file"
    render_report(DATA / "spector.csv", formula=SPECTOR_FORMULA, formats=["html"],
                  output_dir=tmp_path, engine="builtin", overwrite=True)  # fmt: skip
    assert "<math" in target.read_text() or "Diagnostics" in target.read_text()


def test_a_failing_cell_names_its_line_and_leaves_no_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    shutil.copy(DATA.parent / "_quarto.yml", tmp_path / "_quarto.yml")
    (tmp_path / "data").mkdir()
    shutil.copy(DATA / "penguins.csv", tmp_path / "data" / "penguins.csv")
    (reports / "derivation.qmd").write_text(
        "---\ntitle: fine\n---\n\nText.\n\n```{python}\n#| tags: [parameters]\ndata = ''\n```\n"
    )
    (reports / "diagnostics.qmd").write_text(
        "---\ntitle: broken\n---\n\n```{python}\n#| tags: [parameters]\ndata = ''\n"
        "formula = ''\ncutoff = 0.5\nmissing = 'raise'\nmethod = 'newton'\n```\n\n```{python}\n"
        "x = 1\n"
        "raise ValueError('deliberate failure')\n```\n"
    )
    monkeypatch.setattr(render_module, "_project_root", lambda: tmp_path)
    with pytest.raises(ReportError, match=r"cell 2 \(line 16\) failed: ValueError: deliberate"):
        render_report(output_dir=tmp_path / "out", engine="builtin")
    assert not any((tmp_path / "out").iterdir())  # derivation rendered fine, but was not kept


def test_unsupported_markup_is_refused(tmp_path: Path) -> None:
    from logitfit.reporting.qmd import read_qmd

    page = tmp_path / "page.qmd"
    page.write_text("```{python}\n#| fig-width: 5\nx = 1\n```\n")
    with pytest.raises(ReportError, match="fig-width are not supported"):
        read_qmd(page)
    page.write_text("Inline `{python} 1 + 1` here.\n")
    with pytest.raises(ReportError, match="inline code is not supported"):
        read_qmd(page)


def test_quarto_engine_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A stand-in quarto records its arguments: the facts of Quarto 1.10 in DESIGN.md hold."""
    log = tmp_path / "calls.txt"
    fake = tmp_path / "bin" / "quarto"
    fake.parent.mkdir()
    fake.write_text(
        "#!/bin/sh\n"
        f'echo "$QUARTO_PYTHON|$*" >> {log}\n'
        'out=""; to=""; file="$2"\n'
        'while [ $# -gt 0 ]; do case "$1" in\n'
        '  --output-dir) out="$2";; --to) to="$2";;\n'
        "esac; shift; done\n"
        'stem=$(basename "$file" .qmd); ext=html; [ "$to" = typst ] && ext=pdf\n'
        'echo fake > "$out/$stem.$ext"\n'
    )
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(render_module.importlib.util, "find_spec", lambda name: object())
    written = render_report(
        DATA / "spector.csv", formula=SPECTOR_FORMULA, output_dir=tmp_path / "out", title="T"
    )
    assert [p.read_text().strip() for p in written] == ["fake", "fake"]
    calls = log.read_text().splitlines()
    assert len(calls) == 2
    python, arguments = calls[1].split("|", 1)
    assert Path(python).name.startswith("python")
    assert "--to typst" in arguments and "--output-dir" in arguments
    assert f"-P data:{DATA / 'spector.csv'}" in arguments
    assert f"-P formula:{SPECTOR_FORMULA}" in arguments and "-M title:T" in arguments


def test_quarto_parameters_need_papermill(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "quarto"
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(render_module.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ReportError, match="pip install papermill"):
        render_report(DATA / "spector.csv", formula=SPECTOR_FORMULA, output_dir=tmp_path / "o",
                      engine="quarto")  # fmt: skip


def test_diagnostics_with_firth_on_separated_data(tmp_path: Path) -> None:
    written = render_report(
        DATA / "endometrial.csv", formula="HG ~ NV + PI + EH", method="firth", formats=["pdf"],
        output_dir=tmp_path, engine="builtin",
    )  # fmt: skip
    _, text = pdf_text(written[0])
    endometrial = pd.read_csv(DATA / "endometrial.csv")
    fitted = logitfit.fit("HG ~ NV + PI + EH", endometrial, method="firth")
    for value in fitted.coef:
        assert printed(value) in text
    assert "quasi-complete, by NV" in text and "PLR" in text and "logistf" in text
    assert "statsmodels has no Firth" in text
    ml = render_report(
        DATA / "endometrial.csv", formula="HG ~ NV + PI + EH", formats=["html"],
        output_dir=tmp_path / "ml", engine="builtin",
    )  # fmt: skip
    assert "method firth" in html_text(ml[0]) or "--method firth" in html_text(ml[0])


def test_diagnostics_with_frequency_weights(tmp_path: Path) -> None:
    data = pd.read_csv(DATA / "spector.csv").assign(w=[1, 2, 3, 1] * 8)
    data.to_csv(tmp_path / "weighted.csv", index=False)
    written = render_report(
        tmp_path / "weighted.csv", formula=SPECTOR_FORMULA, weights="w", formats=["html"],
        output_dir=tmp_path / "out", engine="builtin",
    )  # fmt: skip
    fitted = logitfit.fit(SPECTOR_FORMULA, data, weights="w")
    html = html_text(written[0]).replace("\u2212", "-")
    for value in [*fitted.coef, *fitted.std_errors]:
        assert printed(value) in html
    assert "frequency weights from <code>w</code>" in html
    assert "statsmodels GLM(Binomial)" in html
