r"""The likelihood a fit maximised, as an object: maximum likelihood or Firth's penalised one.

A :class:`~logitfit.results.result.LogitResult` carries the likelihood that produced it, and every
analysis that refits asks it: its value at the estimate, a refit with some coefficients held
at given values (profile bounds, likelihood-ratio tests), and whether it supports an analysis at
all. So the profile intervals and term tests of maximum likelihood and of Firth's method come
from the same code (:mod:`logitfit.inference.measures`, :mod:`logitfit.inference.term_tests`), and
what a likelihood cannot support is said here, in one place.

* :data:`MAXIMUM_LIKELIHOOD`: the binomial log-likelihood; its "value" is the deviance
  :math:`D`, and holding :math:`\beta_j = b` moves :math:`b x_j` into the offset.
* :data:`FIRTH`: :math:`\ell^*(\beta) = \ell(\beta) + \frac12 \log\det I(\beta)` (Firth 1993);
  its value is :math:`-2 \ell^*`, and held coefficients stay inside the full model's penalty, as
  ``logistf`` computes its penalised likelihood-ratio tests and profiles (Heinze & Schemper
  2002).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from logitfit.design.core import Design, without_columns
from logitfit.exceptions import DataError
from logitfit.inference.profile import Refit, ml_refit
from logitfit.likelihood.firth import firth_refit, penalized_loglik

__all__ = ["FIRTH", "MAXIMUM_LIKELIHOOD", "Likelihood", "likelihood_of", "profile_gap"]


@dataclass(frozen=True)
class Likelihood:
    """What an estimation method maximised, and what may be asked of it.

    Attributes
    ----------
    name : str
        In words, for messages and summaries.
    penalised : bool
        True for Firth's penalised likelihood.
    profile_label : str
        The name of its profile intervals ("profile-likelihood", "profile penalised-likelihood").
    warm_term_refits : bool
        Whether term tests start their refits from the estimate (Firth, as ``logistf``) or from
        R's ``glm`` start (maximum likelihood: the estimate without a term can sit far from the
        smaller model's optimum).
    unsupported : dict of str to str
        Analyses this likelihood cannot support, each with the reason given to the user.
    """

    name: str
    penalised: bool
    profile_label: str
    warm_term_refits: bool
    unsupported: dict[str, str] = field(default_factory=dict)

    def require(self, analysis: str, **fields: str) -> None:
        """Raise DataError when ``analysis`` is not defined for this likelihood.

        Parameters
        ----------
        analysis : str
            A key of :attr:`unsupported` (e.g. ``"lr_test"``).
        **fields : str
            Filled into the message (``what=``: the analysis in words).
        """
        if analysis in self.unsupported:
            raise DataError(self.unsupported[analysis].format(**fields))

    def value(self, coef: NDArray[np.float64], design: Design, deviance: float) -> float:
        """Return the objective at the estimate: the deviance, or ``-2 l*`` for Firth.

        Parameters
        ----------
        coef : ndarray of shape (p,)
        design : Design
        deviance : float
            The fit's deviance (returned as it is by maximum likelihood).

        Returns
        -------
        float
        """
        return -2.0 * penalized_loglik(coef, design) if self.penalised else deviance

    def refit(
        self,
        design: Design,
        fixed: dict[int, float],
        start: NDArray[np.float64] | None = None,
    ) -> Refit:
        """Maximise with the coefficients ``fixed`` held at their values; value as :meth:`value`.

        Parameters
        ----------
        design : Design
        fixed : dict of int to float
            Positions of held coefficients and their values.
        start : ndarray of shape (p,), optional
            A warm start (all p coefficients); default a neutral start.

        Returns
        -------
        Refit
            ``coef`` holds all p coefficients, the fixed ones at their values.
        """
        if self.penalised:
            return firth_refit(design, fixed, start)
        held = sorted(fixed)
        base = without_columns(design, held)
        offset = base.offset + design.X[:, held] @ np.array([fixed[j] for j in held])
        constrained = dataclasses.replace(base, offset=offset)
        refit = ml_refit(constrained, None if start is None else np.delete(start, held))
        coef = np.insert(refit.coef, [j - k for k, j in enumerate(held)], [fixed[j] for j in held])
        return dataclasses.replace(refit, coef=coef)


MAXIMUM_LIKELIHOOD = Likelihood(
    name="maximum likelihood",
    penalised=False,
    profile_label="profile-likelihood",
    warm_term_refits=False,
    unsupported={
        "firth_tests": "firth_tests needs a fit with method='firth'.",
        "flic": "FLIC and FLAC need a Firth fit (method='firth') with an intercept.",
    },
)

FIRTH = Likelihood(
    name="Firth's penalised likelihood",
    penalised=True,
    profile_label="profile penalised-likelihood",
    warm_term_refits=True,
    unsupported={
        "maximum_likelihood": (
            "{what} needs the maximum-likelihood fit: a Firth fit maximises a penalised "
            "likelihood. Refit with method='newton' (firth_tests gives penalised "
            "likelihood-ratio tests of a Firth fit)."
        ),
        "lr_test": (
            "lr_test compares maximum-likelihood deviances; a Firth fit maximises a penalised "
            "likelihood whose penalty differs between the two models. Use "
            "logitfit.lr_tests_by_term(larger) for penalised likelihood-ratio tests of its terms."
        ),
        "robust": (
            "cov_type={cov_type!r} is a sandwich built on the maximum-likelihood score, which a "
            "Firth fit does not solve; its covariance is the inverse information "
            "(cov_type='model'), as in R's logistf."
        ),
        "crosscheck": (
            "statsmodels has no Firth's method, so a Firth fit has no statsmodels counterpart; "
            "logitfit's Firth estimates are checked against R's logistf in its test suite."
        ),
    },
)


def likelihood_of(method: str) -> Likelihood:
    """Return the likelihood a solver method maximises (Newton and gradient descent: ML).

    Parameters
    ----------
    method : str

    Returns
    -------
    Likelihood
    """
    return FIRTH if method == "firth" else MAXIMUM_LIKELIHOOD


def profile_gap(
    likelihood: Likelihood,
    design: Design,
    j: int,
    estimate: NDArray[np.float64],
    top: float,
) -> Callable[[float], Refit]:
    """Return ``b -> Refit`` of the objective's increase with coefficient ``j`` held at ``b``.

    Each refit warm-starts from the last one that could be trusted, starting at the estimate.

    Parameters
    ----------
    likelihood : Likelihood
    design : Design
    j : int
    estimate : ndarray of shape (p,)
    top : float
        The objective at the estimate (:meth:`Likelihood.value`).

    Returns
    -------
    callable
    """
    warm = [estimate]

    def gap(b: float) -> Refit:
        refit = likelihood.refit(design, {j: b}, warm[0])
        if refit.ok:
            warm[0] = refit.coef
        return dataclasses.replace(refit, value=refit.value - top)

    return gap
