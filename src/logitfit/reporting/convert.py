"""Markdown to self-contained HTML (pandoc, MathML) and to PDF (pandoc to Typst, then typst).

pandoc comes from the ``pypandoc-binary`` wheel and the Typst compiler from the ``typst`` wheel,
so neither needs a system install or the network.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pypandoc
import typst
import yaml

from logitfit.reporting.qmd import ReportError

__all__ = ["to_html", "to_pdf"]

_STYLE = Path(__file__).with_name("report.css")

# Typst set-up placed before pandoc's template: captions already carry "Figure N:" (as Quarto
# writes them), so Typst's own supplement is dropped; long tables may break across pages, and
# use a smaller font to fit the page width.
_TYPST_HEADER = """\
#show figure.caption: it => it.body
#show figure.where(kind: table): set block(breakable: true)
#show table: set text(size: 8.5pt)
#show raw.where(block: true): set text(size: 8pt)
"""


def _with_metadata(markdown: str, metadata: dict[str, Any]) -> str:
    """Prepend a YAML metadata block (safe for titles with colons or quotes)."""
    present = {key: value for key, value in metadata.items() if value is not None}
    return f"---\n{yaml.safe_dump(present, allow_unicode=True)}---\n\n{markdown}"


def to_html(markdown: str, metadata: dict[str, Any], workdir: Path, output: Path) -> None:
    """Write one self-contained HTML page: images and style embedded, math as MathML.

    Parameters
    ----------
    markdown : str
    metadata : dict
        ``title``, ``subtitle``, ``author``, ``date``.
    workdir : pathlib.Path
        Folder holding the figures referenced by ``markdown``.
    output : pathlib.Path
    """
    try:
        pypandoc.convert_text(
            _with_metadata(markdown, metadata),
            "html5",
            format="markdown",
            outputfile=str(output),
            cworkdir=str(workdir),
            extra_args=[
                "--standalone",
                "--embed-resources",
                "--mathml",
                f"--css={_STYLE}",
                f"--resource-path={workdir}",
            ],
        )
    except RuntimeError as error:
        raise ReportError(f"pandoc could not write {output.name}: {error}") from error


def to_pdf(markdown: str, metadata: dict[str, Any], workdir: Path, output: Path) -> None:
    """Write a PDF through Typst: A4, numbered pages, typeset math.

    Parameters
    ----------
    markdown : str
    metadata : dict
        ``title``, ``subtitle``, ``author``, ``date``.
    workdir : pathlib.Path
        Folder holding the figures referenced by ``markdown``; the Typst source is written here.
    output : pathlib.Path
    """
    header = workdir / "header.typ"
    header.write_text(_TYPST_HEADER, encoding="utf-8")
    source = workdir / f"{output.stem}.typ"
    try:
        page = {"papersize": "a4", "margin": {"x": "2cm", "y": "2.2cm"}}
        pypandoc.convert_text(
            _with_metadata(markdown, {**metadata, **page}),
            "typst",
            format="markdown",
            outputfile=str(source),
            cworkdir=str(workdir),
            extra_args=[
                "--standalone",
                f"--include-in-header={header}",
            ],
        )
        typst.compile(str(source), output=str(output), root=str(workdir))
    except (RuntimeError, typst.TypstError) as error:
        raise ReportError(f"Typst could not compile {output.name}: {error}") from error
