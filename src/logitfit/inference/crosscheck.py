"""Cross-check a fit against statsmodels: the same model, side by side, with tolerances.

Binary data without weights are refitted with ``statsmodels.discrete.discrete_model.Logit``
(the reference users name most); weighted and events/trials data with
``statsmodels.genmod.GLM`` and the ``Binomial`` family (frequency weights, two-column outcome).
Both are run by Newton with tight tolerances, so that differences reflect the estimates rather
than a stopping rule.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from logitfit.design.core import rows_in_memory
from logitfit.inference.survey import refuse_survey
from logitfit.results.records import Record

if TYPE_CHECKING:
    from logitfit.results.result import LogitResult

__all__ = ["Crosscheck", "crosscheck", "statsmodels_fit"]


@dataclass(frozen=True)
class Crosscheck(Record):
    """The comparison table and what it was compared with.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per quantity: ``quantity, logitfit, statsmodels, abs_diff, rel_diff, within_tol``.
    reference : str
        The statsmodels model used.
    rtol : float
        Relative tolerance applied (with an absolute floor of ``rtol * 1e-3`` for values near 0).
    notes : tuple of str
        Quantities left out and why.
    """

    table: pd.DataFrame
    reference: str
    rtol: float
    notes: tuple[str, ...] = ()

    @property
    def all_within(self) -> bool:
        """True when every quantity agrees within tolerance."""
        return bool(self.table["within_tol"].all())

    def summary(self) -> str:
        """Return the comparison as text: the verdict, the table and the notes.

        Returns
        -------
        str
        """
        shown = self.table.copy()
        for column in ("logitfit", "statsmodels"):
            shown[column] = shown[column].map(lambda v: f"{v:.10g}")
        for column in ("abs_diff", "rel_diff"):
            shown[column] = shown[column].map(lambda v: f"{v:.2e}")
        verdict = "all within tolerance" if self.all_within else "SOME QUANTITIES DISAGREE"
        lines = [
            f"Cross-check against {self.reference} (rtol {self.rtol:g}): {verdict}",
            shown.to_string(index=False),
            *self.notes,
        ]
        return "\n".join(lines)


def statsmodels_fit(result: LogitResult) -> tuple[Any, str]:
    """Fit the same model with statsmodels.

    Parameters
    ----------
    result : LogitResult

    Returns
    -------
    (statsmodels results, description)
    """
    # Imported on use: statsmodels.api takes about 0.9 s, half of `import logitfit` before.
    import statsmodels.api as sm

    design = rows_in_memory(result.design, "statsmodels cross-check")
    X = pd.DataFrame(design.X, columns=list(design.names))
    offset = design.offset if design.offset.any() else None
    unweighted = bool(np.all(design.weights == 1.0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if design.is_binary and unweighted:
            model = sm.Logit(design.successes, X, offset=offset)
            fitted = model.fit(method="newton", maxiter=100, tol=1e-12, disp=0)
            return fitted, "statsmodels Logit"
        endog = np.column_stack([design.successes, design.trials - design.successes])
        model = sm.GLM(
            endog, X, family=sm.families.Binomial(), freq_weights=design.weights, offset=offset
        )
        # Newton rather than IRLS: statsmodels' IRLS forms the covariance from the previous
        # iterate's weights, which leaves its standard errors about 1e-8 off the final Hessian's.
        fitted = model.fit(method="newton", tol=1e-12, maxiter=100)
        return fitted, "statsmodels GLM(Binomial)"


def crosscheck(result: LogitResult, rtol: float = 1e-8, level: float = 0.95) -> Crosscheck:
    """Compare every statistic of ``result`` with the same fit in statsmodels.

    Parameters
    ----------
    result : LogitResult
    rtol : float
        Relative tolerance.
    level : float
        Confidence level of the intervals compared.

    Returns
    -------
    Crosscheck
    """
    refuse_survey(result, "The statsmodels cross-check (its likelihood statistics)")
    result.likelihood.require("crosscheck")
    reference, name = statsmodels_fit(result)
    is_glm = name.endswith("GLM(Binomial)")
    names = list(result.names)
    rows: list[tuple[str, float, float]] = []

    def add_vector(label: str, ours: pd.Series, theirs: Any) -> None:
        for term, a, b in zip(names, np.asarray(ours), np.asarray(theirs), strict=True):
            rows.append((f"{label}[{term}]", float(a), float(b)))

    interval = result.conf_int(level)
    their_interval = np.asarray(reference.conf_int(alpha=1 - level))
    add_vector("coef", result.coef, reference.params)
    add_vector("std_error", result.std_errors, reference.bse)
    add_vector("z", result.z, reference.tvalues)
    add_vector("p_value", result.p_values, reference.pvalues)
    add_vector("conf_low", interval["lower"], their_interval[:, 0])
    add_vector("conf_high", interval["upper"], their_interval[:, 1])
    loglik_ref = float(reference.llf)
    deviance_ref = float(reference.deviance) if is_glm else -2.0 * loglik_ref
    bic_ref = float(reference.bic_llf) if is_glm else float(reference.bic)
    rows += [
        ("loglik", result.loglik, loglik_ref),
        ("deviance", result.deviance, deviance_ref),
        ("aic", result.aic, float(reference.aic)),
        ("bic", result.bic, bic_ref),
    ]
    notes: list[str] = []
    if result.design.intercept_index is not None:
        loglik_null_ref = float(reference.llnull)
        null_deviance_ref = float(reference.null_deviance) if is_glm else -2.0 * loglik_null_ref
        rows += [
            ("loglik_null", result.loglik_null, loglik_null_ref),
            ("null_deviance", result.null_deviance, null_deviance_ref),
            ("lr_stat", result.lr_stat, 2.0 * (loglik_ref - loglik_null_ref)),
            ("mcfadden_r2", result.mcfadden_r2, 1.0 - loglik_ref / loglik_null_ref),
        ]
    else:
        notes.append(
            "Null-model quantities are left out: without an intercept logitfit (like R) uses the "
            "offset-only null model, statsmodels a constant-only one."
        )
    table = pd.DataFrame(rows, columns=["quantity", "logitfit", "statsmodels"])
    table["abs_diff"] = (table["logitfit"] - table["statsmodels"]).abs()
    table["rel_diff"] = table["abs_diff"] / table["statsmodels"].abs().clip(lower=1e-300)
    scale = np.maximum(table["statsmodels"].abs(), 1e-3)
    table["within_tol"] = table["abs_diff"] <= rtol * scale
    return Crosscheck(table=table, reference=name, rtol=rtol, notes=tuple(notes))
