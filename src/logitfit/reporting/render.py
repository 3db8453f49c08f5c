"""Render logitfit's Quarto reports to HTML and PDF, with Quarto or the built-in engine.

Outputs are written atomically: every report and format is rendered in a temporary folder inside
the output folder and moved into place only when all succeeded, so a failing cell or a bad
parameter leaves nothing behind, and an existing file is replaced only with ``overwrite=True``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from logitfit.design.formula import design_from_formula
from logitfit.design.frames import as_pandas
from logitfit.design.io import read_table
from logitfit.inference.survey import SurveyDesign, resolve
from logitfit.reporting.convert import to_html, to_pdf
from logitfit.reporting.execute import execute
from logitfit.reporting.markdown import assemble
from logitfit.reporting.options import document_options
from logitfit.reporting.qmd import ReportError, read_qmd

__all__ = ["BUNDLED_FORMULA", "bundled_data", "render_report"]

#: The example model of the bundled Palmer penguins data.
BUNDLED_FORMULA = (
    "sex ~ bill_length_mm + bill_depth_mm + flipper_length_mm + body_mass_g + C(species)"
)
FORMATS = ("html", "pdf")


def _project_root() -> Path:
    """Return the folder holding ``_quarto.yml``, ``reports/`` and ``data/``.

    A source checkout (editable install) has them at the repository root; a wheel carries a
    copy in ``logitfit/_project`` (see ``pyproject.toml``).
    """
    here = Path(__file__).resolve()
    for candidate in (here.parents[3], here.parents[1] / "_project"):
        if (candidate / "_quarto.yml").is_file() and (candidate / "reports").is_dir():
            return candidate
    raise ReportError("Cannot find logitfit's report sources (_quarto.yml and reports/).")


def bundled_data() -> Path:
    """Return the path of the bundled example data (Palmer penguins)."""
    return _project_root() / "data" / "penguins.csv"


def _render_builtin(
    qmd: Path, parameters: dict[str, Any], title: str | None, formats: Sequence[str], work: Path
) -> dict[str, Path]:
    """Execute the document once and convert it to every requested format."""
    document = read_qmd(qmd)
    options = document_options(_project_root(), qmd, document.front_matter)
    outputs = execute(document, parameters, options.execute)
    scratch = work / f".{qmd.stem}"
    markdown = assemble(
        document, outputs, scratch / "figures", options.execute, options.number_sections
    )
    metadata = options.metadata()
    if title is not None:
        metadata["title"] = title
    written = {}
    for fmt in formats:
        target = work / f"{qmd.stem}.{fmt}"
        numbered = ["--number-sections"] if options.number_sections else []
        if fmt == "html":
            html = options.format("html")
            to_html(markdown, metadata, scratch, target, html, options.root, numbered)
        else:
            typst = options.format("typst")
            to_pdf(markdown, metadata, scratch, target, typst, options.root, numbered)
        written[fmt] = target
    shutil.rmtree(scratch)
    return written


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _quarto_project(scratch: Path) -> Path:
    """Copy ``_quarto.yml`` and ``reports/`` into a scratch project folder.

    Quarto writes ``.quarto/`` into the project it renders and appends to its ``.gitignore``;
    rendering a copy keeps the report sources (in site-packages, for an installed package)
    untouched. The copy lives in the render's scratch folder inside the output folder (so
    nothing is written anywhere else), whose name is not hidden: Quarto does not treat a
    folder whose path holds a hidden (dot) folder as a project.
    """
    root = _project_root()
    project = scratch / "project"
    project.mkdir()
    shutil.copy2(root / "_quarto.yml", project / "_quarto.yml")
    shutil.copytree(root / "reports", project / "reports")
    return project


def _quarto_failure(qmd: Path, fmt: str, output: str) -> ReportError:
    """One line saying why Quarto failed, and how to render without it."""
    lines = [_ANSI.sub("", line).strip() for line in output.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("ERROR")]
    reason = (errors or lines or ["no message"])[-1]
    message = f"Quarto could not render {qmd.name} to {fmt}: {reason}. The built-in engine "
    return ReportError(
        message + 'renders without Quarto: engine="builtin".',
        cli=message + "renders without Quarto: --engine builtin.",
    )


def _render_quarto(
    qmd: Path, parameters: dict[str, Any], title: str | None, formats: Sequence[str], work: Path
) -> dict[str, Path]:
    """Render with the Quarto CLI (1.10) from a scratch copy of the sources.

    Quarto's Jupyter engine passes ``-P`` parameters through papermill (a dependency of
    logitfit); in a folder holding ``_quarto.yml`` it writes ``reports/x.qmd`` to
    ``OUTPUT/reports/x.html`` (the path relative to the project root is kept).
    """
    executable = shutil.which("quarto")
    if executable is None:
        raise ReportError(
            'The quarto command is not on PATH; the built-in engine needs none: engine="builtin".',
            cli="The quarto command is not on PATH; the built-in engine needs none: "
            "--engine builtin.",
        )
    scratch = work / f"quarto-{qmd.stem}"
    scratch.mkdir()
    try:
        return _run_quarto(executable, scratch, qmd, parameters, title, formats, work)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _run_quarto(
    executable: str,
    scratch: Path,
    qmd: Path,
    parameters: dict[str, Any],
    title: str | None,
    formats: Sequence[str],
    work: Path,
) -> dict[str, Path]:
    """Run ``quarto render`` on a copy of the sources in ``scratch``; move outputs to ``work``."""
    project = _quarto_project(scratch)
    outputs = scratch / "output"
    written = {}
    for fmt in formats:
        to = "html" if fmt == "html" else "typst"
        command = [executable, "render", f"reports/{qmd.name}", "--to", to]
        command += ["--output-dir", str(outputs)]
        for name, value in parameters.items():
            command += ["-P", f"{name}:{value}"]
        if title is not None:
            command += ["-M", f"title:{title}"]
        # Quarto picks its Python from QUARTO_PYTHON: make it this interpreter (with logitfit).
        environment = {**os.environ, "QUARTO_PYTHON": sys.executable}
        done = subprocess.run(
            command, cwd=project, capture_output=True, text=True, env=environment, check=False
        )
        candidates = [outputs / "reports" / f"{qmd.stem}.{fmt}", outputs / f"{qmd.stem}.{fmt}"]
        produced = next((path for path in candidates if path.is_file()), None)
        if done.returncode != 0 or produced is None:
            raise _quarto_failure(qmd, fmt, done.stderr or done.stdout)
        target = work / f"{qmd.stem}.{fmt}"
        os.replace(produced, target)
        written[fmt] = target
    return written


def render_report(
    data: str | Path | Any = None,
    *,
    formula: str | None = None,
    weights: str | None = None,
    weights_kind: str = "frequency",
    strata: str | None = None,
    clusters: str | Sequence[str] | None = None,
    fpc: str | Sequence[str] | None = None,
    nest: bool = False,
    lonely_psu: str = "fail",
    cutoff: float = 0.5,
    missing: str = "raise",
    method: str = "newton",
    validate: int = 200,
    title: str | None = None,
    formats: Sequence[str] = FORMATS,
    output_dir: str | Path = "_output",
    engine: str = "auto",
    overwrite: bool = False,
) -> list[Path]:
    """Render the reports to HTML and/or PDF.

    With no ``data``, both reports (``derivation`` and ``diagnostics``) are rendered on the
    bundled penguins data with its example model (rows with missing values dropped, and said
    so in the report). With ``data``, the diagnostics report is rendered for that file.

    Parameters
    ----------
    data : str, pathlib.Path or DataFrame, optional
        CSV (or Parquet) file, relative to the current directory or absolute; or a table in
        memory (pandas, polars, pyarrow, or any other that narwhals reads), whose outputs are
        named ``diagnostics-data.*``.
    formula : str, optional
        Model formula; required with ``data``.
    weights : str, optional
        Column of frequency weights (or of sampling weights, see ``weights_kind``).
    weights_kind : {"frequency", "probability"}
        What ``weights`` are; "probability" (or any of ``strata``, ``clusters``, ``fpc``)
        makes the fit a survey design's (see :class:`logitfit.SurveyDesign`).
    strata, clusters, fpc : str or sequence of str, optional
        Columns of the survey design: first-stage strata; sampling units by stage; finite
        population corrections by stage.
    nest, lonely_psu
        As :class:`logitfit.SurveyDesign`.
    cutoff : float
        Probability cutoff of the classification table.
    missing : {"raise", "drop"}
        What to do with rows holding missing values.
    method : {"newton", "firth"}
        Maximum likelihood, or Firth's penalised likelihood.
    validate : int
        Bootstrap refits of the internal-validation section (0 skips it).
    title : str, optional
        Title of the diagnostics report.
    formats : sequence of {"html", "pdf"}
        Output formats.
    output_dir : str or pathlib.Path
        Folder for the outputs (created if needed).
    engine : {"auto", "builtin", "quarto"}
        ``auto`` uses the Quarto CLI when it is on PATH, else the built-in engine.
    overwrite : bool
        Replace existing output files.

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown or not formats:
        raise ReportError(f"Formats must be among html, pdf; got {', '.join(formats) or 'none'}.")
    if method not in ("newton", "firth"):
        raise ReportError(f"method must be newton or firth; got {method!r}.")
    if engine not in ("auto", "builtin", "quarto"):
        raise ReportError(f"engine must be auto, builtin or quarto; got {engine!r}.")
    if isinstance(validate, bool) or not isinstance(validate, int) or validate < 0:
        raise ReportError(f"validate must be a whole number of refits (0 skips); got {validate!r}.")
    if not 0.0 <= cutoff <= 1.0:
        raise ReportError(f"The classification cutoff must lie between 0 and 1; got {cutoff:g}.")
    use_quarto = engine == "quarto" or (engine == "auto" and shutil.which("quarto") is not None)
    reports_dir = _project_root() / "reports"
    frame, label = None, None
    if data is None:
        source = bundled_data()
        formula, missing, suffix = formula or BUNDLED_FORMULA, "drop", ""
        names = ["derivation", "diagnostics"]
    else:
        if formula is None:
            raise ReportError("A formula is needed to report on your data: --formula 'y ~ x'.")
        if isinstance(data, str | Path):
            source, suffix, names = Path(data).resolve(), f"-{Path(data).stem}", ["diagnostics"]
        else:
            # A table in memory (pandas, polars, pyarrow, ...): the kernel reads a Parquet copy.
            frame = as_pandas(data)
            if not isinstance(frame, pd.DataFrame):
                raise ReportError(
                    f"data must be a file path or a DataFrame, got {type(data).__name__}."
                )
            library = type(data).__module__.split(".")[0]
            label = f"a {library} table of {frame.shape[0]} rows"
            source, suffix, names = Path("data.parquet"), "-data", ["diagnostics"]
    stages = {
        name: ",".join([value] if isinstance(value, str) else list(value)) if value else None
        for name, value in (("clusters", clusters), ("fpc", fpc))
    }
    survey = bool(strata or stages["clusters"] or stages["fpc"] or weights_kind == "probability")
    if weights_kind not in ("frequency", "probability"):
        raise ReportError(f"weights_kind must be frequency or probability; got {weights_kind!r}.")
    if survey and method == "firth":
        raise ReportError("Firth's method under a survey design is not implemented.")
    # Fail fast, with the library's own message, before any kernel starts.
    table = frame if frame is not None else read_table(source)
    rows = design_from_formula(formula, table, weights=weights, missing=missing)  # type: ignore[arg-type]
    if survey:
        # The design's columns are checked on the model's rows (no fit: the kernel fits).
        design = SurveyDesign(
            weights=weights,
            strata=strata,
            clusters=stages["clusters"].split(",") if stages["clusters"] else (),
            fpc=stages["fpc"].split(",") if stages["fpc"] else (),
            nest=nest,
            lonely_psu=lonely_psu,  # type: ignore[arg-type]
        )
        if not table.index.is_unique:
            raise ReportError("A survey design needs unique row labels in the data.")
        resolve(design, table, table.index.get_indexer(rows.row_labels))
    output = Path(output_dir).resolve()
    targets = {(n, f): output / f"{n}{suffix}.{f}" for n in names for f in formats}
    existing = [str(p) for p in targets.values() if p.exists()]
    if existing and not overwrite:
        found = f"{', '.join(existing)} already exist"
        raise ReportError(
            f"{found}; pass overwrite=True to replace them.",
            cli=f"{found}; pass --overwrite to replace them.",
        )
    output.mkdir(parents=True, exist_ok=True)
    # Not a hidden name: Quarto refuses a project below a dot folder (see _quarto_project).
    work = Path(tempfile.mkdtemp(prefix="logitfit-render-", dir=output))
    if frame is not None:
        source = work / "data.parquet"
        frame.to_parquet(source)
    parameters: dict[str, dict[str, Any]] = {
        "derivation": {"data": str(source)},
        "diagnostics": {
            "data": str(source),
            "formula": formula,
            "cutoff": cutoff,
            "missing": missing,
            "method": method,
            "validate": validate,
            **({"weights": weights} if weights is not None else {}),
            **({"data_label": label} if label is not None else {}),
            **({"weights_kind": weights_kind} if survey else {}),
            **({"strata": strata} if strata else {}),
            **({k: v for k, v in stages.items() if v}),
            **({"nest": nest, "lonely_psu": lonely_psu} if survey else {}),
        },
    }
    try:
        rendered: dict[tuple[str, str], Path] = {}
        for name in names:
            render = _render_quarto if use_quarto else _render_builtin
            doc_title = title if name == "diagnostics" else None
            files = render(reports_dir / f"{name}.qmd", parameters[name], doc_title, formats, work)
            rendered.update({(name, fmt): path for fmt, path in files.items()})
        for key, target in targets.items():
            os.replace(rendered[key], target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return list(targets.values())
