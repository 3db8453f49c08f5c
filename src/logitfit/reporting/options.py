"""A document's options: ``_quarto.yml`` deep-merged with its front matter, as Quarto merges them.

The built-in engine implements a small set of Quarto's options. Every option it reads is one it
honours the way Quarto does; any other option is refused with the file, the line and the
option's name, so a document never renders differently without Quarto and with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from logitfit.reporting.qmd import ReportError

__all__ = ["DocumentOptions", "document_options"]

# What the built-in engine implements, as nested keys: True for any value, a tuple for the
# only values it can honour.
_SUPPORTED: dict[str, Any] = {
    "title": True,
    "subtitle": True,
    "author": True,
    "date": True,
    "jupyter": ("python3",),
    "number-sections": (True, False),
    "project": {"type": ("default",), "output-dir": True},
    "execute": {"echo": (True, False), "warning": (True, False), "eval": (True, False)},
    "format": {
        "html": {
            "html-math-method": ("mathml",),
            "embed-resources": (True,),
            "css": True,
            # Quarto's full layout has no margin columns, like the built-in engine's page.
            "page-layout": ("full",),
        },
        "typst": {
            "keep-typ": (False,),
            "papersize": True,
            "margin": {"x": True, "y": True},
            "include-in-header": True,
        },
    },
}


@dataclass(frozen=True)
class DocumentOptions:
    """The merged options of one document, checked.

    Attributes
    ----------
    values : dict
        The merged options.
    root : pathlib.Path
        The project root (paths in ``_quarto.yml`` are relative to it).
    """

    values: dict[str, Any]
    root: Path

    @property
    def execute(self) -> dict[str, Any]:
        """Document-wide cell options (``echo``, ``warning``, ``eval``)."""
        return dict(self.values.get("execute") or {})

    @property
    def number_sections(self) -> bool:
        """Whether headings are numbered (and ``@sec-`` references resolve)."""
        return bool(self.values.get("number-sections", False))

    def format(self, name: str) -> dict[str, Any]:
        """Options of one output format (``html`` or ``typst``)."""
        return dict((self.values.get("format") or {}).get(name) or {})

    def metadata(self) -> dict[str, str]:
        """Title, subtitle, author and date as text, where given."""
        keys = ("title", "subtitle", "author", "date")
        return {key: str(self.values[key]) for key in keys if self.values.get(key) is not None}

    def path(self, value: str) -> Path:
        """Resolve a file named in ``_quarto.yml`` (relative to the project root)."""
        return (self.root / value).resolve()


def _deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Merge ``override`` into ``base``: nested mappings key by key, other values replaced."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _line_of(text: str, keys: tuple[str, ...], first_line: int) -> int:
    """Return the line of the last key of ``keys`` in a YAML text (searched in nesting order)."""
    lines = text.splitlines()
    start = 0
    for key in keys:
        for number in range(start, len(lines)):
            if lines[number].strip().startswith(f"{key}:"):
                start = number
                break
    return first_line + start


def _check(
    values: dict[str, Any], allowed: dict[str, Any], keys: tuple[str, ...], where: list[Any]
) -> None:
    """Refuse every option (or value) the built-in engine does not implement."""
    for key, value in values.items():
        path = (*keys, key)
        rule = allowed.get(key)
        if rule is None:
            _refuse(path, f"the option '{'.'.join(path)}' is not supported", where)
        elif isinstance(rule, dict):
            if not isinstance(value, dict):
                _refuse(path, f"'{'.'.join(path)}' must be a mapping", where)
            _check(value, rule, path, where)
        elif isinstance(rule, tuple) and value not in rule:
            shown = ", ".join(repr(v) for v in rule)
            _refuse(path, f"'{'.'.join(path)}: {value!r}' is not supported (only {shown})", where)


def _refuse(path: tuple[str, ...], problem: str, where: list[Any]) -> None:
    """Raise ReportError at the file and line where the option is set."""
    for name, text, first_line, values in where:
        node: Any = values
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        if node is not None:
            line = _line_of(text, path, first_line)
            raise ReportError(
                f"{name}:{line}: {problem} by logitfit's built-in engine; remove it, or render "
                "with Quarto."
            )
    raise ReportError(f"{problem} by logitfit's built-in engine.")  # pragma: no cover


def document_options(root: Path, qmd: Path, front_matter: dict[str, Any]) -> DocumentOptions:
    """Merge ``_quarto.yml`` and the front matter (deeply, as Quarto does) and check them.

    Parameters
    ----------
    root : pathlib.Path
        Folder holding ``_quarto.yml``.
    qmd : pathlib.Path
        The document (for messages and its front matter's line numbers).
    front_matter : dict
        The document's YAML front matter.

    Returns
    -------
    DocumentOptions
    """
    project_file = root / "_quarto.yml"
    project_text = project_file.read_text(encoding="utf-8")
    project = yaml.safe_load(project_text) or {}
    document_text = qmd.read_text(encoding="utf-8").split("\n---", 1)[0]
    merged = _deep_merge(project, front_matter)
    # Quarto's document options win over the project's: look for an option in the document first.
    where = [(qmd.name, document_text, 1, front_matter), ("_quarto.yml", project_text, 1, project)]
    _check(merged, _SUPPORTED, (), where)
    options = DocumentOptions(merged, root)
    for fmt, key in (("html", "css"), ("typst", "include-in-header")):
        value = options.format(fmt).get(key)
        for name in value if isinstance(value, list) else [] if value is None else [value]:
            if not options.path(str(name)).is_file():
                _refuse(
                    ("format", fmt, key),
                    f"'format.{fmt}.{key}' names {name}, which is not a file of the project, "
                    "and cannot be used",
                    where,
                )
    return options
