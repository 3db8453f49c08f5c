"""Run a document's Python cells on the ``python3`` Jupyter kernel with nbclient."""

from __future__ import annotations

import ast
import re
import subprocess
from typing import Any

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from logitfit.reporting.qmd import Cell, Document, ReportError

__all__ = ["execute"]

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_CELL_LINE = re.compile(r"(?:Cell In\[\d+\]|<cell line: \d+>|input-\d+-\w+), line (\d+)")


def _declared_names(cell: Cell) -> set[str]:
    """Names assigned at the top level of the parameters cell."""
    names: set[str] = set()
    for node in ast.parse(cell.source).body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign):
            targets = [node.target]
        names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


def _parameters_cell(document: Document, parameters: dict[str, Any]) -> int | None:
    """Index of the ``parameters`` cell; checks that every given parameter is declared there."""
    index = next(
        (k for k, c in enumerate(document.cells) if "parameters" in (c.options.get("tags") or [])),
        None,
    )
    if not parameters:
        return index
    if index is None:
        raise ReportError(f"{document.path} has no parameters cell; it takes no parameters.")
    unknown = sorted(set(parameters) - _declared_names(document.cells[index]))
    if unknown:
        raise ReportError(
            f"{document.path.name} has no parameter(s) {', '.join(unknown)}; its parameters "
            f"are {', '.join(sorted(_declared_names(document.cells[index])))}."
        )
    return index


def execute(
    document: Document,
    parameters: dict[str, Any],
    defaults: dict[str, Any] | None = None,
    timeout: int = 600,
) -> list[list[dict[str, Any]]]:
    """Execute every cell and return the outputs of each (nbformat output dicts).

    Parameters are injected in a cell right after the ``parameters`` cell, as papermill (and
    therefore Quarto) does. Cells run in the document's folder, as in Quarto.

    Parameters
    ----------
    document : Document
    parameters : dict
        Values for names declared in the parameters cell.
    defaults : dict, optional
        Document-wide cell options (``execute:``); a cell with ``eval: false`` (its own option,
        else the default) is not run and has no outputs, as in Quarto.
    timeout : int
        Seconds allowed per cell.

    Returns
    -------
    list of list of dict
        One list of outputs per cell of ``document.cells``.
    """
    index = _parameters_cell(document, parameters)
    notebook = nbformat.v4.new_notebook()
    origin: list[int | None] = []
    run_by_default = bool((defaults or {}).get("eval", True))
    for k, cell in enumerate(document.cells):
        if not cell.options.get("eval", run_by_default):
            continue
        notebook.cells.append(nbformat.v4.new_code_cell(cell.source))
        origin.append(k)
        if k == index and parameters:
            injected = "\n".join(f"{name} = {value!r}" for name, value in parameters.items())
            notebook.cells.append(nbformat.v4.new_code_cell(injected))
            origin.append(None)
    client = NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=timeout,
        allow_errors=True,
        resources={"metadata": {"path": str(document.path.parent)}},
    )
    try:
        # The kernel's own stderr only carries start-up chatter (ipykernel warns about TCP on
        # loopback); cell errors and output arrive as messages, so it is discarded.
        client.execute(stderr=subprocess.DEVNULL)
    except (CellTimeoutError, DeadKernelError, RuntimeError, OSError) as error:
        raise ReportError(f"Running {document.path.name} failed: {error}") from error
    outputs: list[list[dict[str, Any]]] = [[] for _ in document.cells]
    for executed, position in zip(notebook.cells, origin, strict=True):
        for output in executed.get("outputs", []):
            if output.get("output_type") == "error":
                _raise_cell_error(document, position, output)
            if position is not None:
                outputs[position].append(output)
    return outputs


def _raise_cell_error(document: Document, k: int | None, output: dict[str, Any]) -> None:
    """Turn a cell's error output into a ReportError naming the file line and the error."""
    if k is None:
        raise ReportError(f"The parameters could not be set: {output['evalue']}")
    cell = document.cells[k]
    trace = _ANSI.sub("", "\n".join(output.get("traceback", [])))
    lines = _CELL_LINE.findall(trace)
    line = cell.line + int(lines[0]) - 1 if lines else cell.line
    raise ReportError(
        f"{document.path.name}, cell {k + 1} (line {line}) failed: "
        f"{output['ename']}: {output['evalue']}"
    )
