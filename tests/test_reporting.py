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


def pdf_text(path: Path, plain: bool = True) -> tuple[int, str]:
    reader = pypdf.PdfReader(path)
    text = "\n".join(page.extract_text() for page in reader.pages)
    if not plain:
        return len(reader.pages), text
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


# Cells that ran into each other in a PDF's text: a token with two decimal points
# ("-79.025012.1159"), or an exponent followed by more digits ("2.80e-060.3570").
GLUED = re.compile(r"\d\.\d+\.\d|\de[-\u2212+]\d{2}\d")


@pytest.mark.parametrize("name", ["derivation.pdf", "diagnostics.pdf"])
def test_pdf_cells_stay_apart_and_negative_numbers_have_one_minus_sign(
    bundled: dict[str, Path], name: str
) -> None:
    _, text = pdf_text(bundled[name], plain=False)
    assert not GLUED.search(text), GLUED.search(text)
    # Every negative number is typeset with the minus sign U+2212, never a hyphen.
    assert not re.search(r"(?<![\w.\-])-\.?\d", text), re.search(
        r".{20}(?<![\w.\-])-\.?\d.{10}", text
    )
    assert "\u2212" in text


@pytest.mark.parametrize("name", ["derivation.html", "diagnostics.html"])
def test_html_numbers_are_right_aligned_and_never_break(
    bundled: dict[str, Path], name: str
) -> None:
    html = html_text(bundled[name])
    assert re.search(r"td\[style\*=\"text-align: right\"\][^{]*\{ *white-space: nowrap", html)
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", html)
    numeric = [c for c in cells if re.fullmatch(r"[<\u2212+]?[\d.]+(e\u2212?\d+)?", c.strip())]
    right = re.findall(r'<td style="text-align: right;">([^<]*)</td>', html)
    assert numeric and set(numeric) <= set(right)  # every plain number sits in a right-aligned cell
    assert not any(re.search(r"-\d", c) for c in cells)  # and none has a hyphen for its minus


def test_diagnostics_pdf_shows_the_fitted_numbers(
    bundled: dict[str, Path], penguin_fit: logitfit.LogitResult
) -> None:
    pages, text = pdf_text(bundled["diagnostics.pdf"])
    assert 8 <= pages <= 18
    for value in [*penguin_fit.coef, *penguin_fit.std_errors]:
        assert printed(value) in text, printed(value)
    assert f"{penguin_fit.deviance:.4f} on 326 df" in text
    assert f"{logitfit.auc(penguin_fit).auc:.4f}" in text
    assert "Table 8:" in text and "Figure 5:" in text
    assert re.search(r"^\s*3\s*$", text, flags=re.MULTILINE)  # page numbers are printed


def test_diagnostics_pdf_has_the_internal_validation(
    bundled: dict[str, Path], penguin_fit: logitfit.LogitResult
) -> None:
    _, text = pdf_text(bundled["diagnostics.pdf"])
    validation = logitfit.validate(penguin_fit, n_boot=200, seed=20261201).table
    assert "Internal validation" in text and "optimism" in text
    for index in ("Dxy", "Slope", "B"):
        for column in ("index_orig", "index_corrected"):
            assert f"{validation.loc[index, column]:.4f}" in text, (index, column)


