"""The text summary of a fitted model, laid out like R's ``summary.glm`` and statsmodels."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from logitfit.results.result import LogitResult

__all__ = ["coefficient_table", "format_p_value", "format_summary", "result_to_dict"]

_WIDTH = 78


def format_p_value(p_value: float) -> str:
    """Format a p-value as R does: four decimals, or scientific below 1e-4, floored at 2e-16.

    Parameters
    ----------
    p_value : float

    Returns
    -------
    str
    """
    if p_value < 2e-16:
        return "<2e-16"
    if p_value < 1e-4:
        return f"{p_value:.2e}"
    return f"{p_value:.4f}"


def _number(value: float) -> str:
    return f"{value:.4f}" if 1e-3 <= abs(value) < 1e6 or value == 0 else f"{value:.4e}"


def _coefficient_table(result: LogitResult, level: float) -> str:
    table = result.to_frame(level)
    statistic = "z" if result.wald_df is None else "t"  # t on the design's df under a survey
    low = f"[{(1 - level) / 2:.3g}"
    high = f"{1 - (1 - level) / 2:.3g}]"
    if "plr_p_value" in table:
        # Firth: penalised likelihood-ratio tests and profile intervals, as R's logistf prints.
        shown = pd.DataFrame(
            {
                "coef": table["coef"].map(_number),
                "std err": table["std_error"].map(_number),
                "PLR chi2": table["plr_chi2"].map(lambda v: f"{v:.3f}"),
                "P(PLR)": table["plr_p_value"].map(format_p_value),
                f"profile {low}": table["profile_low"].map(_number),
                high: table["profile_high"].map(_number),
                "odds ratio": table["odds_ratio"].map(_number),
            }
        )
    else:
        shown = pd.DataFrame(
            {
                "coef": table["coef"].map(_number),
                "std err": table["std_error"].map(_number),
                statistic: table["z"].map(lambda v: f"{v:.3f}"),
                f"P>|{statistic}|": table["p_value"].map(format_p_value),
                low: table["conf_low"].map(_number),
                high: table["conf_high"].map(_number),
                "odds ratio": table["odds_ratio"].map(_number),
            }
        )
    # A coefficient that diverges under separation is starred, with the explanation below.
    shown.index = pd.Index(
        [
            f"{term} (*)" if flag else term
            for term, flag in zip(table["term"], table["diverges"], strict=True)
        ]
    )
    return shown.to_string()


def format_summary(result: LogitResult, level: float = 0.95) -> str:
    """Return the summary of a fitted model as text.

    Parameters
    ----------
    result : LogitResult
    level : float
        Confidence level of the intervals.

    Returns
    -------
    str
    """
    design = result.design
    rule, thin = "=" * _WIDTH, "-" * _WIDTH
    status = (
        f"converged in {result.n_iter} iterations"
        if result.converged
        else f"NOT converged after {result.n_iter} iterations"
    )
    lines = [
        "Logistic regression, maximum likelihood (logitfit)",
        rule,
        f"Modelled event:  {design.event}",
    ]
    if design.formula is not None:
        lines.append(f"Formula:         {design.formula}")
    dropped = (
        f"   (rows dropped for missing values: {design.n_dropped})" if design.n_dropped else ""
    )
    if result.covariance.survey is not None:
        counts = [
            f"Observations:    {design.n_rows} rows (sampling weights sum to {result.n_obs:g})"
            + dropped,
            f"Events:          weighted {design.n_events:g} of {design.n_trials:g}",
        ]
    else:
        counts = [
            f"Observations:    {result.n_obs:g}" + dropped,
            f"Events:          {design.n_events:g} of {design.n_trials:g} trials",
        ]
    lines += [
        *counts,
        f"Covariance:      {result.covariance.describe()}",
        f"Solver:          {result.solver.method}, {status} "
        f"(largest |gradient| {result.gradient_norm:.2e})",
        thin,
        _coefficient_table(result, level),
    ]
    survey = result.covariance.survey
    if survey is None:
        lines += [
            thin,
            f"Log-likelihood:     {result.loglik:.4f}     "
            f"Null log-likelihood: {result.loglik_null:.4f}",
            f"Residual deviance:  {result.deviance:.4f} on {result.df_resid:g} df",
            f"Null deviance:      {result.null_deviance:.4f} on {result.df_null:g} df",
            f"LR chi2({result.lr_df}):        {result.lr_stat:.4f}     p = "
            f"{format_p_value(result.lr_pvalue)}",
            f"AIC: {result.aic:.4f}     BIC: {result.bic:.4f}     "
            f"McFadden R2: {result.mcfadden_r2:.4f}",
        ]
    notes = []
    if survey is not None:
        notes.append(
            f"Survey design: {design.n_rows} rows with sampling weights summing to "
            f"{design.n_obs:g}. Pseudo-maximum-likelihood estimates; design-based standard "
            f"errors; t tests and intervals on {result.wald_df:g} df (survey::svyglm). "
            "Likelihood-ratio tests, AIC and BIC do not apply; use wald_tests_by_term."
        )
    elif not design.unit_weights:
        notes.append(
            "Frequency weights were used: a row of weight k counts as k observations (n = sum of "
            "weights, also in BIC, as Stata's fweights); per-row residuals and leverage are "
            "those of one copy."
        )
    if design.has_offset:
        notes.append("The linear predictor includes an offset.")
    if result.likelihood.penalised:
        notes.append(
            "Firth's penalised likelihood (Jeffreys prior): p-values from penalised "
            "likelihood-ratio tests and profile penalised-likelihood intervals, as R's logistf; "
            "standard errors from the inverse information. Log-likelihoods and deviances above "
            "are the unpenalised ones at these estimates."
        )
        if result.separation is not None:
            notes.append(
                f"{result.separation.kind.capitalize()} separation was found; the Firth "
                "estimates remain finite."
            )
    elif result.separation is not None:
        notes.append("(*) " + result.separation.describe())
    elif not result.converged:
        notes.append(f"WARNING: the solver did not converge: {result.solver.message}.")
    if notes:
        lines += [thin, *notes]
    lines.append(rule)
    return "\n".join(lines)


def _plain(value: Any) -> Any:
    """Turn a float that JSON cannot hold (inf, nan) into a string; leave others as they are."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def result_to_dict(result: LogitResult, level: float = 0.95) -> dict[str, Any]:
    """Return the result as JSON-ready built-in types.

    Parameters
    ----------
    result : LogitResult
    level : float
        Confidence level of the intervals.

    Returns
    -------
    dict
        Keys ``model``, ``coefficients`` (one record per term), ``statistics`` and ``estimation``.
    """
    design = result.design
    table = result.to_frame(level)
    coefficients = [
        {key: _plain(value) for key, value in record.items()}
        for record in table.to_dict(orient="records")
    ]
    survey = result.covariance.survey
    # Under a survey design the likelihood statistics do not apply: null, not refused.
    likelihood_only = {"aic", "bic", "lr_stat", "lr_pvalue", "mcfadden_r2"}
    statistics = {
        name: None if survey is not None and name in likelihood_only
        else _plain(float(getattr(result, name)))
        for name in (
            "loglik", "loglik_null", "deviance", "null_deviance", "df_resid", "df_null",
            "aic", "bic", "lr_stat", "lr_df", "lr_pvalue", "mcfadden_r2", "n_obs",
        )
    }  # fmt: skip
    if survey is not None:
        statistics["design_df"] = survey.degrees_of_freedom
        statistics["wald_df"] = result.wald_df
    return {
        "model": {
            "formula": design.formula,
            "event": design.event,
            "terms": list(design.names),
            "n_rows": design.n_rows,
            "n_dropped_rows": design.n_dropped,
            "n_events": design.n_events,
            "n_trials": design.n_trials,
            "confidence_level": level,
        },
        "coefficients": coefficients,
        "statistics": statistics,
        "estimation": {
            "method": result.solver.method,
            "converged": result.converged,
            "n_iter": result.n_iter,
            "gradient_norm": result.gradient_norm,
            "message": result.solver.message,
            "separation": None if result.separation is None else result.separation.describe(),
            "covariance": result.covariance.describe(),
        },
    }


