"""The built-in engine does what Quarto does for each option it accepts, or refuses the option."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from logitfit.reporting import ReportError, render_report
from logitfit.reporting import render as render_module
from logitfit.reporting.cells import show_table
from logitfit.reporting.options import document_options
from logitfit.reporting.qmd import read_qmd
from tests.conftest import DATA

ROOT = DATA.parent

PARAMETERS = "```{python}\n#| tags: [parameters]\ndata = ''\n```\n"
DIAGNOSTICS = (
    "```{python}\n#| tags: [parameters]\ndata = ''\nformula = ''\ncutoff = 0.5\n"
    "missing = 'raise'\nmethod = 'newton'; validate = 0\n```\n"
)


def project(tmp_path: Path, document: str, quarto_yml: str | None = None) -> Path:
    """A project folder with _quarto.yml and reports/derivation.qmd holding ``document``."""
    (tmp_path / "reports").mkdir()
    if quarto_yml is None:
        shutil.copy(ROOT / "_quarto.yml", tmp_path / "_quarto.yml")
        for shared in ("report.css", "typst-header.typ"):
            shutil.copy(ROOT / "reports" / shared, tmp_path / "reports" / shared)
    else:
        (tmp_path / "_quarto.yml").write_text(quarto_yml)
    (tmp_path / "data").mkdir()
    shutil.copy(DATA / "penguins.csv", tmp_path / "data" / "penguins.csv")
    (tmp_path / "reports" / "derivation.qmd").write_text(document)
    (tmp_path / "reports" / "diagnostics.qmd").write_text(DIAGNOSTICS)
    return tmp_path


def render_derivation(root: Path, monkeypatch: pytest.MonkeyPatch, formats: list[str]) -> Path:
    monkeypatch.setattr(render_module, "_project_root", lambda: root)
    monkeypatch.setattr(render_module, "bundled_data", lambda: DATA / "penguins.csv")
    monkeypatch.setattr(render_module, "BUNDLED_FORMULA", "sex ~ bill_length_mm")
    written = render_report(output_dir=root / "out", engine="builtin", formats=formats)
    return written[0]


def test_cell_values_eval_merged_execute_and_code_are_as_in_quarto(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = (
        "---\ntitle: semantics\nexecute:\n  warning: true\n---\n\n" + PARAMETERS + "\n"
        '```{python}\n#| label: tbl-value\n#| tbl-cap: "A cell\'s own value."\n'
        "import pandas as pd\npd.DataFrame({'level': ['first', 'second'], 'count': [11, 22]})\n"
        "```\n\n"
        "```{python}\n#| eval: false\nraise RuntimeError('never run')\n```\n\n"
        "As @tbl-value shows; the code `user@tbl-nothing` and\n\n"
        "```\nmail me @fig-none\n```\n\nare no references.\n"
    )
    html = render_derivation(project(tmp_path, document), monkeypatch, ["html"]).read_text()
    # The cell's last expression (an execute_result) is shown, inside its captioned table.
    assert re.search(r"<td[^>]*>second</td>\s*<td[^>]*>22</td>", html)
    assert "Table 1: A cell" in html and ">Table 1</a> shows" in html
    # eval: false skipped the cell; execute: merged deeply (echo: false from _quarto.yml kept).
    assert "never run" not in html and "import pandas" not in html
    assert "user@tbl-nothing" in html and "mail me @fig-none" in html


@pytest.mark.parametrize(
    ("front", "where", "option"),
    [
        ("format:\n  html:\n    toc: true\n", "derivation.qmd:4", "format.html.toc"),
        ("format:\n  typst:\n    margin:\n      left: 1cm\n", "derivation.qmd:5",
         "format.typst.margin.left"),
        ("execute:\n  cache: true\n", "derivation.qmd:3", "execute.cache"),
        ("toc: true\n", "derivation.qmd:2", "toc"),
    ],
)  # fmt: skip
def test_options_the_engine_does_not_implement_are_refused_by_file_and_line(
    tmp_path: Path, front: str, where: str, option: str
) -> None:
    root = project(tmp_path, f"---\n{front}---\n\nText.\n")
    qmd = root / "reports" / "derivation.qmd"
    with pytest.raises(ReportError, match=rf"^{re.escape(where)}: .*'{re.escape(option)}"):
        document_options(root, qmd, read_qmd(qmd).front_matter)


def test_project_options_are_refused_at_their_line_and_values_checked(tmp_path: Path) -> None:
    root = project(tmp_path, "Text.\n", quarto_yml="format:\n  html:\n    code-fold: true\n")
    qmd = root / "reports" / "derivation.qmd"
    with pytest.raises(ReportError, match=r"^_quarto.yml:3: .*'format.html.code-fold'"):
        document_options(root, qmd, {})
    (root / "_quarto.yml").write_text("format:\n  html:\n    html-math-method: katex\n")
    with pytest.raises(ReportError, match=r"_quarto.yml:3: .*katex.*only 'mathml'"):
        document_options(root, qmd, {})
    (root / "_quarto.yml").write_text("execute:\n  echo: false\n  warning: false\n")
    merged = document_options(root, qmd, {"execute": {"warning": True}})
    assert merged.execute == {"echo": False, "warning": True}


def test_shortcodes_are_refused_outside_code(tmp_path: Path) -> None:
    page = tmp_path / "page.qmd"
    page.write_text("Text.\n\n{{< pagebreak >}}\n")
    with pytest.raises(ReportError, match=r"page.qmd:3: Quarto shortcodes"):
        read_qmd(page)
    page.write_text("In code: `{{< pagebreak >}}`.\n\n```\n{{< include x.qmd >}}\n```\n")
    assert len(read_qmd(page).blocks) == 1


def test_tables_are_simple_tables_with_right_aligned_numbers_and_minus_signs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shown: list[str] = []
    monkeypatch.setattr("logitfit.reporting.cells.show_markdown", shown.append)
    show_table(pd.DataFrame({"term": ["C(x)[T.b]", "z"], "estimate": ["-1.25", "3.5e-08"]}))
    lines = shown[0].strip("\n").splitlines()
    # The header ends where its right-aligned column ends, and its dashes reach one further left.
    assert lines[0] == "term" + " " * 9 + "estimate"
    assert lines[1] == "-" * 10 + "  " + "-" * 9
    assert lines[2:] == ["C(x)[T.b]" + " " * 7 + "\u22121.25", "z" + " " * 13 + "3.5e\u221208"]


def test_section_references_follow_pandoc_numbering(tmp_path: Path) -> None:
    from logitfit.reporting.markdown import assemble

    page = tmp_path / "page.qmd"
    page.write_text(
        "# Intro {#sec-intro}\n\nSee @sec-method and `@sec-none`.\n\n# Aside {-}\n\n"
        "# Method {#sec-method}\n\n## Details {#sec-details}\n\nBack to @sec-intro, @sec-details.\n"
    )
    markdown = assemble(read_qmd(page), [], tmp_path / "figures", {}, number_sections=True)
    assert "See [Section 2](#sec-method) and `@sec-none`." in markdown
    assert "Back to [Section 1](#sec-intro), [Section 2.1](#sec-details)." in markdown
    with pytest.raises(ReportError, match=r"page.qmd:1: @sec-method: .*number-sections: true"):
        assemble(read_qmd(page), [], tmp_path / "figures", {}, number_sections=False)
