"""Fit on Dask data: the in-memory Newton iteration with one Dask pass per evaluation.

The sequence of passes over the partitions (each one Dask graph, see
:mod:`logitfit.backends.dask.passes`):

1. formula fits only: the distinct values of the categorical columns and of a non-numeric
   outcome (reads those columns only), to fix the design's columns
   (:mod:`logitfit.backends.dask.spec`);
2. validate and total every partition, keeping a systematic sample of about 10,000 rows
   (50 per coefficient if more) on the client;
3. one pass per Newton evaluation: the summed gradient, Hessian and deviance. Newton starts from
   the in-memory fit of the sample (as the in-memory warm start does), so three or four passes
   usually suffice; step halving, convergence tests, the rank check on the first Hessian and the
   result object are those of the in-memory fit.

The k x k solves run on the client. No per-row data reach the client except the sample, which
also serves the separation check: a non-separated sample proves that the whole data are not
separated (a direction separating all rows separates every subset).
"""

from __future__ import annotations

import contextlib
import math
import sys
import warnings
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from logitfit.backends.dask import partitions, passes
from logitfit.backends.dask.design import (
    ArrayBuilder,
    BuiltParts,
    DaskDesign,
    PartSummary,
    stack_sample,
)
from logitfit.backends.dask.scheduler import compute
from logitfit.backends.dask.spec import plan_frame, resolve_event
from logitfit.design import checks as check
from logitfit.design.core import Design, sum_over_rows
from logitfit.design.roles import RowRoles
from logitfit.diagnostics.separation import (
    Separation,
    confirmed_separation,
    detect_separation,
    direction_counts,
    projected_rows,
    sample_candidate,
    separation_in_directions,
)
from logitfit.diagnostics.separation_programs import sign_rows, unexplored_directions
from logitfit.exceptions import (
    ConvergenceError,
    ConvergenceWarning,
    DataError,
    LogitfitError,
    OutcomeError,
    ScaleError,
    SeparationWarning,
)
from logitfit.fitting.core import (
    _SUBSAMPLE_ROWS,
    _SUSPICIOUS_ETA,
    make_result,
    sample_estimate,
)
from logitfit.fitting.null_model import binary_null_deviance, null_rate_coef, unverified_null
from logitfit.fitting.options import FitOptions
from logitfit.likelihood.logistic import evaluation_from_sums
from logitfit.results.result import LogitResult
from logitfit.solvers import Evaluation, newton, run_solver

__all__ = ["fit_dask_arrays", "fit_dask_frame"]

_DEFAULT_SETTINGS = FitOptions()

#: Partitions read for the warm start's sample (evenly spaced over the data).
_SAMPLE_PARTS = 4


def _refuse(settings: FitOptions, cluster: object) -> None:
    """Raise ScaleError for the options that need every row in memory."""
    if settings.method == "firth":
        raise ScaleError(
            "method='firth' is not available for Dask data: Firth's correction is meant for "
            "small or sparse samples, which fit in memory; call ddf.compute() and fit that."
        )
    if cluster is not None and settings.cov_type != "CR1":
        raise DataError("cluster= is only used with cov_type='CR1'.")
    if settings.cov_type == "CR1" and not isinstance(cluster, str):
        raise DataError(
            "With Dask data, CR1 needs the cluster labels as a column of the Dask DataFrame: "
            "cluster='column name' (labels in a separate array cannot be matched to the "
            "partitions' rows)."
        )


