"""Command line: ``logitfit fit | check | validate | report``, a thin shell over the public API.

Errors print one line (``logitfit: error: ...``) and exit with status 2; warnings print one line
each to standard error.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from logitfit import (
    LogitfitError,
    LogitResult,
    SurveyDesign,
    crosscheck,
    fit,
    read_table,
    validate,
)
from logitfit.design.io import read_dask_table, wants_dask

__all__ = ["main"]


class CommandError(LogitfitError):
    """A problem with the command line itself (an output file exists)."""


def _add_model_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "data", help="CSV or Parquet file; a Parquet folder or glob ('data/*.parquet') uses Dask"
    )
    parser.add_argument("--formula", "-f", required=True, help='e.g. "y ~ x1 + C(group)"')
    parser.add_argument("--weights", help="column of frequency weights")
    parser.add_argument("--offset", help="column added to the linear predictor")
    parser.add_argument("--trials", help="column of trials (the outcome then counts events)")
    parser.add_argument("--event", help="outcome level to model (default: 1/True/second level)")
    parser.add_argument(
        "--drop-missing",
        action="store_true",
        help="drop rows with missing or infinite values in the model's columns (default: error)",
    )
    parser.add_argument(
        "--method",
        choices=("newton", "gradient_descent", "firth"),
        default="newton",
        help="solver; firth: Firth's penalised likelihood (finite under separation)",
    )


def _add_survey_arguments(parser: argparse.ArgumentParser) -> None:
    survey = parser.add_argument_group(
        "survey design", "design-based standard errors, as R's survey::svyglm"
    )
    survey.add_argument(
        "--weights-kind",
        choices=("frequency", "probability"),
        default="frequency",
        help="what --weights are: frequencies (default) or sampling weights",
    )
    survey.add_argument("--strata", help="column of first-stage strata")
    survey.add_argument(
        "--clusters", help="columns of the sampling units by stage, comma-separated: psu,ssu"
    )
    survey.add_argument(
        "--fpc", help="finite population corrections by stage, comma-separated columns"
    )
    survey.add_argument(
        "--nest", action="store_true", help="unit labels repeat across strata (nest = TRUE)"
    )
    survey.add_argument(
        "--lonely-psu",
        choices=("fail", "certainty", "adjust", "average", "remove"),
        default="fail",
        help="what a stratum with one sampling unit does (survey.lonely.psu)",
    )


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="logitfit", description="Logistic regression by maximum likelihood."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    fit_parser = commands.add_parser("fit", help="fit a model and print its summary")
    _add_model_arguments(fit_parser)
    fit_parser.add_argument("--level", type=float, default=0.95, help="confidence level")
    _add_survey_arguments(fit_parser)
    fit_parser.add_argument(
        "--dask",
        action="store_true",
        help="fit with Dask, partition by partition (implied by a folder or glob of Parquet files)",
    )
    fit_parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="address of a dask.distributed scheduler, e.g. tcp://10.0.0.5:8786 (implies --dask)",
    )
    fit_parser.add_argument(
        "--persist",
        action="store_true",
        help="build each partition's design matrix once and keep it in the workers' memory "
        "between passes; needs room for rows x columns numbers (implies --dask)",
    )
    fit_parser.add_argument(
        "--json", metavar="PATH", help="write the result as JSON to PATH ('-' for standard output)"
    )
    fit_parser.add_argument(
        "--overwrite", action="store_true", help="allow --json to replace an existing file"
    )
    check_parser = commands.add_parser("check", help="cross-check a fit against statsmodels")
    _add_model_arguments(check_parser)
    check_parser.add_argument("--rtol", type=float, default=1e-8, help="relative tolerance")
    validate_parser = commands.add_parser(
        "validate", help="optimism-corrected performance by the bootstrap (as rms::validate)"
    )
    _add_model_arguments(validate_parser)
    validate_parser.add_argument(
        "--n-boot", type=int, default=200, metavar="N", help="bootstrap resamples (default 200)"
    )
    validate_parser.add_argument("--seed", type=int, help="seed of the resampling")
    validate_parser.add_argument(
        "--resampling",
        choices=("boot", ".632", ".632+", "crossvalidation"),
        default="boot",
        help="optimism bootstrap (default), .632 or .632+, or k-fold cross-validation",
    )
    validate_parser.add_argument("--folds", type=int, default=10, help="cross-validation folds")
    validate_parser.add_argument("--repeats", type=int, default=1, help="cross-validation repeats")
    validate_parser.add_argument(
        "--no-progress", action="store_true", help="no progress bar on standard error"
    )
    report = commands.add_parser(
        "report",
        help="render the reports (no DATA: both reports on the bundled penguins data)",
    )
    report.add_argument("data", nargs="?", help="CSV or Parquet file for the diagnostics report")
    report.add_argument("--formula", "-f", help="model formula (required with DATA)")
    report.add_argument("--weights", help="column of frequency weights")
    report.add_argument("--cutoff", type=float, default=0.5, help="classification cutoff")
    report.add_argument("--drop-missing", action="store_true", help="drop incomplete rows")
    report.add_argument(
        "--method", choices=("newton", "firth"), default="newton", help="estimation method"
    )
    report.add_argument(
        "--validate",
        type=int,
        default=200,
        metavar="N",
        help="bootstrap refits for the internal validation (0 skips it)",
    )
    report.add_argument("--title", help="title of the diagnostics report")
    report.add_argument("--format", default="html,pdf", help="comma-separated: html, pdf")
    report.add_argument("--output-dir", default="_output", help="folder for the outputs")
    report.add_argument(
        "--engine", choices=("auto", "builtin", "quarto"), default="auto", help="renderer"
    )
    report.add_argument("--overwrite", action="store_true", help="replace existing outputs")
    _add_survey_arguments(report)
    return parser


def _report(args: argparse.Namespace) -> int:
    from logitfit.reporting import render_report  # the report stack loads only when needed

    written = render_report(
        args.data,
        formula=args.formula,
        weights=args.weights,
        weights_kind=args.weights_kind,
        strata=args.strata,
        clusters=args.clusters.split(",") if args.clusters else None,
        fpc=args.fpc.split(",") if args.fpc else None,
        nest=args.nest,
        lonely_psu=args.lonely_psu,
        cutoff=args.cutoff,
        missing="drop" if args.drop_missing else "raise",
        method=args.method,
        validate=args.validate,
        title=args.title,
        formats=[f.strip() for f in args.format.split(",") if f.strip()],
        output_dir=args.output_dir,
        engine=args.engine,
        overwrite=args.overwrite,
    )
    for path in written:
        print(path)
    return 0


def _fit(args: argparse.Namespace) -> LogitResult:
    """Fit in memory, or with Dask (progress bar on) for many files, --dask or --scheduler."""
    scheduler = getattr(args, "scheduler", None)
    persist = getattr(args, "persist", False)
    lazy = getattr(args, "dask", False) or scheduler is not None or persist or wants_dask(args.data)
    data = read_dask_table(args.data) if lazy else read_table(args.data)
    with contextlib.ExitStack() as stack:
        if scheduler is not None:
            from distributed import Client

            try:
                stack.enter_context(Client(scheduler, timeout="10s"))
            except OSError as error:
                raise CommandError(
                    f"Cannot reach the Dask scheduler at {scheduler}: {error}"
                ) from error
        design = _survey_design(args)
        return fit(
            args.formula,
            data,
            weights=None if design is not None else args.weights,
            design=design,
            offset=args.offset,
            trials=args.trials,
            event=args.event,
            missing="drop" if args.drop_missing else "raise",
            method=args.method,
            progress=lazy,
            persist=persist,
        )


def _survey_design(args: argparse.Namespace) -> SurveyDesign | None:
    """Build the survey design the fit command's options describe, if any."""
    strata, clusters, fpc = (getattr(args, name, None) for name in ("strata", "clusters", "fpc"))
    probability = getattr(args, "weights_kind", "frequency") == "probability"
    if not (probability or strata or clusters or fpc):
        return None
    if probability and args.weights is None:
        raise CommandError("--weights-kind probability needs --weights COLUMN.")
    return SurveyDesign(
        weights=args.weights,
        strata=strata,
        clusters=clusters.split(",") if clusters else (),
        fpc=fpc.split(",") if fpc else (),
        nest=args.nest,
        lonely_psu=args.lonely_psu,
    )


