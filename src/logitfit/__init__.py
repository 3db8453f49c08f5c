"""logitfit: logistic regression by maximum likelihood, cross-checked against statsmodels.

Figures live in :mod:`logitfit.plots` and reports in :mod:`logitfit.reporting`, both reachable as
attributes after ``import logitfit`` and imported on first use, so matplotlib and the report
stack load only when used; statsmodels loads only for the cross-check.
"""

import importlib

from logitfit.design.arrays import design_from_arrays
from logitfit.design.core import Design
from logitfit.design.formula import design_from_formula
from logitfit.design.io import read_table
from logitfit.diagnostics.auc_tools import AucInterval, AucTest, auc_interval, auc_test
from logitfit.diagnostics.calibration import Calibration, calibration
from logitfit.diagnostics.calibration_curve import CalibrationCurve, calibrate
from logitfit.diagnostics.discrimination import (
    Association,
    Auc,
    Classification,
    association,
    auc,
    classification_table,
    roc_curve,
    sensitivity_specificity,
)
from logitfit.diagnostics.goodness import (
    HosmerLemeshow,
    LeCessieVanHouwelingen,
    brier_score,
    hosmer_lemeshow,
    le_cessie_van_houwelingen,
    risk_groups,
)
from logitfit.diagnostics.influence import (
    CovariatePatterns,
    binned_residuals,
    covariate_patterns,
    influence,
    variance_inflation,
)
from logitfit.diagnostics.influential import InfluentialRows, influential_rows
from logitfit.diagnostics.linearity import LinearityTests, linearity_tests
from logitfit.diagnostics.link_tests import OsiusRojek, StukelTest, osius_rojek, stukel_test
from logitfit.diagnostics.reading import Reading, reading
from logitfit.diagnostics.separation import Separation, detect_separation
from logitfit.diagnostics.validation import Validation, validate
from logitfit.exceptions import (
    ConvergenceError,
    ConvergenceWarning,
    DataError,
    FewClustersWarning,
    FormulaError,
    LogitfitError,
    MissingValueError,
    OutcomeError,
    RankDeficiencyError,
    ScaleError,
    SeparationWarning,
    UnverifiedWarning,
)
from logitfit.fitting.core import fit_design
from logitfit.fitting.entry import fit, fit_arrays
from logitfit.inference.covariance import Covariance
from logitfit.inference.crosscheck import Crosscheck, crosscheck
from logitfit.inference.global_tests import FitStatistics, GlobalTests, fit_statistics, global_tests
from logitfit.inference.measures import (
    FirthTests,
    MarginalEffects,
    PseudoR2,
    firth_tests,
    marginal_effects,
    profile_conf_int,
    pseudo_r2,
)
from logitfit.inference.odds_ratios import OddsRatios, odds_ratios
from logitfit.inference.survey import SurveyDesign
from logitfit.inference.term_tests import (
    LRTest,
    TermTests,
    lr_test,
    lr_tests_by_term,
    wald_tests_by_term,
)
from logitfit.likelihood.firth import firth_intercept_corrected, penalized_loglik
from logitfit.likelihood.logistic import evaluate, mean_cost
from logitfit.results.model_information import ModelInformation, model_information
from logitfit.results.publication import (
    PublicationTable,
    models_table,
    regression_table,
    univariable_multivariable,
)
from logitfit.results.result import LogitResult
from logitfit.results.summary import format_p_value
from logitfit.results.tidy import augment, glance, tidy

__version__ = "0.1.0"

__all__ = [
    "Association",
    "Auc",
    "AucInterval",
    "AucTest",
    "Calibration",
    "CalibrationCurve",
    "Classification",
    "ConvergenceError",
    "ConvergenceWarning",
    "Covariance",
    "CovariatePatterns",
    "Crosscheck",
    "DataError",
    "Design",
    "FewClustersWarning",
    "FirthTests",
    "FitStatistics",
    "FormulaError",
    "GlobalTests",
    "HosmerLemeshow",
    "InfluentialRows",
    "LRTest",
    "LeCessieVanHouwelingen",
    "LinearityTests",
    "LogitResult",
    "LogitfitError",
    "MarginalEffects",
    "MissingValueError",
    "ModelInformation",
    "OddsRatios",
    "OsiusRojek",
    "OutcomeError",
    "PseudoR2",
    "PublicationTable",
    "RankDeficiencyError",
    "Reading",
    "ScaleError",
    "Separation",
    "SeparationWarning",
    "StukelTest",
    "SurveyDesign",
    "TermTests",
    "UnverifiedWarning",
    "Validation",
    "__version__",
    "association",
    "auc",
    "auc_interval",
    "auc_test",
    "augment",
    "binned_residuals",
    "brier_score",
    "calibrate",
    "calibration",
    "classification_table",
    "covariate_patterns",
    "crosscheck",
    "design_from_arrays",
    "design_from_formula",
    "detect_separation",
    "evaluate",
    "firth_intercept_corrected",
    "firth_tests",
    "fit",
    "fit_arrays",
    "fit_design",
    "fit_statistics",
    "format_p_value",
    "glance",
    "global_tests",
    "hosmer_lemeshow",
    "influence",
    "influential_rows",
    "le_cessie_van_houwelingen",
    "linearity_tests",
    "lr_test",
    "lr_tests_by_term",
    "marginal_effects",
    "mean_cost",
    "model_information",
    "models_table",
    "odds_ratios",
    "osius_rojek",
    "penalized_loglik",
    "profile_conf_int",
    "pseudo_r2",
    "read_table",
    "reading",
    "regression_table",
    "render_report",
    "risk_groups",
    "roc_curve",
    "sensitivity_specificity",
    "stukel_test",
    "tidy",
    "univariable_multivariable",
    "validate",
    "variance_inflation",
    "wald_tests_by_term",
]


#: Submodules loaded on first use (matplotlib, nbclient and Dask load only with them).
_LAZY_SUBMODULES = ("dask", "plots", "reporting")


def __getattr__(name: str) -> object:
    """Import the report renderer and the optional submodules on first use."""
    if name == "render_report":
        from logitfit.reporting import render_report

        return render_report
    if name in _LAZY_SUBMODULES:
        return importlib.import_module(f"logitfit.{name}")
    raise AttributeError(f"module 'logitfit' has no attribute {name!r}")