def fit_dask_frame(
    formula: str,
    data: Any,
    roles: RowRoles,
    cluster: object = None,
    settings: FitOptions = _DEFAULT_SETTINGS,
) -> LogitResult:
    """Fit a formula to a Dask DataFrame (called by :func:`logitfit.fit`).

    Parameters
    ----------
    formula : str
        ``"outcome ~ terms"``.
    data : dask.dataframe.DataFrame
        The data, in partitions; never collected.
    roles : RowRoles
        Weights, offset and trials as column names, event, missing-value rule.
    cluster
        As in :func:`logitfit.fit` (no CR1).
    settings : FitOptions
        How to fit (checked by :func:`logitfit.fit`; no Firth, no CR1).

    Returns
    -------
    LogitResult
        With a :class:`logitfit.backends.dask.design.DaskDesign` as its ``design``.
    """
    _refuse(settings, cluster)
    progress = settings.progress
    kept = [cluster] if isinstance(cluster, str) else []
    plan, projected = plan_frame(formula, data, roles, progress, kept)
    design = DaskDesign(
        names=plan.names,
        response=plan.response,
        event=plan.event,
        intercept_index=plan.intercept_index,
        model_spec=plan.builder.model_spec,
        formula=formula,
        term_columns=plan.term_columns,
        totals=PartSummary(),
        parts=tuple(projected.to_delayed()),
        build=plan.builder,
        source=projected,
    )
    return _fit(design, settings, cluster if isinstance(cluster, str) else None)


def fit_dask_arrays(
    X: Any,
    y: Any,
    names: Sequence[str] | None,
    intercept: bool,
    roles: RowRoles,
    cluster: ArrayLike | None = None,
    settings: FitOptions = _DEFAULT_SETTINGS,
) -> LogitResult:
    """Fit from a Dask array of predictors (called by :func:`logitfit.fit_arrays`).

    Parameters
    ----------
    X : dask.array.Array of shape (n, k)
        Predictors, chunked by rows (column chunks are merged).
    y : dask.array.Array of shape (n,)
        Outcome.
    names, intercept, cluster
        As in :func:`logitfit.fit_arrays` (no CR1).
    roles : RowRoles
        Weights, offset and trials as Dask arrays of shape (n,) (rechunked to the rows of
        ``X``), event, missing-value rule.
    settings : FitOptions
        How to fit (checked by :func:`logitfit.fit_arrays`; no Firth, no CR1).

    Returns
    -------
    LogitResult
    """
    import dask.array as da
    from dask import delayed

    _refuse(settings, cluster)
    progress = settings.progress
    if X.ndim == 1:
        X = X[:, None]
    if X.ndim != 2:
        raise DataError(f"X must be two-dimensional (n, k); got {X.ndim} dimensions.")
    X = X.rechunk({1: -1})
    row_chunks = X.chunks[0]
    n_cols = X.shape[1]
    if names is not None and len(names) != n_cols:
        raise DataError(f"names has {len(names)} entries but X has {n_cols} columns.")
    predictor_names = (
        tuple(names) if names is not None else tuple(f"x{j + 1}" for j in range(n_cols))
    )
    extras: dict[str, Any] = {}
    event, trials = roles.event, roles.trials
    for role, vector in {"y": y, **roles.per_row}.items():
        if vector is None:
            continue
        vector = vector if isinstance(vector, da.Array) else da.from_array(np.asarray(vector))
        if vector.ndim != 1 or vector.shape[0] != X.shape[0]:
            raise DataError(
                f"{role} must be one value per row of X ({X.shape[0]}); got shape {vector.shape}."
            )
        extras[role] = vector.rechunk((row_chunks,))
    outcome = extras["y"]
    distinct = None
    if trials is None and (event is not None or outcome.dtype.kind not in "biuf"):
        distinct = pd.Series(compute(da.unique(outcome), progress))
    boolean = outcome.dtype.kind == "b"
    event_level, event_text = resolve_event(distinct, "y", event, trials is not None, boolean)
    starts = np.concatenate([[0], np.cumsum(row_chunks)[:-1]]).astype(int)
    blocks = [X.to_delayed().ravel()] + [
        extras[r].to_delayed().ravel() if r in extras else [None] * len(row_chunks)
        for r in ("y", "weights", "offset", "trials")
    ]
    parts = tuple(
        delayed(tuple, pure=True)([int(start), *row])
        for start, *row in zip(starts, *blocks, strict=True)
    )
    all_names = ("Intercept", *predictor_names) if intercept else predictor_names
    design = DaskDesign(
        names=all_names,
        response="y",
        event=event_text,
        intercept_index=0 if intercept else None,
        model_spec=None,
        formula=None,
        term_columns=tuple((name, (name,)) for name in all_names),
        totals=PartSummary(),
        parts=parts,
        build=ArrayBuilder(
            predictor_names, intercept, RowRoles(event=event_level, missing=roles.missing)
        ),
        source=(X, *(extras.get(r) for r in ("y", "weights", "offset", "trials"))),
    )
    return _fit(design, settings)