def _write_json(payload: dict[str, Any], target: str, overwrite: bool, out: TextIO) -> None:
    text = json.dumps(payload, indent=2, default=str)
    if target == "-":
        out.write(text + "\n")
        return
    path = Path(target)
    if path.exists() and not overwrite:
        raise CommandError(f"{target} exists; pass --overwrite to replace it.")
    path.write_text(text + "\n", encoding="utf-8")


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    print(f"logitfit: warning: {message}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments (default ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit status: 0 on success, 1 when a cross-check disagrees, 2 on an error.
    """
    args = _build_parser().parse_args(argv)
    warnings.showwarning = _show_warning
    try:
        if args.command == "report":
            return _report(args)
        result = _fit(args)
        if args.command == "validate":
            print(
                validate(
                    result,
                    n_boot=args.n_boot,
                    seed=args.seed,
                    method=args.resampling,
                    folds=args.folds,
                    repeats=args.repeats,
                    progress=not args.no_progress,
                ).summary()
            )
            return 0
        if args.command == "fit":
            if args.json is not None:
                _write_json(result.to_dict(args.level), args.json, args.overwrite, sys.stdout)
            if args.json != "-":
                print(result.summary(args.level))
            return 0
        report = crosscheck(result, rtol=args.rtol)
        print(report)
        return 0 if report.all_within else 1
    except LogitfitError as error:
        print(f"logitfit: error: {error.for_cli()}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