def coefficient_table(result: LogitResult, level: float = 0.95) -> pd.DataFrame:
    """Return the tidy coefficient table behind :meth:`LogitResult.to_frame`.

    Parameters
    ----------
    result : LogitResult
    level : float
        Confidence level of the intervals.

    Returns
    -------
    pandas.DataFrame
        For Firth fits also ``plr_chi2, plr_p_value, profile_low, profile_high`` (penalised
        likelihood-ratio tests and profile penalised-likelihood intervals). The numbers are
        those of ``result.std_errors``, ``result.z`` and so on, always; under separation a
        maximum-likelihood coefficient that diverges is marked in ``diverges`` (``"+inf"`` or
        ``"-inf"``), and its finite numbers (those of the last iterate) are not estimates.
    """
    interval = result.conf_int(level)
    firth = result.likelihood.penalised
    # Only maximum likelihood diverges under separation; Firth's estimates stay finite.
    separated = result.separation is not None and not firth
    directions = result.separation.directions if separated and result.separation else {}
    with np.errstate(over="ignore"):  # an infinite odds-ratio bound is the honest value
        odds_low, odds_high = np.exp(interval.to_numpy()).T
    table = pd.DataFrame(
        {
            "term": result.names,
            "coef": result.coef.to_numpy(),
            "std_error": result.std_errors.to_numpy(),
            "z": result.z.to_numpy(),
            "p_value": result.p_values.to_numpy(),
            "conf_low": interval["lower"].to_numpy(),
            "conf_high": interval["upper"].to_numpy(),
            "odds_ratio": result.odds_ratios.to_numpy(),
            "odds_ratio_low": odds_low,
            "odds_ratio_high": odds_high,
            "diverges": [
                {1: "+inf", -1: "-inf"}.get(directions.get(name, 0), "") for name in result.names
            ],
        }
    )
    if firth:
        from logitfit.inference.measures import firth_tests

        # The 95% tests are kept on the result: summary(), to_frame() and to_dict() share them.
        tests = (result._firth_tests_95 if level == 0.95 else firth_tests(result, level)).table
        table["plr_chi2"] = tests["chi2"].to_numpy()
        table["plr_p_value"] = tests["p_value"].to_numpy()
        table["profile_low"] = tests["profile_low"].to_numpy()
        table["profile_high"] = tests["profile_high"].to_numpy()
    return table
