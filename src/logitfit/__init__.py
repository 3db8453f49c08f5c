"""logitfit: logistic regression by maximum likelihood, cross-checked against statsmodels."""

from logitfit.crosscheck import Crosscheck, crosscheck
from logitfit.design import Design, design_from_arrays, design_from_formula
from logitfit.exceptions import (
    ConvergenceError,
    ConvergenceWarning,
    DataError,
    FormulaError,
    LogitfitError,
    MissingValueError,
    OutcomeError,
    RankDeficiencyError,
    SeparationWarning,
)
from logitfit.fit import fit, fit_arrays, fit_design
from logitfit.results import LogitResult
from logitfit.separation import Separation, detect_separation

__version__ = "0.1.0"

__all__ = [
    "ConvergenceError",
    "ConvergenceWarning",
    "Crosscheck",
    "DataError",
    "Design",
    "FormulaError",
    "LogitResult",
    "LogitfitError",
    "MissingValueError",
    "OutcomeError",
    "RankDeficiencyError",
    "Separation",
    "SeparationWarning",
    "__version__",
    "crosscheck",
    "design_from_arrays",
    "design_from_formula",
    "detect_separation",
    "fit",
    "fit_arrays",
    "fit_design",
]
