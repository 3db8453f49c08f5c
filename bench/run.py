"""Benchmark logitfit against statsmodels, scikit-learn and glum on the same seeded data.

    python bench/run.py            # the full grid, writes bench/RESULTS.md
    python bench/run.py --quick    # a laptop-sized subset

Every library fits the same unpenalised logistic regression, in turn, in this one process: a
warm-up fit, then the median of ``--repeats`` timed fits. A time is reported only if the fit
agrees with logitfit's (coefficients within 1e-6 relative, or of 1% of the largest coefficient
for those near zero; standard errors within 1e-6 of statsmodels'); peak memory is measured in a
fresh process per library and size (``--memory-probe``), as the growth of the resident set
during the fit over the process after the data were made.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import numpy as np

# (n, k, coefficient scale): None draws coefficients from N(0, 1/k) (a weak signal: the
# linear predictor's sd is about 1); 0.3 is the strong signal of issue 18 (sd about 4 at k = 200).
FULL_GRID = [(10_000, 10, None), (10_000, 50, None), (10_000, 50, 0.3), (100_000, 10, None),
             (100_000, 50, None), (1_000_000, 10, None), (1_000_000, 50, None),
             (4_000_000, 10, None), (4_000_000, 50, None), (100_000, 200, None),
             (100_000, 200, 0.3)]  # fmt: skip
QUICK_GRID = [(10_000, 10, None), (100_000, 50, None), (100_000, 200, 0.3), (1_000_000, 10, None)]
LIBRARIES = ["logitfit", "statsmodels Logit", "statsmodels GLM", "sklearn lbfgs",
             "sklearn newton-cholesky", "glum"]  # fmt: skip


# statsmodels keeps many copies of X (Logit about 2 extra at 1e6 x 50, GLM about 9, and in a
# trial run GLM exhausted this 24 GiB machine at 4e6 x 10): skip them beyond these sizes.
def too_big(library: str, n_rows: int, x_bytes: int) -> bool:
    if library == "statsmodels Logit":
        return x_bytes > 500e6
    if library == "statsmodels GLM":
        return n_rows > 1_000_000
    return False


def make_data(
    n_rows: int, k: int, seed: int = 12345, scale: float | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """X with an intercept column and k - 1 standard normal predictors (k counts the
    intercept), and y drawn from a logistic model with coefficients N(0, scale^2) (default
    scale 1/sqrt(k), a moderate signal)."""
    rng = np.random.default_rng(seed)
    X = np.empty((n_rows, k))
    X[:, 0] = 1.0
    for start in range(0, n_rows, 100_000):  # in blocks: no second full-size temporary
        stop = min(start + 100_000, n_rows)
        X[start:stop, 1:] = rng.standard_normal((stop - start, k - 1))
    coef = rng.normal(scale=1.0 / np.sqrt(k) if scale is None else scale, size=k)
    coef[0] = -0.5
    eta = X @ coef
    y = (rng.random(n_rows) < 1.0 / (1.0 + np.exp(-eta))).astype(np.float64)
    return X, y


@dataclass
class Fit:
    coef: np.ndarray
    std_errors: np.ndarray | None


def _fitters(X: np.ndarray, y: np.ndarray) -> dict[str, Callable[[], Fit]]:
    """One callable per library; each returns intercept-first coefficients (and SEs)."""
    import statsmodels.api as sm
    from glum import GeneralizedLinearRegressor
    from sklearn.linear_model import LogisticRegression

    import logitfit

    without_intercept = np.ascontiguousarray(X[:, 1:])

    def ours() -> Fit:
        result = logitfit.fit_arrays(X, y, intercept=False)
        return Fit(result.coef.to_numpy(), result.std_errors.to_numpy())

    def sm_logit() -> Fit:
        result = sm.Logit(y, X).fit(method="newton", disp=0, tol=1e-10, maxiter=100)
        return Fit(np.asarray(result.params), np.asarray(result.bse))

    def sm_glm() -> Fit:
        result = sm.GLM(y, X, family=sm.families.Binomial()).fit(tol=1e-12)
        return Fit(np.asarray(result.params), np.asarray(result.bse))

    def sklearn(solver: str) -> Callable[[], Fit]:
        def run() -> Fit:
            model = LogisticRegression(C=np.inf, solver=solver, tol=1e-10, max_iter=10_000)
            model.fit(without_intercept, y)
            return Fit(np.r_[model.intercept_, model.coef_.ravel()], None)

        return run

    def glum() -> Fit:
        model = GeneralizedLinearRegressor(family="binomial", alpha=0, gradient_tol=1e-10)
        model.fit(without_intercept, y)
        errors = model.std_errors(without_intercept, y, dispersion=1.0, robust=False)
        # glum scales even this covariance by n / (n - p); undo it to compare with the MLE's.
        n_rows, k = X.shape
        errors = np.asarray(errors) * np.sqrt((n_rows - k) / n_rows)
        return Fit(np.r_[model.intercept_, model.coef_], errors)

    return {
        "logitfit": ours,
        "statsmodels Logit": sm_logit,
        "statsmodels GLM": sm_glm,
        "sklearn lbfgs": sklearn("lbfgs"),
        "sklearn newton-cholesky": sklearn("newton-cholesky"),
        "glum": glum,
    }


def agrees(fit: Fit, reference: Fit, reference_se: np.ndarray | None) -> str:
    """'' when the fit reached the reference optimum, else the reason it did not."""
    scale = np.maximum(np.abs(reference.coef), 0.01 * np.max(np.abs(reference.coef)))
    coef_gap = float(np.max(np.abs(fit.coef - reference.coef) / scale))
    if coef_gap > 1e-6:
        return f"coefficients differ by {coef_gap:.1e}"
    if fit.std_errors is not None and reference_se is not None:
        se_gap = float(np.max(np.abs(fit.std_errors / reference_se - 1)))
        if se_gap > 1e-6:
            return f"standard errors differ by {se_gap:.1e}"
    return ""


def _rss() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def memory_probe(library: str, n_rows: int, k: int) -> None:
    """Run in a fresh process: print the peak growth of the resident set during one fit."""
    X, y = make_data(n_rows, k)
    fitters = _fitters(X, y)
    if library == "logitfit":
        # Code is loaded before the baseline, as the peers' imports are: logitfit's compiled
        # kernels (numba's resident code, about the same for any data) are not the fit's memory.
        from logitfit.likelihood.compiled import load_kernels

        load_kernels()
    baseline, peak, running = _rss(), [0], [True]

    def sample() -> None:
        while running[0]:
            peak[0] = max(peak[0], _rss())
            time.sleep(0.002)

    sampler = threading.Thread(target=sample)
    sampler.start()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitters[library]()
    running[0] = False
    sampler.join()
    print(json.dumps({"extra_bytes": max(peak[0] - baseline, 0), "x_bytes": X.nbytes}))


def measure_memory(library: str, n_rows: int, k: int) -> dict[str, float] | None:
    command = [sys.executable, __file__, "--memory-probe", library, str(n_rows), str(k)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def machine() -> list[str]:
    from threadpoolctl import threadpool_info

    cpu = "unknown"
    if Path("/proc/cpuinfo").exists():
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    pools = "; ".join(
        f"{p['internal_api']} {p.get('version')} ({p.get('architecture')}), "
        f"{p['num_threads']} threads"
        for p in threadpool_info()
    )
    versions = ", ".join(
        f"{name} {version(name)}"
        for name in ("logitfit", "numpy", "scipy", "statsmodels", "scikit-learn", "glum")
    )
    return [
        f"- CPU: {cpu}; {os.cpu_count()} logical cores; {platform.platform()}",
        f"- BLAS (threadpoolctl): {pools}",
        "- Threads: every library with its defaults; logitfit runs one thread per core over "
        "row blocks, the others use BLAS threads.",
        f"- Python {platform.python_version()}; {versions}",
    ]


def dgemm_rate(size: int = 2000) -> float:
    """The machine's matrix-multiply rate in GFLOP/s: a square float64 DGEMM, fastest of 5.

    The fastest, not the median: this is the hardware's bound, and on a shared host a busy
    moment once gave a median of 58 GFLOP/s where 147 were measured before.
    """
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((size, size)), rng.standard_normal((size, size))
    a @ b  # warm-up
    times = []
    for _ in range(5):
        start = time.perf_counter()
        a @ b
        times.append(time.perf_counter() - start)
    return 2.0 * size**3 / min(times) / 1e9


def run(
    grid: list[tuple[int, int, float | None]],
    repeats: int,
    with_memory: bool,
    progress: Callable[[list[dict]], None] | None = None,
) -> list[dict]:
    rows = []
    for n_rows, k, scale in grid:
        X, y = make_data(n_rows, k, scale=scale)
        fitters = _fitters(X, y)
        reference = fitters["logitfit"]()
        reference_se = None
        outcomes: dict[str, dict] = {}
        for library in LIBRARIES:
            if too_big(library, n_rows, X.nbytes):
                outcomes[library] = {"note": "skipped: would exhaust memory (many copies of X)"}
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fitter = fitters[library]
                fit = fitter()  # warm-up, and the fit that is checked
                if library == "statsmodels Logit":
                    reference_se = fit.std_errors
                disagreement = agrees(fit, reference, reference_se)
                times = []
                for _ in range(repeats):
                    start = time.perf_counter()
                    fitter()
                    times.append(time.perf_counter() - start)
            outcome = {"time": statistics.median(times), "note": disagreement}
            if with_memory and scale is None:
                outcome["memory"] = measure_memory(library, n_rows, k)
            outcomes[library] = outcome
            print(f"{n_rows:>9} x {k:<3} {library:<24} {outcome}", flush=True)
        rows.append({"n": n_rows, "k": k, "scale": scale, "x_mb": X.nbytes / 1e6,
                     "outcomes": outcomes})  # fmt: skip
        if progress is not None:  # keep what is measured even if a later size fails
            progress(rows)
    return rows


def repeated_fits(n_rows: int = 100_000, k: int = 20, n_boot: int = 200) -> dict[str, float]:
    """Time one cold fit against the bootstrap refits of ``validate`` on the same data."""
    import logitfit
    from logitfit.diagnostics.resampling import bootstrap, draws

    X, y = make_data(n_rows, k)
    result = logitfit.fit_arrays(X, y, intercept=False)
    cold = []
    for _ in range(5):
        start = time.perf_counter()
        logitfit.fit_arrays(X, y, intercept=False)
        cold.append(time.perf_counter() - start)
    start = time.perf_counter()
    logitfit.validate(result, n_boot=n_boot, seed=1)
    validated = time.perf_counter() - start
    resamples = draws(result.design.n_rows, n_boot, 1, None)
    start = time.perf_counter()
    bootstrap(result.design, result.coef.to_numpy(), result.hessian, resamples, lambda r: r.coef)
    refits = time.perf_counter() - start
    return {"n": n_rows, "k": k, "n_boot": n_boot, "cold": statistics.median(cold),
            "validate": validated, "refits": refits}  # fmt: skip


def render_repeated(timing: dict[str, float]) -> list[str]:
    per_refit = timing["refits"] / timing["n_boot"]
    per_validated = timing["validate"] / timing["n_boot"]
    return [f"## Repeated fits: {timing['n_boot']:.0f} bootstrap refits at n = "
            f"{timing['n']:,.0f}, k = {timing['k']:.0f}", "",
            "Each refit starts from the full-data estimate with the full data's Hessian and "
            "fits the original rows with the draw counts as frequency weights (no copy of X); "
            "two refits run at once on the two cores, each on one thread, while the cold fit "
            "uses both cores.", "",
            "| what | time (s) | per refit against one cold fit |", "|---|---:|---:|",
            f"| one cold fit (median of 5) | {timing['cold']:.3f} | |",
            f"| {timing['n_boot']:.0f} refits alone | {timing['refits']:.2f} | "
            f"{per_refit / timing['cold']:.2f} |",
            f"| `validate(n_boot={timing['n_boot']:.0f})` (refits and indices) | "
            f"{timing['validate']:.2f} | {per_validated / timing['cold']:.2f} |",
            ""]  # fmt: skip


def render(rows: list[dict], repeats: int, rate: float) -> str:
    lines = ["# Benchmark results", "", *machine(),
             f"- DGEMM (2000 x 2000, float64, numpy): {rate:.0f} GFLOP/s", "",
             f"Median of {repeats} fits after a warm-up. Ratio = peer time / logitfit time "
             "(above 1: logitfit is faster). Every time is at equal precision: a fit is "
             "reported only when its coefficients are within 1e-6 (relative) of logitfit's "
             "converged ones, so scikit-learn and glum run at tol 1e-10 (lbfgs at its default "
             "tolerance stops far from the optimum); only logitfit and statsmodels give "
             "standard errors. Memory = peak growth of the resident set during the fit, in a "
             "fresh process, over the data already made (X itself not counted; weak-signal "
             "sizes only). \"X'WX at DGEMM rate\" is the time of the arithmetic of one "
             "X'WX (2 n k^2 flops) at the measured DGEMM rate.",
             ""]  # fmt: skip
    for row in rows:
        ours = row["outcomes"]["logitfit"]["time"]
        signal = (
            "weak signal" if row.get("scale") is None else f"strong signal, coef sd {row['scale']}"
        )
        gram = 2.0 * row["n"] * row["k"] ** 2 / (rate * 1e9)
        lines += [f"## n = {row['n']:,}, k = {row['k']}, {signal} (X: {row['x_mb']:.0f} MB)", "",
                  f"One X'WX at DGEMM rate: {gram * 1e3:.3g} ms; logitfit's fit + standard "
                  f"errors take {ours / gram:.1f} times that.", "",
                  "| library | time (s) | ratio to logitfit | peak extra memory (MB) | note |",
                  "|---|---:|---:|---:|---|"]  # fmt: skip
        for library in LIBRARIES:
            outcome = row["outcomes"][library]
            memory = outcome.get("memory")
            extra = f"{memory['extra_bytes'] / 1e6:.0f}" if memory else ""
            if "time" not in outcome or outcome["note"]:
                lines.append(f"| {library} | (not reported) | | {extra} | {outcome['note']} |")
                continue
            ratio = outcome["time"] / ours
            lines.append(f"| {library} | {outcome['time']:.3f} | {ratio:.1f} | {extra} | |")
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="laptop-sized subset of the grid")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-memory", action="store_true", help="skip the memory probes")
    parser.add_argument("--output", default=str(Path(__file__).with_name("RESULTS.md")))
    parser.add_argument("--memory-probe", nargs=3, metavar=("LIBRARY", "N", "K"))
    args = parser.parse_args()
    if args.memory_probe:
        library, n_rows, k = args.memory_probe
        memory_probe(library, int(n_rows), int(k))
        return
    grid = QUICK_GRID if args.quick else FULL_GRID
    repeats = max(args.repeats, 3)

    rate = dgemm_rate()
    print(f"DGEMM: {rate:.0f} GFLOP/s", flush=True)
    # Measured again at the end, and the faster kept (see dgemm_rate).

    repeated: list[str] = []

    def write(rows: list[dict]) -> None:
        text = render(rows, repeats, rate) + "\n" + "\n".join(repeated)
        Path(args.output).write_text(text + "\n", encoding="utf-8")

    rows = run(grid, repeats, not args.no_memory, progress=write)
    rate = max(rate, dgemm_rate())
    timing = repeated_fits(n_boot=50 if args.quick else 200)
    print(f"repeated fits: {timing}", flush=True)
    repeated = render_repeated(timing)
    write(rows)
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
