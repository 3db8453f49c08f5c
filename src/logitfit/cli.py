"""Command line: ``logitfit fit | check``, a thin shell over the public API.

Errors print one line (``logitfit: error: ...``) and exit with status 2; warnings print one line
each to standard error.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

import pandas as pd

from logitfit.exceptions import LogitfitError
from logitfit.fit import fit
from logitfit.results import LogitResult

__all__ = ["main"]


class CommandError(LogitfitError):
    """A problem with the command line itself (file not found, output exists)."""


def _read_table(path: str) -> pd.DataFrame:
    """Read a CSV, or a Parquet file when the name says so (needs pyarrow)."""
    file = Path(path)
    if not file.is_file():
        raise CommandError(f"No such data file: {path}")
    if file.suffix.lower() in (".parquet", ".pq"):
        try:
            return pd.read_parquet(file)
        except ImportError as error:
            raise CommandError(
                "Reading Parquet needs pyarrow: pip install pyarrow (or convert to CSV)."
            ) from error
    try:
        return pd.read_csv(file)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as error:
        raise CommandError(f"Cannot read {path} as CSV: {error}".splitlines()[0]) from error


def _add_model_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("data", help="CSV file (or .parquet with pyarrow installed)")
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
        "--method", choices=("newton", "gradient_descent"), default="newton", help="solver"
    )


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="logitfit", description="Logistic regression by maximum likelihood."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    fit_parser = commands.add_parser("fit", help="fit a model and print its summary")
    _add_model_arguments(fit_parser)
    fit_parser.add_argument("--level", type=float, default=0.95, help="confidence level")
    fit_parser.add_argument(
        "--json", metavar="PATH", help="write the result as JSON to PATH ('-' for standard output)"
    )
    fit_parser.add_argument(
        "--overwrite", action="store_true", help="allow --json to replace an existing file"
    )
    check_parser = commands.add_parser("check", help="cross-check a fit against statsmodels")
    _add_model_arguments(check_parser)
    check_parser.add_argument("--rtol", type=float, default=1e-8, help="relative tolerance")
    return parser


def _fit(args: argparse.Namespace) -> LogitResult:
    data = _read_table(args.data)
    return fit(
        args.formula,
        data,
        weights=args.weights,
        offset=args.offset,
        trials=args.trials,
        event=args.event,
        missing="drop" if args.drop_missing else "raise",
        method=args.method,
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
        result = _fit(args)
        if args.command == "fit":
            if args.json is not None:
                _write_json(result.to_dict(args.level), args.json, args.overwrite, sys.stdout)
            if args.json != "-":
                print(result.summary(args.level))
            return 0
        report = result.crosscheck(rtol=args.rtol)
        print(report)
        return 0 if report.all_within else 1
    except LogitfitError as error:
        print(f"logitfit: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
