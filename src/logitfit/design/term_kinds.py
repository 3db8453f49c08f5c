"""What kind of predictor each term of a formula is: continuous, a factor, or neither.

A *continuous* predictor is a numeric data column entered as itself (formulaic's lookup, no
transformation) and in no interaction: its coefficient is the change in the logit per unit, so
odds ratios per stated change and spline checks of linearity apply to it. A *factor* is a
categorical column with treatment contrasts, in no interaction: each coefficient compares a
level with the reference level, the first. Everything else (interactions, transformations,
other contrasts) is *other*.
"""

from __future__ import annotations

from formulaic.parser.types import Factor

from logitfit.design.source import RowSource

__all__ = ["continuous_columns", "term_kinds"]


def term_kinds(design: RowSource) -> dict[str, tuple[str, object]]:
    """Classify each term of a fit's design.

    Parameters
    ----------
    design : RowSource

    Returns
    -------
    dict of str to (str, object)
        Per term: ``("continuous", None)``, ``("factor", levels)`` (reference level first) or
        ``("other", None)``; for a design from arrays, every column is continuous.
    """
    spec = design.model_spec
    if spec is None:  # arrays: every column is a predictor of its own
        return {name: ("continuous", None) for name in design.names}
    terms = list(getattr(spec, "terms", []))
    kinds: dict[str, tuple[str, object]] = {}
    for term in terms:
        factors = list(term.factors)
        name = str(term)
        if len(factors) != 1:
            kinds[name] = ("other", None)
            continue
        factor = factors[0]
        in_interaction = any(
            len(other.factors) > 1 and factor in other.factors for other in terms if other != term
        )
        kind, state = spec.encoder_state.get(factor.expr, (None, {}))
        if kind is Factor.Kind.CATEGORICAL and isinstance(state, dict):
            contrasts = state.get("contrasts")
            treatment = type(getattr(contrasts, "contrasts", None)).__name__
            levels = state.get("categories")
            if treatment == "TreatmentContrasts" and not in_interaction and levels:
                kinds[name] = ("factor", list(levels))
                continue
        numeric_lookup = kind is Factor.Kind.NUMERICAL and factor.eval_method.name == "LOOKUP"
        kinds[name] = ("continuous" if numeric_lookup and not in_interaction else "other", None)
    return kinds


def continuous_columns(design: RowSource) -> list[str]:
    """Return the design columns of the continuous predictors, in model order.

    Parameters
    ----------
    design : RowSource

    Returns
    -------
    list of str
    """
    columns_of = dict(design.term_columns) or {name: (name,) for name in design.names}
    intercept = None if design.intercept_index is None else design.names[design.intercept_index]
    return [
        column
        for term, (kind, _) in term_kinds(design).items()
        if kind == "continuous"
        for column in columns_of.get(term, ())
        if column in design.names and column != intercept
    ]
