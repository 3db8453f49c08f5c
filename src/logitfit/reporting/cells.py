"""Helpers for report cells: outputs that both Quarto and the built-in engine treat alike.

Cells emit only images and Markdown (DESIGN.md: a DataFrame's HTML output makes Quarto fetch
jquery/require.js and breaks ``@tbl-`` references), so tables go out as Markdown pipe tables.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

__all__ = ["show_figure", "show_markdown", "show_table"]


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

    Parameters
    ----------
    text : str
    """
    from IPython.display import Markdown, display

    display(Markdown(text))


def show_table(frame: pd.DataFrame, index: bool = False) -> None:
    """Display a DataFrame as a Markdown pipe table, cells exactly as given (format them first).

    Parameters
    ----------
    frame : pandas.DataFrame
    index : bool
        Include the index as the first column.
    """
    # disable_numparse keeps "0.0083" as written instead of reformatting numeric-looking text.
    text = frame.to_markdown(index=index, disable_numparse=True)
    show_markdown(text)
