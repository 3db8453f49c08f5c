"""Benchmark the Dask fit on a generated Parquet dataset larger than a worker's memory.

    python bench/dask_bench.py                  # 2e7 rows x 20 predictors (~3.4 GB), writes
                                                # bench/DASK_RESULTS.md
    python bench/dask_bench.py --rows 2000000   # a smaller run

The data are written once to ``--data-dir`` (default ``bench/_data``, not committed) as Parquet
files of ``--file-rows`` rows each, every file from its own seed, by Dask in parallel. Each
measurement runs in a fresh Python process (so peak memory is the fit's own):

* ``local``: the default local threaded scheduler, out of core, on the first k files (the
  scaling series 2e6 -> 2e7 rows and the full data);
* ``cluster``: a ``LocalCluster`` of two worker processes with ``--worker-memory`` each (well
  below the data size), on the full data; the peak resident memory of each worker and of the
  client is reported;
* ``agreement``: the Dask fit of the first ``--check-rows`` rows against the in-memory fit of
  the same rows (largest relative difference of coefficients, standard errors and deviance);
* ``memory``: for reference, all the files read into one pandas DataFrame and fitted in memory
  (about 10 GB at 2e7 rows; ``--no-memory`` skips it).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def formula(n_predictors: int) -> str:
    return "y ~ " + " + ".join(f"x{j + 1}" for j in range(n_predictors))


def write_file(path: str, n_rows: int, n_predictors: int, seed: int) -> None:
    """One Parquet file of standard normal predictors and a logistic outcome."""
    import pandas as pd
    from scipy.special import expit

    rng = np.random.default_rng(seed)
    coef = np.random.default_rng(0).normal(scale=1.0 / np.sqrt(n_predictors), size=n_predictors)
    X = rng.standard_normal((n_rows, n_predictors))
    y = (rng.random(n_rows) < expit(-0.5 + X @ coef)).astype(np.int8)
    frame = pd.DataFrame(X, columns=[f"x{j + 1}" for j in range(n_predictors)])
    frame["y"] = y
    frame.to_parquet(path, index=False)


def generate(args: argparse.Namespace) -> list[str]:
    """Write the files that are missing, in parallel with Dask; return all their paths."""
    import dask
    from dask import delayed

    folder = Path(args.data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    n_files = args.rows // args.file_rows
    paths = [str(folder / f"part-{i:04d}.parquet") for i in range(n_files)]
    todo = [
        delayed(write_file)(p, args.file_rows, args.predictors, 1000 + i)
        for i, p in enumerate(paths)
        if not Path(p).exists()
    ]
    if todo:
        start = time.perf_counter()
        dask.compute(*todo, scheduler="processes", num_workers=os.cpu_count())
        print(f"wrote {len(todo)} files in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return paths


def peak_rss_mb() -> float:
    """Peak resident set size of this process in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_one(args: argparse.Namespace) -> dict[str, object]:
    """One measurement in this (fresh) process; printed as JSON by the caller."""
    import dask.dataframe as dd

    import logitfit

    paths = sorted(Path(args.data_dir).glob("part-*.parquet"))[: args.files]
    ddf = dd.read_parquet([str(p) for p in paths])
    record: dict[str, object] = {"mode": args.mode, "files": len(paths)}
    if args.mode == "memory":
        import pandas as pd

        start = time.perf_counter()
        frame = pd.concat([pd.read_parquet(p) for p in paths], ignore_index=True)
        record["read_seconds"] = time.perf_counter() - start
        start = time.perf_counter()
        result = logitfit.fit(formula(args.predictors), frame)
        record["seconds"] = time.perf_counter() - start
    elif args.mode == "cluster":
        from distributed import Client, LocalCluster

        with (
            LocalCluster(
                n_workers=2,
                threads_per_worker=1,
                processes=True,
                memory_limit=args.worker_memory,
                dashboard_address=None,
            ) as cluster,
            Client(cluster) as client,
        ):
            start = time.perf_counter()
            result = logitfit.fit(formula(args.predictors), ddf)
            record["seconds"] = time.perf_counter() - start
            workers = client.run(peak_rss_mb)
            record["worker_peak_mb"] = sorted(workers.values())
    else:
        start = time.perf_counter()
        result = logitfit.fit(formula(args.predictors), ddf)
        record["seconds"] = time.perf_counter() - start
    record["client_peak_mb"] = peak_rss_mb()
    record["rows"] = result.design.n_rows
    record["iterations"] = result.n_iter
    record["coef"] = result.coef.tolist()
    record["std_errors"] = result.std_errors.tolist()
    record["deviance"] = result.deviance
    if args.mode == "agreement":
        frame = ddf.compute()
        start = time.perf_counter()
        memory = logitfit.fit(formula(args.predictors), frame)
        record["memory_seconds"] = time.perf_counter() - start
        record["max_rel_diff"] = {
            "coef": float(np.max(np.abs(result.coef / memory.coef - 1))),
            "std_errors": float(np.max(np.abs(result.std_errors / memory.std_errors - 1))),
            "deviance": abs(result.deviance / memory.deviance - 1),
        }
    return record


