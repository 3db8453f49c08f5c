r"""When Newton may skip a Hessian pass: chord steps with the last factor, and when to take them.

A pass that forms the Hessian :math:`X^T W X` costs :math:`O(n p^2)`; a pass that forms only the
deviance and the gradient costs :math:`O(n p)` (measured on 2 cores at 5e7 matrix entries: a
Hessian pass takes 2.0-2.5 gradient passes up to 50 columns, 3.6 at 100, 4.6 at 200, 5.9 at 400).
Near the optimum, a step with a Hessian formed a few iterations earlier (the chord, or
simplified Newton, method; Kelley, *Iterative Methods for Linear and Nonlinear Equations*, 1995,
section 5.4) still contracts the error linearly at a rate proportional to the distance from the
optimum of the point where that Hessian was formed, while Newton's step squares it. Which is
cheaper depends on the distance and on the costs, so the solver plans each pass:

* with :math:`\lambda` the Newton decrement's square root (the distance to the optimum in
  standard errors), a Newton step from a fresh Hessian takes :math:`\lambda` to about
  :math:`q \lambda^2`, and a chord step with a Hessian formed at :math:`\lambda_f` takes it to
  about :math:`2 q \lambda_f \lambda` (:math:`q` is read off the previous Newton step, and the
  chord rate off the previous chord step once there is one);
* the next pass forms the exact Hessian when the point it evaluates is predicted to meet the
  tolerance (the standard errors come from that Hessian at that point, and the tolerance is
  checked in its metric), and otherwise the cheaper of two plans: chord steps all the way, or
  one fresh Hessian first.

The plan only decides which passes carry a Hessian; every convergence criterion is checked as
before, and a chord step that does not lower the deviance is replaced by a Newton step from a
fresh Hessian at the last accepted point.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from logitfit.solvers._common import Evaluation

__all__ = ["HessianReuse", "Progress", "hessian_pass_cost", "next_pass"]

Pass = Literal["final", "gradient", "hessian"]

#: A chord rate at or above this makes chord steps pointless: form a Hessian instead.
_USELESS_RATE = 0.5
#: Rate assumed for a Hessian handed in from outside before its first chord step is observed.
_GIVEN_FACTOR_RATE = 0.1
#: Chord steps are chosen only when they are predicted to save at least this many gradient
#: passes: the predictions are rough, and a chord chain that runs one pass longer than planned
#: loses more than a Newton step that converges a little slower (measured at 1e6 x 10, where a
#: Hessian pass costs two gradient passes and a tie went to chord steps and lost 10%).
_CHORD_MARGIN = 0.5


def hessian_pass_cost(n_params: int, compiled: bool = False) -> float:
    """Return the cost of a Hessian pass in gradient passes, from the measurements above.

    The compiled passes (:mod:`logitfit.likelihood.compiled`) make the gradient pass about
    twice as cheap and leave the Hessian's products to BLAS, so their ratio grows faster with
    the columns: measured at 5e7 entries on 2 cores, 2.0 at 10 columns, 1.9 at 20, 2.9 at 50,
    3.7 at 100, 4.8 at 200, 8.6 at 400.

    Parameters
    ----------
    n_params : int
    compiled : bool
        The passes run in the compiled kernels.

    Returns
    -------
    float
    """
    return 1.8 + n_params / 60.0 if compiled else 2.0 + n_params / 80.0


@dataclass(frozen=True)
class HessianReuse:
    """Permission for Newton to reuse a Hessian across steps, and what a pass costs.

    Attributes
    ----------
    hessian_cost : float
        A pass with the Hessian, in gradient passes (at least 1); see
        :func:`hessian_pass_cost`.
    initial_hessian : ndarray of shape (p, p), optional
        A Hessian close to the problem's at the start (a bootstrap refit's: the full data's).
        The first pass then skips the Hessian.
    quadratic_guess : float, optional
        ``q`` assumed before the first Newton step is observed; ``1 / sqrt(n)`` for ``n``
        observations is a little above the values measured (the third derivative of the total
        log-likelihood grows like ``n`` and the standard errors shrink like ``1 / sqrt(n)``:
        4e-4 to 1.1e-3 at 1e6 rows, 1.4e-3 at 1e5).
    exact_final : bool
        The result must carry the exact Hessian at the returned coefficients, with the
        tolerance met in its metric (standard errors come from it). When False (only the
        coefficients are needed), the tolerance is met in the metric of the Hessian in use,
        whose eigenvalues are close to the exact one's.
    approximate : callable, optional
        ``approximate(coef) -> Evaluation`` with the exact deviance and gradient and a Hessian
        accurate to about 1e-6 relative (float32 products), cheaper than the objective's; used
        for the Hessian passes that only steer (never the final one, never for the standard
        errors). A factor that fails with it is formed again exactly.
    first_exact : bool
        False when the Hessian of the ``first`` evaluation handed to Newton is such an
        approximation (it then steers the first step only).
    """

    hessian_cost: float
    initial_hessian: NDArray[np.float64] | None = None
    quadratic_guess: float | None = None
    exact_final: bool = True
    approximate: Callable[[NDArray[np.float64]], Evaluation] | None = None
    first_exact: bool = True

    @property
    def final_cost(self) -> float:
        """Cost of the pass that confirms convergence."""
        return self.hessian_cost if self.exact_final else 1.0


@dataclass
class Progress:
    """What the solver has learnt about its convergence (updated after every pass).

    Attributes
    ----------
    quadratic : float or None
        ``q`` of the last Newton step, ``lambda_new / lambda_old**2``.
    factor_distance : float or None
        ``lambda`` at the point where the Hessian in use was formed (None: handed in).
    chord_rate : float or None
        Observed ``lambda_new / lambda_old`` of the last chord step with that Hessian.
    """

    quadratic: float | None = None
    factor_distance: float | None = None
    chord_rate: float | None = None

    def rate(self) -> float | None:
        """Return the expected contraction of a chord step with the Hessian in use, if known."""
        if self.chord_rate is not None:
            return self.chord_rate
        if self.factor_distance is None:
            return _GIVEN_FACTOR_RATE
        if self.quadratic is None:
            return None
        return 2.0 * self.quadratic * self.factor_distance

    def predict(self, distance: float, fresh: bool) -> float | None:
        """Predict ``lambda`` after a step from ``distance`` (Newton if ``fresh``, else chord)."""
        if fresh:
            return None if self.quadratic is None else self.quadratic * distance**2
        rate = self.rate()
        return None if rate is None else rate * distance

    def record_step(self, before: float, after: float, fresh: bool) -> None:
        """Learn from a step that took ``lambda`` from ``before`` to ``after``."""
        if before <= 0.0:
            return
        if fresh:
            self.quadratic = after / before**2
        else:
            self.chord_rate = after / before

    def new_factor(self, distance: float | None) -> None:
        """Record a Hessian formed ``distance`` from the optimum, and forget the old rate."""
        self.factor_distance = distance
        self.chord_rate = None


def _chord_passes(distance: float, rate: float, target: float) -> int:
    """Gradient passes of a chord chain from ``distance`` until a point within ``target``."""
    return max(1, math.ceil(math.log(target / distance) / math.log(rate)))


def next_pass(
    predicted: float | None, progress: Progress, reuse: HessianReuse, target: float
) -> Pass:
    """Choose what the next pass forms at the point the step lands on.

    Parameters
    ----------
    predicted : float or None
        Predicted ``lambda`` at that point (None: unknown).
    progress : Progress
    reuse : HessianReuse
    target : float
        The ``lambda`` at which the point is expected to meet the tolerance.

    Returns
    -------
    {"final", "gradient", "hessian"}
        ``"final"``: the pass that should confirm convergence (the exact Hessian, unless
        ``reuse.exact_final`` is False); ``"gradient"``: the next step reuses the Hessian in
        use; ``"hessian"``: form the exact Hessian there.
    """
    if predicted is not None and predicted <= target:
        return "final" if reuse.exact_final else "gradient"
    rate = progress.rate()
    if predicted is None or rate is None or rate >= _USELESS_RATE:
        return "hessian"
    chord = _chord_passes(predicted, rate, target) + reuse.final_cost
    if progress.quadratic is None:
        return "gradient"
    after = progress.quadratic * predicted**2
    fresh = reuse.hessian_cost + (
        reuse.final_cost
        if after <= target
        else _chord_passes(after, min(2.0 * progress.quadratic * predicted, _USELESS_RATE), target)
        + reuse.final_cost
    )
    return "gradient" if chord <= fresh - _CHORD_MARGIN else "hessian"