def _check_totals(design: DaskDesign) -> None:
    """Run the in-memory checks that need every row, on the totals."""
    totals = design.totals
    if totals.n_rows == 0:
        raise DataError("No rows are left to fit (all were dropped or the input is empty).")
    if totals.n_positive < design.n_params:
        raise DataError(
            f"Only {totals.n_positive} rows for {design.n_params} coefficients: a model needs at "
            "least as many rows as parameters. Use fewer predictors or more data."
        )
    event = design.build.roles.event
    if event is not None and totals.n_events == 0:
        raise OutcomeError(f"The event {event!r} never occurs in '{design.response}'.")
    check.outcome_varies(design)


def _fit(
    design: DaskDesign,
    settings: FitOptions,
    cluster: str | None = None,
) -> LogitResult:
    """Validate and total the partitions, then run the solver with one pass per evaluation."""
    method, progress, options = settings.method, settings.progress, settings.solver
    source = design
    if settings.persist:
        design = _persisted(design, progress)
    sample_size = max(_SUBSAMPLE_ROWS, 50 * design.n_params)
    begin = _warm_start(design, sample_size, progress) if method == "newton" else None
    if begin is None:
        begin = np.zeros(design.n_params)
    per_part = math.ceil(sample_size / max(design.n_partitions, 1))
    totals, sums = passes.first_pass(design.parts, design.build, per_part, begin, progress)
    design = replace(design, totals=replace(totals, sample=()))
    _check_totals(design)
    sample = stack_sample(totals.sample)
    first = evaluation_from_sums(sums)
    if first.hessian is None:  # pragma: no cover - the first pass always sums the Hessian
        raise ConvergenceError("internal: the first pass returned no Hessian")
    check.full_rank(design, first.hessian)

    def objective(coef: NDArray[np.float64], with_hessian: bool) -> Evaluation:
        return passes.evaluate(coef, design, with_hessian, progress=progress)

    solution = run_solver(objective, method, begin, design.n_trials, options, first)
    evaluation = solution.evaluation
    if evaluation.hessian is None:  # gradient descent: one more pass for the Hessian
        evaluation = objective(solution.coef, True)
        solution = replace(solution, evaluation=evaluation)
    # Every Dask pass records max |eta| (its evaluation reads each row's eta anyway).
    if not solution.converged or (evaluation.largest_abs_eta or 0.0) > _SUSPICIOUS_ETA:
        separation = _check_separation(design, sample, solution.converged, solution.message, method)
    else:
        separation = None
    # The result reads the data from their source again: the persisted matrices are released
    # when the fit returns.
    kept = replace(design, parts=source.parts, build=source.build)
    result = make_result(kept, solution, lambda: _null_deviance(design, progress), separation)
    cov_type = settings.cov_type
    return result if cov_type == "model" else result.with_covariance(cov_type, cluster)


def _persisted(design: DaskDesign, progress: bool) -> DaskDesign:
    """Build every partition's Designs in one pass and keep them where Dask computed them."""
    import dask
    from dask.diagnostics import ProgressBar

    built = [
        dask.delayed(partitions.built_designs, pure=True)(part, design.build, number)
        for number, part in enumerate(design.parts)
    ]
    with ProgressBar(out=sys.stderr) if progress else contextlib.nullcontext():
        kept = dask.persist(*built)
    return replace(design, parts=tuple(kept), build=BuiltParts(design.build))