def spawn(args: argparse.Namespace, mode: str, files: int) -> dict[str, object]:
    command = [
        sys.executable, __file__, "--run", mode, "--files", str(files),
        "--data-dir", args.data_dir, "--predictors", str(args.predictors),
        "--worker-memory", args.worker_memory,
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{mode} run failed:\n{done.stderr[-3000:]}")
    record: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    print(
        f"{mode:9s} {record['rows']:>11,} rows  {record['seconds']:7.1f} s  "
        f"client peak {record['client_peak_mb']:.0f} MB"
        + (f"  workers {record.get('worker_peak_mb')}" if mode == "cluster" else ""),
        file=sys.stderr,
    )
    return record


def largest_difference(a: dict[str, object], b: dict[str, object], key: str) -> float:
    x, y = np.asarray(a[key]), np.asarray(b[key])
    return float(np.max(np.abs(x / y - 1)))


def report(args: argparse.Namespace, runs: dict[str, dict[str, object]], files: list[str]) -> str:
    import dask
    import distributed

    import logitfit

    size_gb = sum(Path(p).stat().st_size for p in files) / 1e9
    full = runs["local full"]
    lines = [
        "# Dask benchmark",
        "",
        f"`python bench/dask_bench.py --rows {args.rows}`: {args.rows:,} rows x "
        f"{args.predictors} predictors (+ intercept) in {len(files)} Parquet files of "
        f"{args.file_rows:,} rows ({size_gb:.2f} GB on disk; {args.rows * 21 * 8 / 1e9:.2f} GB "
        "as float64 in memory). "
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB RAM; "
        f"Python {platform.python_version()}, dask {dask.__version__}, "
        f"distributed {distributed.__version__}, logitfit {logitfit.__version__}. "
        "Each row is a fresh process.",
        "",
        "Passes over all the data = Newton iterations + 1 (the first pass totals the data and "
        "evaluates the warm start; the warm start itself reads 4 of the partitions).",
        "",
        "| run | rows | time (s) | Newton iterations | s per pass per 1e6 rows | "
        "peak memory (MB) |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for name, run in runs.items():
        if name == "agreement":
            continue
        rows = int(run["rows"])  # type: ignore[call-overload]
        memory = f"client {run['client_peak_mb']:.0f}"
        if "worker_peak_mb" in run:
            memory += ", workers " + ", ".join(f"{m:.0f}" for m in run["worker_peak_mb"])  # type: ignore[union-attr]
        passes = int(run["iterations"]) + 1  # type: ignore[call-overload]
        if "read_seconds" in run:
            memory += f" (reading the files {float(run['read_seconds']):.1f} s, not in the time)"  # type: ignore[arg-type]
        lines.append(
            f"| {name} | {rows:,} | {run['seconds']:.1f} | {run['iterations']} | "
            f"{float(run['seconds']) / passes / rows * 1e6:.3f} | {memory} |"  # type: ignore[arg-type]
        )
    check = runs["agreement"]
    diffs = check["max_rel_diff"]
    lines += [
        "",
        f"Agreement, Dask against in memory on the first {int(check['rows']):,} rows "  # type: ignore[call-overload]
        f"(in-memory fit {float(check['memory_seconds']):.1f} s): largest relative difference "  # type: ignore[arg-type]
        f"coefficients {diffs['coef']:.1e}, standard errors {diffs['std_errors']:.1e}, "  # type: ignore[index]
        f"deviance {diffs['deviance']:.1e}.",  # type: ignore[index]
    ]
    if "cluster full" in runs:
        lines.append(
            "Local scheduler against the LocalCluster on the full data: coefficients "
            f"{largest_difference(full, runs['cluster full'], 'coef'):.1e}, standard errors "
            f"{largest_difference(full, runs['cluster full'], 'std_errors'):.1e}."
        )
    if "in memory (pandas) full" in runs:
        reference = runs["in memory (pandas) full"]
        lines.append(
            "Dask (local scheduler) against the in-memory fit of all the rows: coefficients "
            f"{largest_difference(full, reference, 'coef'):.1e}, standard errors "
            f"{largest_difference(full, reference, 'std_errors'):.1e}."
        )
    scaling = [run for name, run in runs.items() if name.startswith("local")]
    if len(scaling) > 1:
        first, last = scaling[0], scaling[-1]
        lines.append(
            f"Scaling: {int(first['rows']):,} -> {int(last['rows']):,} rows "  # type: ignore[call-overload]
            f"({int(last['rows']) / int(first['rows']):.0f}x) took "  # type: ignore[call-overload]
            f"{float(last['seconds']) / float(first['seconds']):.1f}x the time."  # type: ignore[arg-type]
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000_000)
    parser.add_argument("--predictors", type=int, default=20)
    parser.add_argument("--file-rows", type=int, default=500_000)
    parser.add_argument("--check-rows", type=int, default=2_000_000)
    parser.add_argument("--worker-memory", default="1GiB")
    parser.add_argument("--data-dir", default=str(HERE / "_data"))
    parser.add_argument("--no-cluster", action="store_true")
    parser.add_argument("--no-memory", action="store_true", help="skip the in-memory reference")
    parser.add_argument("--run", dest="mode", help=argparse.SUPPRESS)
    parser.add_argument("--files", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.mode is not None:
        print(json.dumps(run_one(args)))
        return
    files = generate(args)
    runs: dict[str, dict[str, object]] = {}
    runs["agreement"] = spawn(args, "agreement", args.check_rows // args.file_rows)
    for fraction in (0.1, 0.25, 0.5):
        count = max(1, int(len(files) * fraction))
        runs[f"local {count * args.file_rows:.0e} rows"] = spawn(args, "local", count)
    runs["local full"] = spawn(args, "local", len(files))
    if not args.no_cluster:
        runs["cluster full"] = spawn(args, "cluster", len(files))
    if not args.no_memory:
        runs["in memory (pandas) full"] = spawn(args, "memory", len(files))
    text = report(args, runs, files)
    print(text)
    if args.rows == 20_000_000:
        (HERE / "DASK_RESULTS.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