def test_diagnostics_pdf_has_what_a_reviewer_reads(
    bundled: dict[str, Path], penguin_fit: logitfit.LogitResult
) -> None:
    _, text = pdf_text(bundled["diagnostics.pdf"])
    sections = ["The data and the model", "Odds ratios and marginal effects",
                "Testing the global null hypothesis", "Overall fit", "Goodness of fit",
                "Linearity in the logit", "Discrimination", "Calibration",
                "Residuals and influence", "A reading of the results"]  # fmt: skip
    positions = [text.index(section) for section in sections]
    assert positions == sorted(positions)  # in the order a reviewer reads them
    info = logitfit.model_information(penguin_fit).table
    assert re.search(rf"1\s+male\s+{info['count'].iloc[0]:g}\s+yes", text)
    for value in logitfit.global_tests(penguin_fit).table["chi2"]:
        assert printed(value) in text
    for value in logitfit.fit_statistics(penguin_fit).table.to_numpy().ravel():
        assert printed(value) in text
    odds = logitfit.odds_ratios(penguin_fit, units="iqr").table
    for value in odds["odds_ratio"]:
        assert printed(value) in text
    assert "Chinstrap vs Adelie" in text and "48.6 vs 39.5 (interquartile range)" in text
    association = logitfit.association(penguin_fit)
    assert f"{association.tau_a:.4f}" in text and f"{association.somers_d:.4f}" in text
    stukel = logitfit.stukel_test(penguin_fit).table
    assert f"chi-square {stukel.loc['Score', 'chi2']:.3f}" in text
    assert f"z {logitfit.osius_rojek(penguin_fit).z:.3f}" in text
    for value in logitfit.linearity_tests(penguin_fit).table["lr_stat"]:
        assert printed(value) in text
    influential = logitfit.influential_rows(penguin_fit, top=3).table
    assert printed(influential.loc[114, "delta_chi2"]) in text
    for ame in logitfit.marginal_effects(penguin_fit).table["ame"]:
        assert printed(ame) in text
    assert "Collinearity: GVIF^(1/(2 df)) above 3.16" in text and "Peduzzi" in text


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
    # PSI takes two values: no spline for it, said in words; GPA and TUCE are tested.
    linearity = logitfit.linearity_tests(fitted)
    assert list(linearity.table.index) == ["GPA", "TUCE"] and "PSI" in linearity.note
    for value in linearity.table["lr_stat"]:
        assert printed(value) in text
    assert "Not tested: PSI" in text


