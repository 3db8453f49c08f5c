"""Turn an executed document into one Markdown text, resolving Quarto's cross-references.

Figures (cells labelled ``fig-*`` with ``fig-cap``), tables (``tbl-*`` with ``tbl-cap``) and
equations (``$$ ... $$ {#eq-*}``) are numbered in order of appearance, their captions prefixed
"Figure N:" / "Table N:" and equations suffixed "(N)", and every ``@fig-*``, ``@tbl-*`` and
``@eq-*`` becomes a link "Figure N", "Table N", "Equation N", as Quarto writes them.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

from logitfit.reporting.qmd import Cell, Document, Markdown, ReportError

__all__ = ["assemble"]

_EQUATION = re.compile(r"\$\$(.+?)\$\$\s*\{#(eq-[\w-]+)\}", re.DOTALL)
_REFERENCE = re.compile(r"@((?:fig|tbl|eq|sec)-[\w-]+)")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*(?:\{([^}]*)\})?\s*$", re.MULTILINE)
# Code is never a cross-reference: fenced blocks and inline spans are left as written.
_CODE = re.compile(r"(^```.*?^```[ \t]*$|`[^`\n]+`)", re.DOTALL | re.MULTILINE)
_KINDS = {"fig": "Figure", "tbl": "Table", "eq": "Equation", "sec": "Section"}


def _number_sections(document: Document) -> dict[str, str]:
    """Give each ``#sec-`` heading its number, as pandoc's ``--number-sections`` does.

    Levels count from 1 (a level-2 heading before any level-1 one is 0.1); a heading marked
    ``{-}`` or ``{.unnumbered}`` is not numbered.
    """
    counters = [0] * 6
    numbers: dict[str, str] = {}
    for block in document.blocks:
        if not isinstance(block, Markdown):
            continue
        for k, piece in enumerate(_CODE.split(block.text)):
            for match in _HEADING.finditer("" if k % 2 else piece):
                attributes = (match.group(3) or "").split()
                if "-" in attributes or ".unnumbered" in attributes:
                    continue
                level = len(match.group(1))
                counters[level - 1] += 1
                counters[level:] = [0] * (6 - level)
                label = next((a[1:] for a in attributes if a.startswith("#sec-")), None)
                if label is not None:
                    numbers[label] = ".".join(str(c) for c in counters[:level])
    return numbers


def _number_labels(document: Document, number_sections: bool) -> dict[str, str]:
    counters = {"fig": 0, "tbl": 0, "eq": 0}
    numbers: dict[str, str] = _number_sections(document) if number_sections else {}
    for block in document.blocks:
        found = (
            [m.group(2) for m in _EQUATION.finditer(block.text)]
            if isinstance(block, Markdown)
            else [str(block.options["label"])]
            if "label" in block.options
            else []
        )
        for label in found:
            kind = label.split("-", 1)[0]
            if kind not in counters:
                continue
            if label in numbers:
                raise ReportError(f"{document.path.name}: the label {label} is used twice.")
            counters[kind] += 1
            numbers[label] = str(counters[kind])
    return numbers


def _resolve(text: str, numbers: dict[str, str], where: str, number_sections: bool) -> str:
    def link(match: re.Match[str]) -> str:
        label = match.group(1)
        if label.startswith("sec-") and not number_sections:
            raise ReportError(
                f"{where}: @{label}: sections are numbered, and so can be referred to, only with "
                "number-sections: true (as in Quarto)."
            )
        if label not in numbers:
            raise ReportError(f"{where}: @{label} refers to no section, figure, table or equation.")
        return f"[{_KINDS[label.split('-', 1)[0]]} {numbers[label]}](#{label})"

    def equation(match: re.Match[str]) -> str:
        body, label = match.group(1).strip(), match.group(2)
        return f"[]{{#{label}}}\n$$ {body} \\qquad ({numbers[label]}) $$"

    pieces = _CODE.split(text)  # code at the odd positions
    return "".join(
        piece if k % 2 else _REFERENCE.sub(link, _EQUATION.sub(equation, piece))
        for k, piece in enumerate(pieces)
    )


def _html_table(html: str) -> str:
    """Convert a rich output's HTML table (a DataFrame's) to Markdown, as Quarto parses it."""
    import pypandoc  # the report stack: loaded with the engine

    return str(pypandoc.convert_text(html, "markdown", format="html")).strip()


def _cell_markdown(
    cell: Cell,
    outputs: list[dict[str, Any]],
    numbers: dict[str, str],
    figure_dir: Path,
    defaults: dict[str, Any],
) -> str:
    options = {**defaults, **cell.options}
    parts: list[str] = []
    if options.get("echo", True):
        code = "\n".join(line for line in cell.source.splitlines() if not line.startswith("#|"))
        parts.append(f"```python\n{code.strip()}\n```")
    label = str(options.get("label", ""))
    images = 0
    for output in outputs:
        kind = output["output_type"]
        if kind == "stream":
            if output["name"] == "stdout" or options.get("warning", True):
                parts.append(f"```\n{output['text'].rstrip()}\n```")
            continue
        # display_data and execute_result alike: a cell's value shows as Quarto shows it.
        data = output.get("data", {})
        if "text/markdown" in data:
            parts.append(data["text/markdown"])
        elif "image/png" in data:
            images += 1
            name = f"{label or 'figure'}-{len(list(figure_dir.iterdir())) + 1}.png"
            (figure_dir / name).write_bytes(base64.b64decode(data["image/png"]))
            if label.startswith("fig-"):
                caption = f"Figure {numbers[label]}: {options.get('fig-cap', '')}"
                parts.append(f"![{caption}]({figure_dir.name}/{name}){{#{label} width=85%}}")
            else:
                parts.append(f"![]({figure_dir.name}/{name}){{width=85%}}")
        elif "<table" in data.get("text/html", ""):
            parts.append(_html_table(data["text/html"]))
        elif "text/plain" in data:
            parts.append(f"```\n{data['text/plain']}\n```")
    if label.startswith("fig-") and images != 1:
        raise ReportError(f"cell at line {cell.line}: {label} must produce exactly one image.")
    body = "\n\n".join(parts)
    if label.startswith("tbl-"):
        caption = f"Table {numbers[label]}: {options.get('tbl-cap', '')}"
        body = f"::: {{#{label}}}\n\n{body}\n\n: {caption}\n\n:::"
    return body


def assemble(
    document: Document,
    outputs: list[list[dict[str, Any]]],
    figure_dir: Path,
    defaults: dict[str, Any],
    number_sections: bool = False,
) -> str:
    """Return the whole document as Markdown, with figures written to ``figure_dir``.

    Parameters
    ----------
    document : Document
    outputs : list of list of dict
        Outputs of each cell, from :func:`logitfit.reporting.execute.execute`.
    figure_dir : pathlib.Path
        Folder (next to the Markdown) for the figure files.
    defaults : dict
        Document-wide cell options (``execute`` in ``_quarto.yml`` and the front matter).
    number_sections : bool
        Headings are numbered (``number-sections: true``): ``@sec-`` references resolve to
        "Section N".

    Returns
    -------
    str
    """
    numbers = _number_labels(document, number_sections)
    figure_dir.mkdir(parents=True, exist_ok=True)
    cells = iter(outputs)
    pieces = []
    for block in document.blocks:
        if isinstance(block, Markdown):
            where = f"{document.path.name}:{block.line}"
            pieces.append(_resolve(block.text, numbers, where, number_sections))
        else:
            text = _cell_markdown(block, next(cells), numbers, figure_dir, defaults)
            where = f"{document.path.name}:{block.line}"
            pieces.append(_resolve(text, numbers, where, number_sections))
    return "\n\n".join(pieces) + "\n"
