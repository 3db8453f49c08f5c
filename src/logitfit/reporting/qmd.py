"""Read a Quarto document into front matter, Markdown blocks and Python cells.

Only the subset of Quarto that logitfit's own reports use is accepted; anything else raises
:class:`ReportError` naming the line, so a report never renders differently in the built-in
engine and in the real Quarto CLI.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from logitfit.exceptions import LogitfitError

__all__ = ["CELL_OPTIONS", "Cell", "Document", "Markdown", "ReportError", "read_qmd"]

#: Cell options the built-in engine understands (Quarto's names and meanings).
CELL_OPTIONS = frozenset({"echo", "eval", "label", "fig-cap", "tbl-cap", "tags", "warning"})

_FENCE = re.compile(r"^```\{(\w+)\}\s*$")
_OPTION = re.compile(r"^#\|\s?(.*)$")


class ReportError(LogitfitError):
    """A report cannot be rendered: a bad parameter, a failing cell, or unsupported markup."""


@dataclass(frozen=True)
class Markdown:
    """A block of Markdown text."""

    text: str
    line: int


@dataclass(frozen=True)
class Cell:
    """A Python code cell with its ``#|`` options.

    Attributes
    ----------
    source : str
        The code, option lines included (so error line numbers match the file).
    options : dict
        Parsed ``#|`` options.
    line : int
        Line of the file where the code starts (after the fence).
    """

    source: str
    options: dict[str, Any] = field(default_factory=dict)
    line: int = 0


@dataclass(frozen=True)
class Document:
    """A parsed ``.qmd`` file."""

    path: Path
    front_matter: dict[str, Any]
    blocks: tuple[Markdown | Cell, ...]

    @property
    def cells(self) -> tuple[Cell, ...]:
        """The code cells, in order."""
        return tuple(b for b in self.blocks if isinstance(b, Cell))


def _parse_options(lines: list[str], where: str) -> dict[str, Any]:
    text = "\n".join(_OPTION.match(line).group(1) for line in lines)  # type: ignore[union-attr]
    try:
        options = yaml.safe_load(text) or {}
    except yaml.YAMLError as error:
        raise ReportError(f"{where}: cannot read the cell options: {error}") from error
    unknown = sorted(set(options) - CELL_OPTIONS)
    if unknown:
        raise ReportError(
            f"{where}: cell option(s) {', '.join(unknown)} are not supported by logitfit's "
            f"built-in engine (supported: {', '.join(sorted(CELL_OPTIONS))})."
        )
    return dict(options)


def _in_code_span(line: str, position: int) -> bool:
    """Tell whether ``position`` lies inside an inline code span of ``line``."""
    return line[:position].count("`") % 2 == 1


def read_qmd(path: Path) -> Document:
    """Parse a ``.qmd`` file.

    Parameters
    ----------
    path : pathlib.Path

    Returns
    -------
    Document
    """
    lines = path.read_text(encoding="utf-8").splitlines()
    front: dict[str, Any] = {}
    start = 0
    if lines and lines[0].strip() == "---":
        try:
            end = lines.index("---", 1)
        except ValueError as error:
            raise ReportError(f"{path}: the front matter is not closed by '---'.") from error
        front = yaml.safe_load("\n".join(lines[1:end])) or {}
        start = end + 1
    blocks: list[Markdown | Cell] = []
    text: list[str] = []
    text_line = start + 1
    i = start
    in_code = False  # inside a plain (not executed) fenced code block of the Markdown
    while i < len(lines):
        fence = _FENCE.match(lines[i])
        if fence is None and (lines[i].startswith("```") or in_code):
            in_code ^= lines[i].startswith("```")
            text.append(lines[i])
            i += 1
            continue
        if fence is None:
            if "`{python}" in lines[i] or "`{r}" in lines[i]:
                raise ReportError(f"{path}:{i + 1}: inline code is not supported; use a cell.")
            if "{{<" in lines[i] and not _in_code_span(lines[i], lines[i].index("{{<")):
                raise ReportError(
                    f"{path}:{i + 1}: Quarto shortcodes ({{{{< ... >}}}}) are not supported by "
                    "logitfit's built-in engine; remove it, or render with Quarto."
                )
            text.append(lines[i])
            i += 1
            continue
        where = f"{path}:{i + 1}"
        if fence.group(1) != "python":
            raise ReportError(f"{where}: only Python cells are supported, not {fence.group(1)}.")
        try:
            close = lines.index("```", i + 1)
        except ValueError as error:
            raise ReportError(f"{where}: the code cell is not closed by ```.") from error
        if text:
            blocks.append(Markdown("\n".join(text), text_line))
        body = lines[i + 1 : close]
        option_lines = [line for line in body if _OPTION.match(line)]
        blocks.append(Cell("\n".join(body), _parse_options(option_lines, where), i + 2))
        text, i = [], close + 1
        text_line = i + 1
    if text:
        blocks.append(Markdown("\n".join(text), text_line))
    return Document(path, front, tuple(blocks))
