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

# The engine's own Typst set-up, before the document's include-in-header files: captions
# already carry "Figure N:" (as Quarto writes them), so Typst's own supplement is dropped (the
# caption stays a sticky block: it never ends a page without its table), and table captions go
# above their tables, as in Quarto's Typst output.
_TYPST_HEADER = """\
#show figure.caption: it => block(sticky: true, it.body)
#show figure.where(kind: table): set figure.caption(position: top)
#show raw.where(block: true): set text(size: 8pt)
"""


def _with_metadata(markdown: str, metadata: dict[str, Any]) -> str:
    """Prepend a YAML metadata block (safe for titles with colons or quotes)."""
    present = {key: value for key, value in metadata.items() if value is not None}
    return f"---\n{yaml.safe_dump(present, allow_unicode=True)}---\n\n{markdown}"


def _listed(value: Any) -> list[str]:
    """Return an option that may be one path or a list of paths as a list."""
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def to_html(
    markdown: str,
    metadata: dict[str, Any],
    workdir: Path,
    output: Path,
    options: dict[str, Any],
    root: Path,
    pandoc_options: list[str] | None = None,
) -> None:
    """Write one self-contained HTML page: images and style embedded, math as MathML.

    Parameters
    ----------
    markdown : str
    metadata : dict
        ``title``, ``subtitle``, ``author``, ``date``.
    workdir : pathlib.Path
        Folder holding the figures referenced by ``markdown``.
    output : pathlib.Path
    options : dict
        The document's ``format: html`` options; ``css`` files (relative to ``root``) are
        embedded after the engine's own style sheet, as Quarto adds them after its theme.
    root : pathlib.Path
        The project root.
    pandoc_options : list of str, optional
        Further pandoc options (``--number-sections``).
    """
    sheets = [f"--css={_STYLE}"] + [f"--css={root / s}" for s in _listed(options.get("css"))]
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
                *sheets,
                f"--resource-path={workdir}",
                *(pandoc_options or []),
            ],
        )
    except RuntimeError as error:
        raise ReportError(f"pandoc could not write {output.name}: {error}") from error


def to_pdf(
    markdown: str,
    metadata: dict[str, Any],
    workdir: Path,
    output: Path,
    options: dict[str, Any],
    root: Path,
    pandoc_options: list[str] | None = None,
) -> None:
    """Write a PDF through Typst, with the page geometry of the document's ``typst`` options.

    Parameters
    ----------
    markdown : str
    metadata : dict
        ``title``, ``subtitle``, ``author``, ``date``.
    workdir : pathlib.Path
        Folder holding the figures referenced by ``markdown``; the Typst source is written here.
    output : pathlib.Path
    options : dict
        The document's ``format: typst`` options: ``papersize`` and ``margin`` (``x``, ``y``)
        as Quarto's Typst format reads them, and ``include-in-header`` files (relative to
        ``root``), included after the engine's own set-up.
    root : pathlib.Path
        The project root.
    pandoc_options : list of str, optional
        Further pandoc options (``--number-sections``).
    """
    header = workdir / "header.typ"
    shared = "".join(
        (root / name).read_text(encoding="utf-8") + "\n"
        for name in _listed(options.get("include-in-header"))
    )
    header.write_text(_TYPST_HEADER + shared, encoding="utf-8")
    source = workdir / f"{output.stem}.typ"
    page: dict[str, Any] = {k: options[k] for k in ("papersize", "margin") if k in options}
    try:
        pypandoc.convert_text(
            _with_metadata(markdown, {**metadata, **page}),
            "typst",
            format="markdown",
            outputfile=str(source),
            cworkdir=str(workdir),
            extra_args=[
                "--standalone",
                f"--include-in-header={header}",
                *(pandoc_options or []),
            ],
        )
        typst.compile(str(source), output=str(output), root=str(workdir))
    except (RuntimeError, typst.TypstError) as error:
        raise ReportError(f"Typst could not compile {output.name}: {error}") from error
