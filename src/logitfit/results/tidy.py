"""Tidy outputs in the sense of R's broom: one row per coefficient, per model, per observation.

The three share logitfit's column names (``std_error``, ``p_value``, ``conf_low``, ...), in
snake case, where broom writes ``std.error`` or ``p.value``:

* :func:`tidy`: ``term, estimate, std_error, statistic, p_value[, conf_low, conf_high]``, as
  ``broom::tidy.glm`` (``exponentiate=`` exponentiates the estimate and the interval, not the
  standard error, as broom 0.7 and later do);
* :func:`glance`: one row, as ``broom::glance.glm``, plus the events and convergence;
* :func:`augment`: the rows used in the fit with broom's added columns, whose leading dot keeps
  them apart from the data's own: ``.fitted`` (the linear predictor, broom's default),
  ``.probability``, ``.resid`` (deviance residual), ``.pearson``, ``.std_resid`` (standardised
  deviance residual), ``.hat`` and ``.cooksd``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from logitfit.design.core import rows_in_memory
from logitfit.design.frames import as_pandas
from logitfit.diagnostics.influence import influence
from logitfit.exceptions import DataError
from logitfit.inference.measures import profile_conf_int

if TYPE_CHECKING:
    from logitfit.results.result import LogitResult

__all__ = ["augment", "glance", "tidy"]


def tidy(
    result: LogitResult,
    conf_int: bool = True,
    conf_level: float = 0.95,
    exponentiate: bool = False,
    conf_method: Literal["wald", "profile"] = "wald",
) -> pd.DataFrame:
    """Tabulate one row per coefficient: estimate, standard error, z, p and an interval.

    Parameters
    ----------
    result : LogitResult
    conf_int : bool
        Add ``conf_low`` and ``conf_high``.
    conf_level : float
        Their level.
    exponentiate : bool
        Odds ratios instead of log odds ratios (estimate and interval).
    conf_method : {"wald", "profile"}
        Wald intervals (broom's ``confint.default``) or profile-likelihood ones (R's
        ``confint``, broom's default for ``glm``).

    Returns
    -------
    pandas.DataFrame of shape (p, 5) or (p, 7)
    """
    if conf_method not in ("wald", "profile"):
        raise DataError(f"conf_method must be 'wald' or 'profile', got {conf_method!r}.")
    table = pd.DataFrame(
        {
            "term": list(result.names),
            "estimate": result.coef.to_numpy(),
            "std_error": result.std_errors.to_numpy(),
            "statistic": result.z.to_numpy(),
            "p_value": result.p_values.to_numpy(),
        }
    )
    if conf_int:
        if conf_method == "profile":
            bounds = profile_conf_int(result, conf_level)
            low, high = bounds["profile_low"].to_numpy(), bounds["profile_high"].to_numpy()
        else:
            wald = result.conf_int(conf_level)
            low, high = wald["lower"].to_numpy(), wald["upper"].to_numpy()
        table["conf_low"], table["conf_high"] = low, high
    if exponentiate:
        columns = ["estimate", "conf_low", "conf_high"] if conf_int else ["estimate"]
        with np.errstate(over="ignore"):
            table[columns] = np.exp(table[columns])
    return table


def glance(result: LogitResult) -> pd.DataFrame:
    """Tabulate one row per model: deviances, likelihood, AIC, BIC, df and observations.

    Parameters
    ----------
    result : LogitResult

    Returns
    -------
    pandas.DataFrame of shape (1, 11)
        ``null_deviance, df_null, loglik, aic, bic, deviance, df_residual, nobs`` (broom's
        ``glance.glm``), then ``n_events``, ``converged`` and ``method``.
    """
    return pd.DataFrame(
        [
            {
                "null_deviance": result.null_deviance,
                "df_null": result.df_null,
                "loglik": result.loglik,
                "aic": result.aic,
                "bic": result.bic,
                "deviance": result.deviance,
                "df_residual": result.df_resid,
                "nobs": result.n_obs,
                "n_events": result.design.n_events,
                "converged": result.converged,
                "method": result.likelihood.name,
            }
        ]
    )


def augment(result: LogitResult, data: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the rows used in the fit with fitted values, residuals and influence (broom).

    Parameters
    ----------
    result : LogitResult
    data : pandas.DataFrame, optional
        The data to augment, indexed as the fit's data; default the DataFrame of a formula
        fit, or the design columns of a fit from arrays.

    Returns
    -------
    pandas.DataFrame
        The rows used, in the fit's order, with ``.fitted, .probability, .resid, .pearson,
        .std_resid, .hat, .cooksd``.
    """
    design = rows_in_memory(result.design, "augment (use logitfit.dask.influence)")
    labels = design.row_labels
    source = as_pandas(data) if data is not None else result.data
    if source is None:
        frame = pd.DataFrame(design.X, index=labels, columns=list(result.names))
    else:
        missing = labels.difference(source.index)
        if len(missing):
            raise DataError(
                f"data lacks {len(missing)} of the fit's rows (labels such as "
                f"{list(missing[:3])}); pass the DataFrame the model was fitted to."
            )
        frame = source.loc[labels].copy()
    clash = [name for name in frame.columns if str(name).startswith(".")]
    if clash:
        raise DataError(f"data already has columns {clash}, which augment would overwrite.")
    measures = influence(result)
    frame[".fitted"] = np.asarray(result.predict(kind="link"))
    frame[".probability"] = measures["fitted"].to_numpy()
    frame[".resid"] = measures["resid_deviance"].to_numpy()
    frame[".pearson"] = measures["resid_pearson"].to_numpy()
    frame[".std_resid"] = measures["resid_deviance_std"].to_numpy()
    frame[".hat"] = measures["leverage"].to_numpy()
    frame[".cooksd"] = measures["cooks_distance"].to_numpy()
    return frame
