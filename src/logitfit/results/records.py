"""What every analysis of a fit returns: a frozen record with ``to_frame()`` and ``summary()``.

The rule of the public API (``docs/architecture.md``): an analysis that tests or summarises a
fit (a statistic and its p-value, a set of measures, a table with a note) returns a frozen
dataclass built on :class:`Record`. Its fields hold the answer by name; ``to_frame()`` gives it
as a pandas DataFrame (the record's ``table`` when it has one, else one row of its numbers) and
``summary()`` as text. Tables that are the whole answer, one row per observation or cutoff
(``influence``, ``roc_curve``, ...), are plain DataFrames.
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

import numpy as np
import pandas as pd

__all__ = ["Record"]

_SCALARS = (bool, int, float, str, np.bool_, np.integer, np.floating)


class Record:
    """Mixin of the frozen dataclasses that analyses return."""

    #: The first line of ``summary()``.
    title: ClassVar[str] = ""

    def _scalars(self) -> dict[str, Any]:
        """Return the record's single-valued fields, by name."""
        values = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}  # type: ignore[arg-type]
        return {name: value for name, value in values.items() if isinstance(value, _SCALARS)}

    def to_frame(self) -> pd.DataFrame:
        """Return the answer as a DataFrame: a copy of ``table``, else one row of the numbers.

        Returns
        -------
        pandas.DataFrame
        """
        table = getattr(self, "table", None)
        if isinstance(table, pd.DataFrame):
            return table.copy()
        return pd.DataFrame([self._scalars()])

    def __str__(self) -> str:
        return self.summary()

    def summary(self) -> str:
        """Return the record as text: its title, its numbers, its table and its note.

        Returns
        -------
        str
        """
        lines = [self.title] if self.title else []
        note = getattr(self, "note", "")
        for name, value in self._scalars().items():
            if name != "note":
                shown = f"{value:.6g}" if isinstance(value, float | np.floating) else str(value)
                lines.append(f"{name}: {shown}")
        table = getattr(self, "table", None)
        if isinstance(table, pd.DataFrame):
            lines.append(table.to_string())
        if note:
            lines.append(str(note))
        return "\n".join(lines)
