r"""The rows that fit worst or move the estimates most, named by the data's own row labels.

Hosmer, Lemeshow & Sturdivant (*Applied Logistic Regression*, 3rd ed., section 5.3) read four
per-row measures, here with one binary (or events/trials) row as its own covariate pattern:
the decrease in the Pearson chi-square from deleting the row,
:math:`\Delta X^2 = r^2 / (1 - h)`; in the deviance, :math:`\Delta D = d^2 / (1 - h)`; the
standardised change in the coefficients, Pregibon's :math:`\Delta\hat\beta = r^2 h / (1 - h)^2`;
and the leverage :math:`h`. Their flags: :math:`\Delta X^2` or :math:`\Delta D` above 3.84, the
0.95 quantile of :math:`\chi^2_1` that both approximately follow for a row that fits (HL&S
suggest "about 4"); :math:`\Delta\hat\beta` above 1 (HL&S's rule of thumb, as for Cook's
distance); leverage above three times its mean :math:`3p/n` (Hoaglin & Welsch 1978, Am. Stat.
32(1)).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np
import pandas as pd
from scipy import stats

from logitfit.design.core import rows_in_memory
from logitfit.diagnostics.influence import influence
from logitfit.exceptions import DataError
from logitfit.results.records import Record

if TYPE_CHECKING:
    from logitfit.results.result import LogitResult

__all__ = ["InfluentialRows", "influential_rows"]

#: Flags of each measure: the value above which a row is named (see the module docstring).
CHI2_FLAG = float(stats.chi2.ppf(0.95, 1))
DELTA_BETA_FLAG = 1.0
LEVERAGE_TIMES_MEAN = 3.0

MEASURES = ("delta_chi2", "delta_deviance", "delta_beta", "leverage")


@dataclass(frozen=True)
class InfluentialRows(Record):
    """The rows with the largest influence measures, with their values and flags.

    Attributes
    ----------
    table : pandas.DataFrame
        Indexed by row label, the union of each measure's ``top`` rows, sorted by
        ``delta_chi2``: ``events``, ``trials``, ``fitted``, the four measures of
        :data:`MEASURES`, and ``flagged`` (the measures above their flags, comma-separated).
    flagged_counts : dict of str to int
        Per measure, how many rows of the whole data exceed its flag.
    leverage_flag : float
        :math:`3p/n`.
    n_rows : int
    """

    title: ClassVar[str] = "Influential and poorly fitted rows (Hosmer, Lemeshow & Sturdivant)"
    table: pd.DataFrame
    flagged_counts: dict[str, int]
    leverage_flag: float
    n_rows: int


def influential_rows(result: LogitResult, top: int = 5) -> InfluentialRows:
    """Name the rows with the largest delta chi-square, delta deviance, delta beta and leverage.

    Parameters
    ----------
    result : LogitResult
    top : int
        Rows taken from the top of each measure.

    Returns
    -------
    InfluentialRows
    """
    if not (isinstance(top, int) and top >= 1):
        raise DataError(f"top must be a positive whole number, got {top!r}.")
    per_row = influence(result)
    complement = 1.0 - per_row["leverage"]
    measures = pd.DataFrame(
        {
            "delta_chi2": per_row["resid_pearson"] ** 2 / complement,
            "delta_deviance": per_row["resid_deviance"] ** 2 / complement,
            "delta_beta": per_row["resid_pearson"] ** 2 * per_row["leverage"] / complement**2,
            "leverage": per_row["leverage"],
        }
    )
    design = rows_in_memory(result.design, "influential rows")
    leverage_flag = LEVERAGE_TIMES_MEAN * design.n_params / design.n_rows
    flags = {
        "delta_chi2": CHI2_FLAG,
        "delta_deviance": CHI2_FLAG,
        "delta_beta": DELTA_BETA_FLAG,
        "leverage": leverage_flag,
    }
    above = pd.DataFrame({name: measures[name] > flag for name, flag in flags.items()})
    chosen: list[object] = []
    for name in MEASURES:
        # Positions, not labels, so that repeated row labels stay distinct.
        for position in np.argsort(-measures[name].to_numpy(), kind="stable")[:top]:
            if position not in chosen:
                chosen.append(position)
    positions = np.array(chosen, dtype=np.intp)
    rows = measures.iloc[positions].copy()
    rows.insert(0, "fitted", per_row["fitted"].iloc[positions].to_numpy())
    rows.insert(0, "trials", design.trials[positions])
    rows.insert(0, "events", design.successes[positions])
    rows["flagged"] = [
        ", ".join(name for name in MEASURES if above[name].iloc[p]) for p in positions
    ]
    rows = rows.sort_values("delta_chi2", ascending=False, kind="stable")
    return InfluentialRows(
        table=rows,
        flagged_counts={name: int(above[name].sum()) for name in MEASURES},
        leverage_flag=leverage_flag,
        n_rows=design.n_rows,
    )