def _warm_start(design: DaskDesign, sample_size: int, progress: bool) -> NDArray[np.float64] | None:
    """Start from the in-memory fit of rows sampled from a few partitions spread over the data.

    As the in-memory warm start (:func:`logitfit.fitting.core._warm_start`), this saves Newton
    passes over all the data; it is tried only when the data have at least ``2 * _SAMPLE_PARTS``
    partitions, so that reading the sampled ones costs at most half a pass. A poor start (data
    sorted so that the sampled partitions are unrepresentative) costs iterations, not accuracy;
    None means the default start (all zeros).
    """
    if design.n_partitions < 2 * _SAMPLE_PARTS:
        return None
    chosen = np.unique(np.linspace(0, design.n_partitions - 1, _SAMPLE_PARTS).round().astype(int))
    rows = math.ceil(sample_size / len(chosen))
    summary = passes.summarise(
        [design.parts[i] for i in chosen], design.build, rows, progress, [int(i) for i in chosen]
    )
    if not summary.sample:
        return None
    try:
        return sample_estimate(stack_sample(summary.sample))
    except (LogitfitError, ArithmeticError, ValueError):  # e.g. a singular sample Hessian
        return None


def _check_separation(
    design: DaskDesign, sample: Design, converged: bool, message: str, method: str
) -> Separation | None:
    """Decide separation from the row sample and one pass, and warn in words.

    A sample that is not separated rules out the directions it spans, and one pass settles the
    rest (see :func:`logitfit.diagnostics.separation_programs.unexplored_directions`); a
    separated sample gives a direction that one pass checks on every row: if no row contradicts
    it, the whole data are separated (the in-memory check's proof, without collecting the
    rows). Otherwise the question stays open and the warning says so.
    """
    candidate = sample_candidate(sample)
    if candidate is not None:
        counts = sum_over_rows(design, direction_counts, candidate)
        found = confirmed_separation(design.names, candidate, counts)
        if found is not None:
            warnings.warn(found.describe(), SeparationWarning, stacklevel=4)
            return found
        in_sample = detect_separation(sample)
        warnings.warn(
            "Fitted probabilities reach 0 or 1, and a systematic sample of "
            f"{sample.n_rows} rows is separated"
            + (f": {in_sample.describe()}" if in_sample is not None else ".")
            + " Whether all rows are separated could not be decided without them in memory; "
            "if they are, the estimates of those coefficients are infinite.",
            SeparationWarning,
            stacklevel=4,
        )
        return None
    # The sample is not separated: that rules out every direction it spans. One pass gathers
    # the rows along the directions it does not span (a rare level it missed), and a program in
    # those coordinates decides them exactly.
    signed, _, scale = sign_rows(sample)
    basis = unexplored_directions(signed)
    if basis is not None:
        stacked = sum_over_rows(design, projected_rows, basis, scale)
        found = separation_in_directions(design.names, stacked.rows, basis)
        if found is not None:
            warnings.warn(found.describe(), SeparationWarning, stacklevel=4)
            return found
    if not converged:
        warnings.warn(
            f"The {method} solver did not converge: {message}. The estimates below are "
            "from its last iteration; try a larger max_iter.",
            ConvergenceWarning,
            stacklevel=4,
        )
    return None


def _null_deviance(design: DaskDesign, progress: bool) -> float:
    """Null deviance as :func:`logitfit.fitting.null_model.null_deviance`, a pass per iteration."""
    if design.intercept_index is None:
        return passes.evaluate(np.zeros(0), design, False, "offset", progress).deviance
    if not design.has_offset:
        closed = binary_null_deviance(design)
        if closed is not None:
            return closed
        at_rate = passes.evaluate(null_rate_coef(design), design, False, "intercept", progress)
        return at_rate.deviance

    def objective(coef: NDArray[np.float64], with_hessian: bool) -> Evaluation:
        return passes.evaluate(coef, design, with_hessian, "intercept", progress)

    solution = newton(objective, null_rate_coef(design))
    if not solution.converged:
        return unverified_null(solution.message)
    return solution.evaluation.deviance
