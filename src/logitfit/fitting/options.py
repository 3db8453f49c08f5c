"""The settings of one fit, checked once where the user gives them and passed down unchanged.

The data-side arguments (weights, offset, trials, event, missing, cluster) say what the rows
are and stay with the design; the settings here say how to fit them. This docstring of
:class:`FitOptions` is the one place their meaning is described.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from logitfit.exceptions import DataError
from logitfit.inference.covariance import COVARIANCE_KINDS
from logitfit.solvers import check_solver_options

__all__ = ["FitOptions"]


@dataclass(frozen=True)
class FitOptions:
    """How to fit: the method, its solver options, the covariance and the execution.

    Attributes
    ----------
    method : {"newton", "gradient_descent", "firth"}
        Newton-Raphson with step halving (default); the seed tutorial's gradient descent; or
        Firth's penalised likelihood (finite estimates under separation, see
        :mod:`logitfit.likelihood.firth`).
    solver : mapping of str to number
        Options of the method's solver, each checked by name (an unknown one is an error):
        Newton ``max_iter, tol_deviance, tol_gradient``; gradient descent those and
        ``learning_rate``; Firth ``max_iter, tol_score, tol_change``
        (:data:`logitfit.solvers.SOLVER_OPTIONS`).
    cov_type : {"model", "HC0", "HC1", "CR1"}
        Covariance estimator (:mod:`logitfit.inference.covariance`); ``"CR1"`` needs cluster labels.
    n_threads : int or None
        Largest number of threads for a pass over in-memory rows; default the available cores
        (at most 8). Dask data are run by Dask's scheduler instead.
    progress : bool
        Dask data only: show Dask's progress bar for each pass over the partitions.
    persist : bool
        Dask data only: build every partition's design matrix once and keep it in the
        workers' memory (``dask.persist``; in this process with Dask's local scheduler) for
        the fit's passes, which then skip reading and decoding the data. It needs memory for
        the whole design (``n x p`` float64 plus the outcome and weights); the matrices are
        released when the fit returns.
    """

    method: str = "newton"
    solver: Mapping[str, float | int | None] = field(default_factory=lambda: MappingProxyType({}))
    cov_type: str = "model"
    n_threads: int | None = None
    progress: bool = False
    persist: bool = False

    @classmethod
    def checked(
        cls,
        method: str = "newton",
        solver: Mapping[str, float | int | None] | None = None,
        cov_type: str = "model",
        n_threads: int | None = None,
        progress: bool = False,
        persist: bool = False,
    ) -> FitOptions:
        """Return the settings after checking each one by name.

        Parameters
        ----------
        method, solver, cov_type, n_threads, progress, persist
            As the attributes (``solver`` default: none, the solver's defaults).

        Returns
        -------
        FitOptions

        Raises
        ------
        DataError
            For an unknown method or option, or a value out of range.
        """
        solver = {} if solver is None else dict(solver)
        check_solver_options(method, solver)
        if cov_type not in COVARIANCE_KINDS:
            raise DataError(
                f"cov_type must be one of {', '.join(COVARIANCE_KINDS)}; got {cov_type!r}."
            )
        if n_threads is not None and (
            isinstance(n_threads, bool) or not isinstance(n_threads, int) or n_threads < 1
        ):
            raise DataError(f"n_threads must be a whole number of at least 1; got {n_threads!r}.")
        for name, value in (("progress", progress), ("persist", persist)):
            if not isinstance(value, bool):
                raise DataError(f"{name} must be True or False; got {value!r}.")
        return cls(method, MappingProxyType(solver), cov_type, n_threads, progress, persist)
