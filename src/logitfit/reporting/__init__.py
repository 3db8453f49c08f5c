"""Render logitfit's Quarto reports (``reports/*.qmd``) to HTML and PDF."""

from logitfit.reporting.cells import show_figure, show_markdown, show_table
from logitfit.reporting.qmd import ReportError
from logitfit.reporting.render import BUNDLED_FORMULA, bundled_data, render_report

__all__ = [
    "BUNDLED_FORMULA",
    "ReportError",
    "bundled_data",
    "render_report",
    "show_figure",
    "show_markdown",
    "show_table",
]