def test_relative_data_path_and_the_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(DATA / "spector.csv", tmp_path / "grades.csv")
    monkeypatch.chdir(tmp_path)
    status = main(["report", "grades.csv", "-f", SPECTOR_FORMULA, "--format", "html",
                   "--engine", "builtin", "--output-dir", "reports-out"])  # fmt: skip
    assert status == 0
    assert (tmp_path / "reports-out" / "diagnostics-grades.html").is_file()
    assert not list((tmp_path / "reports-out").glob("logitfit-render-*"))


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
    for shared in ("report.css", "typst-header.typ"):
        shutil.copy(DATA.parent / "reports" / shared, reports / shared)
    (tmp_path / "data").mkdir()
    shutil.copy(DATA / "penguins.csv", tmp_path / "data" / "penguins.csv")
    (reports / "derivation.qmd").write_text(
        "---\ntitle: fine\n---\n\nText.\n\n```{python}\n#| tags: [parameters]\ndata = ''\n```\n"
    )
    (reports / "diagnostics.qmd").write_text(
        "---\ntitle: broken\n---\n\n```{python}\n#| tags: [parameters]\ndata = ''\n"
        "formula = ''\ncutoff = 0.5\nmissing = 'raise'\nmethod = 'newton'; validate = 0\n```\n"
        "\n```{python}\n"
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


def _fake_quarto(tmp_path: Path, log: Path, fails: bool = False) -> Path:
    """A stand-in quarto that behaves as Quarto 1.10.18 does in a folder holding _quarto.yml.

    It writes ``D/reports/x.html`` for ``render reports/x.qmd --output-dir D`` (the path from the
    project root is kept), creates ``.quarto/`` and appends to ``.gitignore`` where it runs.
    """
    fake = tmp_path / "bin" / "quarto"
    fake.parent.mkdir(exist_ok=True)
    fake.write_text(
        "#!/bin/sh\n"
        f'echo "$QUARTO_PYTHON|$(pwd)|$*" >> {log}\n'
        + ('echo "\033[31mERROR: Unknown format typst-x\033[0m" >&2; exit 1\n' if fails else "")
        + 'mkdir -p .quarto; echo "/.quarto/" >> .gitignore\n'
        'out=""; to=""; file="$2"\n'
        'while [ $# -gt 0 ]; do case "$1" in\n'
        '  --output-dir) out="$2";; --to) to="$2";;\n'
        "esac; shift; done\n"
        'stem=$(basename "$file" .qmd); ext=html; [ "$to" = typst ] && ext=pdf\n'
        'mkdir -p "$out/$(dirname "$file")"; echo fake > "$out/$(dirname "$file")/$stem.$ext"\n'
    )
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    return fake.parent


def test_quarto_engine_renders_a_copy_and_collects_its_outputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "calls.txt"
    monkeypatch.setenv("PATH", f"{_fake_quarto(tmp_path, log)}{os.pathsep}{os.environ['PATH']}")
    root = render_module._project_root()
    before = sorted(p.name for p in root.iterdir())
    written = render_report(
        DATA / "spector.csv", formula=SPECTOR_FORMULA, output_dir=tmp_path / "out", title="T"
    )
    assert [p.read_text().strip() for p in written] == ["fake", "fake"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "diagnostics-spector.html", "diagnostics-spector.pdf",
    ]  # fmt: skip
    # Quarto ran in a scratch copy: nothing was written into the report sources.
    assert sorted(p.name for p in root.iterdir()) == before
    assert not (root / ".quarto").exists()
    calls = log.read_text().splitlines()
    assert len(calls) == 2
    python, folder, arguments = calls[1].split("|", 2)
    assert Path(python).name.startswith("python") and Path(folder) != root
    # Quarto ran in a scratch copy inside the output folder, removed afterwards.
    assert Path(folder).is_relative_to(tmp_path / "out") and not Path(folder).exists()
    assert arguments.startswith("render reports/diagnostics.qmd --to typst --output-dir")
    assert f"-P data:{DATA / 'spector.csv'}" in arguments
    assert f"-P formula:{SPECTOR_FORMULA}" in arguments and "-M title:T" in arguments


def test_a_failing_quarto_says_why_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "calls.txt"
    path = _fake_quarto(tmp_path, log, fails=True)
    monkeypatch.setenv("PATH", f"{path}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(ReportError) as raised:
        render_report(DATA / "spector.csv", formula=SPECTOR_FORMULA, output_dir=tmp_path / "o")
    message = str(raised.value)
    assert "\n" not in message and "\x1b" not in message
    assert "ERROR: Unknown format typst-x" in message and 'engine="builtin"' in message
    code = main(["report", str(DATA / "spector.csv"), "-f", SPECTOR_FORMULA, "--output-dir",
                 str(tmp_path / "o")])  # fmt: skip
    error = capsys.readouterr().err
    assert code == 2 and "--engine builtin" in error and "=" not in error.split(":", 2)[2]


def test_quarto_needs_papermill_in_the_kernel() -> None:
    # Real Quarto injects -P parameters with papermill: it is one of logitfit's dependencies.
    import importlib.metadata

    requirements = importlib.metadata.requires("logitfit") or []
    assert any(r.startswith("papermill") for r in requirements)


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
    assert "Separation: quasi-complete" in text  # the reading names it
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


CAPTION = re.compile(r"(?:Table|Figure) \d+:")


@pytest.mark.skipif(shutil.which("quarto") is None, reason="real Quarto is not on PATH")
def test_real_quarto_renders_the_same_document(
    tmp_path: Path, bundled: dict[str, Path], penguin_fit: logitfit.LogitResult
) -> None:
    root = render_module._project_root()
    before = sorted(p.name for p in root.iterdir())
    written = {p.name: p for p in render_report(output_dir=tmp_path, engine="quarto")}
    assert sorted(written) == sorted(bundled)
    assert sorted(p.name for p in root.iterdir()) == before  # nothing written into the sources
    for name in ("derivation.pdf", "diagnostics.pdf"):
        quarto_pages, quarto_text = pdf_text(written[name], plain=False)
        builtin_pages, builtin_text = pdf_text(bundled[name], plain=False)
        assert abs(quarto_pages - builtin_pages) <= 1, (quarto_pages, builtin_pages)
        captions = [CAPTION.findall(pdf_text(path)[1]) for path in (written[name], bundled[name])]
        assert captions[0] == captions[1] and captions[0]
        assert not GLUED.search(quarto_text), GLUED.search(quarto_text)
    _, text = pdf_text(written["diagnostics.pdf"])
    for value in [*penguin_fit.coef, *penguin_fit.std_errors]:
        assert printed(value) in text, printed(value)
    html = html_text(written["diagnostics.html"]).replace("\u2212", "-")
    assert all(printed(value) in html for value in penguin_fit.coef)


def test_a_bad_number_of_validation_refits_is_refused_before_any_kernel(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="validate must be a whole number of refits"):
        render_report(DATA / "spector.csv", formula=SPECTOR_FORMULA, validate=-1,
                      output_dir=tmp_path, engine="builtin")  # fmt: skip
    assert not any(tmp_path.iterdir())
