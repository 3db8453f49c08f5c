r"""Survey designs: sampling weights, strata, multistage clusters, finite population corrections.

The estimate is the weighted pseudo-maximum-likelihood one (the sampling weights enter the
score equations as frequency weights would). Its covariance is the Taylor linearisation of R's
``survey::svyglm`` (Binder 1983; Lumley, *Complex Surveys*, 2010, section 5.2):
:math:`V = A^{-1} M A^{-1}` with :math:`A = X^T W X` and :math:`M` the design-based variance
of the total of the scores :math:`u_i = w_i x_i (y_i - m_i \mu_i)`, as ``survey::svyrecvar``
computes it, stage by stage:

* in each stratum :math:`h` of :math:`n_h` sampled units, the unit totals :math:`z_{hi}` of the
  scores are centred at their stratum mean and :math:`M_h = (1 - f_h) \frac{n_h}{n_h - 1}
  \sum_i (z_{hi} - \bar z_h)(z_{hi} - \bar z_h)^T`, :math:`f_h = n_h / N_h` the sampling
  fraction (0 without a finite population correction);
* with finite population corrections and more than one stage, each unit of a stage adds the
  variance of the next stage within it, times its own stage's sampling fraction (survey's
  default; without fpc only the first stage counts, "with replacement");
* a stratum with one unit follows ``lonely_psu`` as ``options(survey.lonely.psu)``: ``"fail"``
  (an error), ``"certainty"`` and ``"remove"`` (it adds nothing), ``"adjust"`` (its total is
  centred at zero, the population mean of the scores, rather than at itself), ``"average"``
  (it is left out and the other strata's sum scaled up by strata / strata used).

The design degrees of freedom are the first-stage units minus the strata (``degf``); the t
tests and intervals use those minus the coefficients beyond the intercept, as
``summary(svyglm)`` does. Weights alone (``SurveyDesign(weights=...)``) make every row a unit
of one stratum: the sandwich with the weights in the meat twice, times :math:`n / (n - 1)`.
HC0 with frequency weights has them once; with unit weights the two differ by :math:`n/(n-1)`,
and HC1 (:math:`n/(n-p)`) differs from them by its degrees-of-freedom factor only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from logitfit.exceptions import DataError

if TYPE_CHECKING:
    from logitfit.results.result import LogitResult

__all__ = [
    "LonelyPsu",
    "SurveyDesign",
    "SurveyRows",
    "per_stage",
    "refuse_survey",
    "resolve",
    "survey_meat",
]

LonelyPsu = Literal["fail", "certainty", "adjust", "average", "remove"]
_LONELY = ("fail", "certainty", "adjust", "average", "remove")
#: survey's onestrat: a stratum whose sampling fraction is this close to 1 is a census.
_CENSUS = 1e-7


@dataclass(frozen=True)
class SurveyDesign:
    """A sampling design, as ``survey::svydesign`` describes one.

    Parameters
    ----------
    weights : str or array-like, optional
        Sampling weights (the inverse inclusion probabilities): a column or one per row.
    strata : str or array-like, optional
        First-stage strata.
    clusters : str, array, or a list or tuple of them
        Sampling units by stage: the primary sampling units first (``id = ~psu + ssu``); a
        list or tuple holds the stages, a single name, array or Series is one stage; empty,
        every row is its own unit (``id = ~1``).
    fpc : str, array, or a list or tuple of them
        Finite population correction per stage: population sizes (numbers of units in the
        stratum, or in the unit of the stage above), or sampling fractions (all <= 1).
    nest : bool
        First-stage unit labels repeat across strata and mean different units
        (``nest = TRUE``).
    lonely_psu : {"fail", "certainty", "adjust", "average", "remove"}
        What a stratum with a single unit does (``options(survey.lonely.psu)``).
    """

    weights: Any = None
    strata: Any = None
    clusters: Any = ()
    fpc: Any = ()
    nest: bool = False
    lonely_psu: LonelyPsu = "fail"


@dataclass(frozen=True, eq=False)
class SurveyRows:
    """A survey design resolved on the rows of a fit.

    Attributes
    ----------
    strata, units : tuple of ndarray of int, one per stage
        Each row's stratum and unit at each stage (later stages are stratified by the unit
        above them).
    sampled : tuple of ndarray of float
        Units sampled in the row's stratum, per stage.
    population : tuple of (ndarray of float or None)
        Population units there (None without a finite population correction).
    stratum_labels : ndarray
        The first-stage stratum label of each code, for messages.
    lonely_psu : str
    n_psu, n_strata : int
        First-stage units and strata.
    """

    strata: tuple[NDArray[np.intp], ...]
    units: tuple[NDArray[np.intp], ...]
    sampled: tuple[NDArray[np.float64], ...]
    population: tuple[NDArray[np.float64] | None, ...]
    stratum_labels: NDArray[Any]
    lonely_psu: str
    n_psu: int
    n_strata: int

    @property
    def degrees_of_freedom(self) -> int:
        """The design degrees of freedom: first-stage units minus strata (survey's degf)."""
        return self.n_psu - self.n_strata

    def describe(self) -> str:
        """Say what the design is, in words."""
        stages = len(self.units)
        fpc = "with" if self.population[0] is not None else "without"
        return (
            f"{self.n_strata} strata, {self.n_psu} first-stage units, {stages} stage"
            f"{'s' if stages > 1 else ''}, {fpc} finite population correction"
        )


def _column(spec: Any, data: pd.DataFrame | None, positions: NDArray[np.intp], name: str) -> Any:
    """Return a design column's values on the rows used: by column name, or per input row."""
    if isinstance(spec, str):
        if data is None or spec not in data.columns:
            raise DataError(f"The survey design's {name} '{spec}' is not a column of the data.")
        values = data[spec].to_numpy()
    else:
        values = np.asarray(spec)
        if values.ndim != 1:
            raise DataError(f"The survey design's {name} must be one value per row.")
    if values.shape[0] <= int(positions.max(initial=-1)):
        raise DataError(
            f"The survey design's {name} has {values.shape[0]} values; the data have more rows."
        )
    chosen = values[positions]
    if pd.isna(chosen).any():
        raise DataError(
            f"The survey design's {name} has missing values in {int(pd.isna(chosen).sum())} "
            "rows of the fit; complete or drop them."
        )
    return chosen


def per_stage(spec: Any) -> list[Any]:
    """Split a per-stage specification: a list or tuple holds stages; anything else is one."""
    if spec is None:
        return []
    if isinstance(spec, list | tuple):
        return list(spec)
    return [spec]


def _codes(values: Any) -> NDArray[np.intp]:
    return np.asarray(pd.factorize(pd.Series(values))[0], dtype=np.intp)


def _per_group(groups: NDArray[np.intp], values: NDArray[np.float64], name: str) -> None:
    """Refuse a finite population correction that varies within its stratum or unit."""
    frame = pd.DataFrame({"group": groups, "value": values})
    if (frame.groupby("group")["value"].nunique() > 1).any():
        raise DataError(f"The {name} must be the same for every row of a stratum (or unit).")


def resolve(
    design: SurveyDesign, data: pd.DataFrame | None, positions: NDArray[np.intp]
) -> SurveyRows:
    """Resolve a design on the rows of a fit (their positions in the input data).

    Parameters
    ----------
    design : SurveyDesign
    data : pandas.DataFrame or None
        The input data (for column names); None for arrays.
    positions : ndarray of int, shape (n,)
        The positions of the fit's rows in the input.

    Returns
    -------
    SurveyRows
    """
    if design.lonely_psu not in _LONELY:
        raise DataError(
            f"lonely_psu must be one of {', '.join(_LONELY)}; got {design.lonely_psu!r}."
        )
    n = positions.size
    cluster_specs, fpc_specs = per_stage(design.clusters), per_stage(design.fpc)
    if fpc_specs and len(fpc_specs) != max(len(cluster_specs), 1):
        raise DataError(
            f"fpc gives {len(fpc_specs)} stage(s) for {max(len(cluster_specs), 1)} stage(s) "
            "of clusters: give one finite population correction per stage, or none."
        )
    labels = (
        np.zeros(n, dtype=np.intp)
        if design.strata is None
        else _column(design.strata, data, positions, "strata")
    )
    stratum = _codes(labels)
    stratum_labels = np.asarray(pd.unique(pd.Series(labels)))
    ids = [_column(c, data, positions, f"clusters[{k}]") for k, c in enumerate(cluster_specs)]
    if not ids:
        ids = [np.arange(n)]  # id = ~1: every row is a unit
    strata: list[NDArray[np.intp]] = []
    units: list[NDArray[np.intp]] = []
    sampled: list[NDArray[np.float64]] = []
    population: list[NDArray[np.float64] | None] = []
    parent = stratum
    for stage, stage_ids in enumerate(ids):
        raw = _codes(stage_ids)
        if stage == 0 and not design.nest:
            spread = pd.DataFrame({"unit": raw, "stratum": stratum}).groupby("unit")["stratum"]
            if (spread.nunique() > 1).any():
                raise DataError(
                    "Clusters are not nested in strata: a first-stage unit label appears in "
                    "more than one stratum. Pass nest=True if labels repeat across strata."
                )
        unit = _codes(pd.Series(list(zip(parent, raw, strict=True))))
        counts = pd.DataFrame({"parent": parent, "unit": unit}).groupby("parent")["unit"]
        sampled_here = counts.transform("nunique").to_numpy(dtype=np.float64)
        strata.append(parent)
        units.append(unit)
        sampled.append(sampled_here)
        if fpc_specs:
            values = np.asarray(
                _column(fpc_specs[stage], data, positions, f"fpc[{stage}]"), dtype=np.float64
            )
            _per_group(parent, values, f"fpc of stage {stage + 1}")
            sizes = sampled_here / values if np.all(values <= 1) else values
            if np.any(sizes < sampled_here - 1e-9):
                raise DataError(
                    f"The fpc of stage {stage + 1} is smaller than the number of units sampled "
                    "there: give population sizes (or sampling fractions up to 1)."
                )
            population.append(sizes)
        else:
            population.append(None)
        parent = unit
    rows = SurveyRows(
        strata=tuple(strata),
        units=tuple(units),
        sampled=tuple(sampled),
        population=tuple(population),
        stratum_labels=stratum_labels,
        lonely_psu=design.lonely_psu,
        n_psu=int(units[0].max() + 1),
        n_strata=int(stratum.max() + 1),
    )
    if design.lonely_psu == "fail":
        # Said when the model is fitted, not first when a standard error is asked for.
        _stage_meat(np.zeros((n, 1)), rows, 0, np.arange(n))
    return rows


def _stage_meat(
    scores: NDArray[np.float64], rows: SurveyRows, stage: int, index: NDArray[np.intp]
) -> NDArray[np.float64]:
    """Return survey's ``multistage`` variance of the scores' total over rows ``index``."""
    p = scores.shape[1]
    strata, units = rows.strata[stage][index], rows.units[stage][index]
    sampled = rows.sampled[stage][index]
    population = rows.population[stage]
    sizes = None if population is None else population[index]
    total, used, counted = np.zeros((p, p)), 0, 0
    for code in np.unique(strata):
        here = strata == code
        counted += 1
        n_units = float(sampled[here][0])
        size = float(sizes[here][0]) if sizes is not None else np.inf
        remaining = 1.0 if np.isinf(size) else (size - n_units) / size  # 1 - f
        if remaining < _CENSUS:
            used += 1  # a census stratum: no sampling variance
            continue
        codes, inverse = np.unique(units[here], return_inverse=True)
        sums = np.zeros((codes.size, p))
        np.add.at(sums, inverse, scores[index[here]])
        if n_units > 1:
            centred = sums - sums.mean(axis=0)
            total += remaining * n_units / (n_units - 1.0) * (centred.T @ centred)
            used += 1
            continue
        lonely = rows.lonely_psu
        if lonely == "fail":
            label = rows.stratum_labels[code] if stage == 0 else f"within unit {code}"
            lead = (
                f"Stratum ({label}) has only one sampling unit at stage {stage + 1}, so its "
                "variance cannot be estimated. Choose "
            )
            raise DataError(
                lead + "lonely_psu='certainty', 'adjust', 'average' or 'remove' (as R's "
                "options(survey.lonely.psu)).",
                cli=lead + "--lonely-psu certainty, adjust, average or remove.",
            )
        if lonely == "adjust":
            total += remaining * (sums.T @ sums)  # centred at zero, the scores' mean
        if lonely != "average":
            used += 1
    if used:
        total *= counted / used
    if population is not None and stage + 1 < len(rows.units):
        # The next stage within each unit of this one, times this stage's sampling fraction.
        for code in np.unique(units):
            within = index[units == code]
            fraction = float(rows.sampled[stage][within[0]] / population[within[0]])
            total += fraction * _stage_meat(scores, rows, stage + 1, within)
    return total


def survey_meat(scores: NDArray[np.float64], rows: SurveyRows) -> NDArray[np.float64]:
    r"""Return the design-based variance of the total of the rows' scores (``svyrecvar``).

    Parameters
    ----------
    scores : ndarray of shape (n, p)
        Per-row scores :math:`u_i = w_i x_i (y_i - m_i \mu_i)`.
    rows : SurveyRows

    Returns
    -------
    ndarray of shape (p, p)
    """
    return _stage_meat(scores, rows, 0, np.arange(scores.shape[0]))


def refuse_survey(result: LogitResult, what: str) -> None:
    """Refuse a likelihood-based number for a fit under a survey design.

    Parameters
    ----------
    result : LogitResult
    what : str
        The number, for the message.
    """
    if result.covariance.kind == "survey":
        raise DataError(
            f"{what} compares likelihoods, which a survey design's pseudo-likelihood does not "
            "support (its weights are not frequencies). Use Wald tests "
            "(wald_tests_by_term, F with the design's degrees of freedom) instead."
        )
