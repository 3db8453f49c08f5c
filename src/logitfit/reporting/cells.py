"""Helpers for report cells: outputs that both Quarto and the built-in engine treat alike.

Cells emit only images and Markdown (a DataFrame's HTML output makes Quarto fetch
jquery/require.js and breaks ``@tbl-`` references), so tables go out as Markdown simple tables.
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

__all__ = ["show_figure", "show_markdown", "show_table", "typeset_minus"]


def show_figure(figure: Figure, dpi: int = 150) -> None:
    """Display a matplotlib Figure as one PNG image output (works with any backend).

    Parameters
    ----------
    figure : matplotlib.figure.Figure
    dpi : int
        Resolution of the PNG.
    """
    from IPython.display import Image, display

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    # Display, never return: a returned image would be shown a second time as the cell's value.
    display(Image(data=buffer.getvalue(), format="png"))


def show_markdown(text: str) -> None:
    """Display Markdown text (numbers computed in the cell become prose).

    Negative numbers outside code and math get the minus sign (see :func:`typeset_minus`).

    Parameters
    ----------
    text : str
    """
    from IPython.display import Markdown, display

    pieces = _PROTECTED.split(text)  # code spans and math at the odd positions
    display(Markdown("".join(p if k % 2 else typeset_minus(p) for k, p in enumerate(pieces))))


# A hyphen-minus that starts a number, or an exponent's sign: typeset as the minus sign U+2212,
# which no line breaks after (a hyphen-minus lets browsers split 1.20e-08 as "1.20e-" / "08")
# and which Typst would otherwise use for some numbers and not others.
_MINUS = re.compile(r"(?<![\w.\u2212-])-(?=\.?\d)|(?<=\de)-(?=\d)")
_PROTECTED = re.compile(r"(`[^`\n]*`|\$\$.*?\$\$|\$[^$\n]+\$)", re.DOTALL)
_NUMERIC = re.compile(r"^[<>\u2264\u2265]?\s*[\u2212+]?(?:\d|\.\d|inf\b|nan\b)")


def typeset_minus(text: str) -> str:
    """Replace each number's hyphen-minus by the minus sign (U+2212).

    Parameters
    ----------
    text : str

    Returns
    -------
    str
    """
    return _MINUS.sub("\u2212", text)


def show_table(frame: pd.DataFrame, index: bool = False) -> None:
    """Display a DataFrame as a Markdown simple table, cells as given (format them first).

    A simple table (not a pipe table) leaves column widths to the output: Typst sizes each
    column to its content, in Quarto's output and the built-in engine's alike, so no cell runs
    into its neighbour. Columns of numbers are right-aligned; negative numbers get the minus sign.

    Parameters
    ----------
    frame : pandas.DataFrame
    index : bool
        Include the index as the first column.
    """
    if index:
        frame = frame.reset_index()
    headers = [typeset_minus(str(name)) for name in frame.columns]
    columns = [[typeset_minus(str(value)) for value in frame[name]] for name in frame.columns]
    right = [
        bool(cells) and all(_NUMERIC.match(cell) or cell in ("", "+", "\u2014") for cell in cells)
        for cells in columns
    ]
    # One dash beyond the widest entry on the side opposite the alignment: pandoc reads a
    # simple table's alignment from where the header sits over its dashes.
    pairs = zip(headers, columns, strict=True)
    widths = [max([len(header), *map(len, cells)]) + 1 for header, cells in pairs]

    def line(entries: list[str]) -> str:
        return "  ".join(
            entry.rjust(width) if flush else entry.ljust(width)
            for entry, width, flush in zip(entries, widths, right, strict=True)
        ).rstrip()

    rows = [line(list(values)) for values in zip(*columns, strict=True)]
    dashes = "  ".join("-" * width for width in widths)
    show_markdown("\n".join(["", line(headers), dashes, *rows, ""]))
