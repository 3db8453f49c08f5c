"""Fits on Dask data equal the in-memory fit of the same rows, on a 2-process LocalCluster.

Each test builds the data in pandas, fits it in memory (the reference: itself checked against
statsmodels elsewhere), splits it into partitions and fits it with Dask. The tests that take the
``client`` fixture run on a ``dask.distributed.LocalCluster`` of two worker processes started
here; the others run on Dask's default local (threaded) scheduler.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy.special import expit

import logitfit
from logitfit.cli import main
from logitfit.exceptions import (
    DataError,
    FormulaError,
    MissingValueError,
    OutcomeError,
    RankDeficiencyError,
    ScaleError,
    SeparationWarning,
)

dd = pytest.importorskip("dask.dataframe")
da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")

RTOL = 1e-10
FORMULA = "y ~ x1 + x2 + C(group) + x1:x2"

SCALARS = (
    "deviance", "null_deviance", "loglik", "loglik_null", "aic", "bic", "lr_stat", "lr_pvalue",
    "mcfadden_r2", "n_obs", "df_resid", "df_null", "n_params", "lr_df",
)  # fmt: skip


@pytest.fixture(scope="module")
def cluster() -> Iterator[object]:
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as local:
        yield local


@pytest.fixture
def client(cluster: object) -> Iterator[object]:
    with distributed.Client(cluster) as active:
        yield active


def make_data(n_rows: int = 6000, seed: int = 3) -> pd.DataFrame:
    """Two numeric predictors, a four-level group, weights, offset and trials columns."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "x1": rng.normal(size=n_rows),
            "x2": rng.normal(size=n_rows),
            "group": rng.choice(["north", "south", "east", "west"], size=n_rows),
            "w": rng.integers(1, 4, size=n_rows).astype(float),
            "exposure": rng.normal(scale=0.3, size=n_rows),
            "m": rng.integers(1, 6, size=n_rows).astype(float),
        }
    )
    eta = -0.3 + 0.8 * frame.x1 - 0.5 * frame.x2 + 0.6 * (frame.group == "east")
    frame["y"] = (rng.random(n_rows) < expit(eta)).astype(int)
    frame["events"] = rng.binomial(frame.m.astype(int), expit(eta)).astype(float)
    frame["label"] = np.where(frame.y == 1, "yes", "no")
    return frame


def assert_same_fit(lazy: logitfit.LogitResult, memory: logitfit.LogitResult) -> None:
    """Every inference quantity of the two fits agrees to RTOL."""
    assert list(lazy.names) == list(memory.names)
    # Both fits stop once the Newton decrement is below 1e-20, i.e. within 1e-10 standard
    # errors of the exact maximum, from different starting points: a coefficient near zero can
    # differ by ~1e-11 SE, more than 1e-10 of its own size. Coefficients and z are therefore
    # compared to rtol 1e-10 or 1e-10 standard errors (z: 1e-10), the rest to rtol 1e-10 (see
    # the p-values below).
    std_errors = memory.std_errors.to_numpy()
    assert_allclose(
        lazy.coef / std_errors, memory.coef / std_errors, rtol=RTOL, atol=RTOL, err_msg="coef"
    )
    assert_allclose(lazy.z, memory.z, rtol=RTOL, atol=RTOL, err_msg="z")
    assert_allclose(lazy.std_errors, memory.std_errors, rtol=RTOL)
    # A p-value in the far tail moves by |z| dz relative to itself (7e-150 at z = 26): compare
    # log p to rtol 1e-10 (atol 1e-10 where p is near 1), and p itself to 1e-10 absolute.
    tiny = np.finfo(float).tiny  # p underflows to 0 beyond |z| ~ 38 in both fits
    log_p = [np.log(np.maximum(fit.p_values, tiny)) for fit in (lazy, memory)]
    assert_allclose(*log_p, rtol=RTOL, atol=RTOL)
    assert_allclose(lazy.p_values, memory.p_values, rtol=0, atol=RTOL)
    assert_allclose(lazy.cov, memory.cov, rtol=RTOL)
    assert_allclose(lazy.conf_int(), memory.conf_int(), rtol=RTOL)
    assert_allclose(lazy.odds_ratio_conf_int(0.9), memory.odds_ratio_conf_int(0.9), rtol=RTOL)
    for name in SCALARS:
        assert_allclose(getattr(lazy, name), getattr(memory, name), rtol=RTOL, err_msg=name)
    numeric = memory.to_frame().select_dtypes("number").columns.drop(["coef", "z", "p_value"])
    assert_allclose(lazy.to_frame()[numeric], memory.to_frame()[numeric], rtol=RTOL)
    assert lazy.design.event == memory.design.event
    assert lazy.design.n_events == memory.design.n_events
    assert lazy.converged and memory.converged


def test_formula_fit_on_a_cluster_equals_the_in_memory_fit(client: object) -> None:
    data = make_data()
    memory = logitfit.fit(FORMULA, data)
    lazy = logitfit.fit(FORMULA, dd.from_pandas(data, npartitions=5))
    assert isinstance(lazy.design, logitfit.backends.dask.design.DaskDesign)
    assert lazy.design.n_partitions == 5
    assert_same_fit(lazy, memory)

    # The summary prints the same numbers: the text is identical but for the size of the final
    # gradient (~1e-13, rounding in a different order of summation).
    def printed(result: logitfit.LogitResult) -> str:
        return re.sub(r"largest \|gradient\| \S+", "", result.summary())

    assert printed(lazy) == printed(memory)


def test_local_scheduler_gives_the_same_fit() -> None:
    data = make_data(seed=11)
    memory = logitfit.fit(FORMULA, data)
    # Nine partitions: the warm start samples four of them first.
    assert_same_fit(logitfit.fit(FORMULA, dd.from_pandas(data, npartitions=9)), memory)


def test_one_dask_pass_per_newton_evaluation(monkeypatch: pytest.MonkeyPatch) -> None:
    from logitfit.backends.dask import passes

    calls: list[str] = []
    evaluate = passes.evaluate

    def counting(*args: object, **kwargs: object) -> object:
        calls.append("evaluate")
        return evaluate(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(passes, "evaluate", counting)
    computes: list[object] = []
    compute = passes.compute
    monkeypatch.setattr(passes, "compute", lambda g, p=False: computes.append(g) or compute(g, p))
    data = make_data(seed=5)
    result = logitfit.fit(FORMULA, dd.from_pandas(data, npartitions=4))
    # The first pass totals the data and evaluates the start; then one evaluation per Newton
    # iteration (no step halving here), and none after.
    assert len(calls) == result.n_iter
    # Passes after the level pass (spec.py): the first pass and the evaluations, one compute each.
    assert len(computes) == 1 + len(calls)


def test_missing_levels_in_partitions_give_the_whole_datas_columns(client: object) -> None:
    data = make_data(seed=7).sort_values("group", kind="stable").reset_index(drop=True)
    ddf = dd.from_pandas(data, npartitions=8, sort=False)
    # Sorted by group, each partition holds one or two of the four levels.
    counts = [ddf.get_partition(i).compute()["group"].nunique() for i in range(8)]
    assert max(counts) <= 2
    memory = logitfit.fit(FORMULA, data)
    lazy = logitfit.fit(FORMULA, ddf)
    assert [n for n in lazy.names if n.startswith("C(group)")] == [
        "C(group)[T.north]", "C(group)[T.south]", "C(group)[T.west]"
    ]  # fmt: skip
    assert_same_fit(lazy, memory)


def test_categorical_dtype_and_string_outcome(client: object) -> None:
    data = make_data(seed=8)
    data["group"] = pd.Categorical(data["group"], categories=["west", "east", "north", "south"])
    formula = "label ~ x1 + group"
    memory = logitfit.fit(formula, data)
    lazy = logitfit.fit(formula, dd.from_pandas(data, npartitions=4))
    assert memory.design.event == "label == 'yes' (vs 'no')"
    assert_same_fit(lazy, memory)
    chosen = logitfit.fit(formula, dd.from_pandas(data, npartitions=4), event="no")
    assert_same_fit(chosen, logitfit.fit(formula, data, event="no"))


def test_weights_and_offset(client: object) -> None:
    data = make_data(seed=9)
    kwargs = {"weights": "w", "offset": "exposure"}
    memory = logitfit.fit("y ~ x1 + C(group)", data, **kwargs)
    lazy = logitfit.fit("y ~ x1 + C(group)", dd.from_pandas(data, npartitions=4), **kwargs)
    assert_same_fit(lazy, memory)
    assert not lazy.design.unit_weights and lazy.design.has_offset
    # Without an intercept the null model is the offset alone.
    memory = logitfit.fit("y ~ 0 + x1 + x2", data, offset="exposure")
    lazy = logitfit.fit("y ~ 0 + x1 + x2", dd.from_pandas(data, npartitions=3), offset="exposure")
    assert_same_fit(lazy, memory)


def test_events_out_of_trials(client: object) -> None:
    data = make_data(seed=10)
    memory = logitfit.fit("events ~ x1 + x2 + C(group)", data, trials="m")
    lazy = logitfit.fit(
        "events ~ x1 + x2 + C(group)", dd.from_pandas(data, npartitions=4), trials="m"
    )
    assert_same_fit(lazy, memory)
    assert lazy.design.loglik_constant == pytest.approx(memory.design.loglik_constant, rel=1e-12)


def test_missing_rows_dropped_explicitly(client: object) -> None:
    data = make_data(seed=12)
    data.loc[[10, 2500, 4000], "x2"] = np.nan
    memory = logitfit.fit(FORMULA, data, missing="drop")
    lazy = logitfit.fit(FORMULA, dd.from_pandas(data, npartitions=4), missing="drop")
    assert lazy.design.n_dropped == memory.design.n_dropped == 3
    assert_same_fit(lazy, memory)


def test_parquet_files_and_the_command_line(tmp_path: Path, client: object) -> None:
    data = make_data(seed=13)
    folder = tmp_path / "parts"
    folder.mkdir()
    for k in range(4):
        data.iloc[k * 1500 : (k + 1) * 1500].to_parquet(folder / f"part-{k}.parquet")
    memory = logitfit.fit(FORMULA, data)
    lazy = logitfit.fit(FORMULA, dd.read_parquet(str(folder / "*.parquet")))
    assert_same_fit(lazy, memory)
    out = tmp_path / "fit.json"
    status = main(["fit", str(folder / "*.parquet"), "-f", FORMULA, "--json", str(out)])
    assert status == 0
    payload = json.loads(out.read_text())
    printed = [row["coef"] for row in payload["coefficients"]]
    assert_allclose(printed, memory.coef.to_numpy(), rtol=RTOL)
    status = main(["fit", str(folder), "-f", FORMULA, "--persist", "--json", str(out),
                   "--overwrite"])  # fmt: skip
    assert status == 0
    persisted = [row["coef"] for row in json.loads(out.read_text())["coefficients"]]
    assert_allclose(persisted, memory.coef.to_numpy(), rtol=RTOL)


def test_command_line_with_a_scheduler_address(
    tmp_path: Path, cluster: object, capsys: pytest.CaptureFixture[str]
) -> None:
    data = make_data(seed=14)
    path = tmp_path / "one.parquet"
    data.to_parquet(path)
    address = cluster.scheduler_address  # type: ignore[attr-defined]
    status = main(["fit", str(path), "-f", FORMULA, "--scheduler", address, "--json", "-"])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    assert "100% Completed" in captured.err  # distributed's progress bar, on standard error
    payload = json.loads(captured.out)
    memory = logitfit.fit(FORMULA, data)
    assert_allclose(payload["statistics"]["deviance"], memory.deviance, rtol=RTOL)


def test_dask_arrays(client: object) -> None:
    data = make_data(seed=15)
    X = data[["x1", "x2"]].to_numpy()
    memory = logitfit.fit_arrays(X, data.y.to_numpy(), weights=data.w.to_numpy())
    lazy = logitfit.fit_arrays(
        da.from_array(X, chunks=(1000, 1)),
        da.from_array(data.y.to_numpy(), chunks=1500),
        weights=da.from_array(data.w.to_numpy(), chunks=700),
    )
    assert_same_fit(lazy, memory)
    trials = logitfit.fit_arrays(
        da.from_array(X, chunks=(2000, 2)),
        da.from_array(data.events.to_numpy(), chunks=2000),
        trials=da.from_array(data.m.to_numpy(), chunks=2000),
        offset=da.from_array(data.exposure.to_numpy(), chunks=2000),
    )
    expected = logitfit.fit_arrays(
        X, data.events.to_numpy(), trials=data.m.to_numpy(), offset=data.exposure.to_numpy()
    )
    assert_same_fit(trials, expected)


def test_lazy_per_row_results_equal_the_in_memory_ones(client: object) -> None:
    data = make_data(seed=16)
    ddf = dd.from_pandas(data, npartitions=4)
    memory = logitfit.fit(FORMULA, data)
    lazy = logitfit.fit(FORMULA, ddf)
    fitted = lazy.predict()
    assert isinstance(fitted, dd.Series)
    assert_allclose(fitted.compute().sort_index(), memory.predict(), rtol=RTOL)
    link = lazy.predict(kind="link", std_errors=True).compute().sort_index()
    expected = memory.predict(kind="link", std_errors=True)
    assert_allclose(link.to_numpy(), expected.to_numpy(), rtol=RTOL)
    new = lazy.predict(ddf.head(50, compute=False)).compute()
    assert_allclose(new, memory.predict(data.head(50)), rtol=RTOL)
    interval = lazy.predict_interval().compute().sort_index()
    assert_allclose(interval.to_numpy(), memory.predict_interval().to_numpy(), rtol=RTOL)
    influence = logitfit.dask.influence(lazy).compute().sort_index()
    assert_allclose(influence.to_numpy(), logitfit.influence(memory).to_numpy(), rtol=RTOL)
    residuals = logitfit.dask.residuals(lazy).compute().sort_index()
    assert list(residuals.columns) == [
        "fitted",
        "resid_response",
        "resid_pearson",
        "resid_deviance",
    ]
    assert_allclose(residuals.to_numpy(), logitfit.influence(memory)[residuals.columns], rtol=1e-9)


def test_robust_covariance(client: object) -> None:
    data = make_data(seed=17)
    ddf = dd.from_pandas(data, npartitions=4)
    for kind in ("HC0", "HC1"):
        memory = logitfit.fit(FORMULA, data, cov_type=kind)
        lazy = logitfit.fit(FORMULA, ddf, cov_type=kind)
        assert_allclose(lazy.std_errors, memory.std_errors, rtol=RTOL)

    # CR1: the clusters' score sums come from one pass; clusters span partitions here (sites
    # repeat every 37 rows) and one partition has a missing x2 dropped.
    data["site"] = np.arange(data.shape[0]) % 37
    data.loc[5, "x2"] = np.nan
    ddf = dd.from_pandas(data, npartitions=4)
    memory = logitfit.fit(FORMULA, data, cov_type="CR1", cluster="site", missing="drop")
    lazy = logitfit.fit(FORMULA, ddf, cov_type="CR1", cluster="site", missing="drop")
    assert lazy.covariance.n_clusters == memory.covariance.n_clusters == 37
    assert_allclose(lazy.cov, memory.cov, rtol=RTOL)
    assert_allclose(lazy.std_errors, memory.std_errors, rtol=RTOL)
    assert "37 clusters" in lazy.summary()
    # ... and afterwards, from a column the fit kept (four groups: a warning, as in memory)
    with pytest.warns(logitfit.FewClustersWarning):
        by_group = lazy.with_covariance("CR1", "group")
    with pytest.warns(logitfit.FewClustersWarning):
        expected = memory.with_covariance("CR1", "group")
    assert_allclose(by_group.cov, expected.cov, rtol=RTOL)
    with pytest.raises(DataError, match="not among the columns kept"):
        lazy.with_covariance("CR1", "w")
    with pytest.raises(DataError, match="a column of the Dask DataFrame"):
        logitfit.fit(FORMULA, ddf, cov_type="CR1", cluster=data["site"].to_numpy())
    with pytest.raises(DataError, match="cluster= is only used with cov_type='CR1'"):
        logitfit.fit(FORMULA, ddf, cov_type="HC0", cluster="site", missing="drop")
    with pytest.raises(FormulaError, match="The cluster column 'nowhere' is not in the data"):
        logitfit.fit(FORMULA, ddf, cov_type="CR1", cluster="nowhere", missing="drop")
    # A dropped row in a partition whose labels repeat cannot be matched to its cluster.
    repeated = dd.from_pandas(data.reset_index(drop=True).set_index(np.zeros(len(data), int)), 4)
    with pytest.raises(DataError, match="row labels repeat.*reset_index"):
        logitfit.fit(FORMULA, repeated, cov_type="CR1", cluster="site", missing="drop")
    data.loc[7, "site"] = np.nan
    with pytest.raises(DataError, match="cluster has 1 missing labels"):
        logitfit.fit(
            FORMULA, dd.from_pandas(data, npartitions=4), cov_type="CR1", cluster="site",
            missing="drop",
        )  # fmt: skip


def test_sums_over_rows_scale_and_row_hungry_tools_say_they_cannot() -> None:
    data = make_data(seed=18)
    lazy = logitfit.fit(FORMULA, dd.from_pandas(data, npartitions=3), weights="w")
    memory = logitfit.fit(FORMULA, data, weights="w")
    assert_allclose(
        logitfit.wald_tests_by_term(lazy).table["wald_stat"],
        logitfit.wald_tests_by_term(memory).table["wald_stat"],
        rtol=RTOL,
    )
    # Average marginal effects, pseudo-R2 (with Tjur's) and the Brier score are sums over rows:
    # one pass each.
    assert_allclose(
        logitfit.marginal_effects(lazy).to_frame().to_numpy(),
        logitfit.marginal_effects(memory).to_frame().to_numpy(),
        rtol=RTOL,
    )
    assert_allclose(
        logitfit.pseudo_r2(lazy).to_frame(), logitfit.pseudo_r2(memory).to_frame(), rtol=RTOL
    )
    assert_allclose(logitfit.brier_score(lazy), logitfit.brier_score(memory), rtol=RTOL)
    for tool, name in (
        (logitfit.hosmer_lemeshow, "Hosmer-Lemeshow"),
        (logitfit.crosscheck, "statsmodels cross-check"),
        (logitfit.covariate_patterns, "covariate-pattern"),
        (logitfit.auc, "ROC curve"),
        (logitfit.profile_conf_int, "profile-likelihood"),
        (logitfit.lr_tests_by_term, "likelihood-ratio test of each term"),
        (logitfit.influence, "logitfit.dask.influence"),
    ):
        with pytest.raises(ScaleError, match=re.escape(name)):
            tool(lazy)  # type: ignore[operator]
    with pytest.raises(ScaleError, match="firth"):
        logitfit.fit(FORMULA, dd.from_pandas(data, npartitions=3), method="firth")


def _both_errors(kind: type[Exception], formula: str, data: pd.DataFrame, **kwargs: object) -> None:
    """The in-memory fit and the Dask fit raise the same error with the same message."""
    with pytest.raises(kind) as memory:
        logitfit.fit(formula, data, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(kind) as lazy:
        logitfit.fit(formula, dd.from_pandas(data, npartitions=4), **kwargs)  # type: ignore[arg-type]
    # The in-memory message, without the count of complete rows (a partition does not know it),
    # followed by the partition where the problem was found.
    expected = re.sub(r"the \d+ complete rows", "complete rows", str(memory.value))
    assert re.fullmatch(
        re.escape(expected) + r"( \(In partition \d of the Dask data\.\))?", str(lazy.value)
    ), str(lazy.value)


def test_bad_input_in_one_partition_gives_the_in_memory_errors(client: object) -> None:
    data = make_data(seed=19)
    bad = data.copy()
    bad.loc[4600, "y"] = 2  # a non-binary outcome in the fourth partition only
    _both_errors(OutcomeError, FORMULA, bad)
    with pytest.raises(OutcomeError, match=r"\(In partition 3 of the Dask data\.\)$"):
        logitfit.fit(FORMULA, dd.from_pandas(bad, npartitions=4))
    holes = data.copy()
    holes.loc[[3100, 3107], "x1"] = np.nan  # NaN in one partition
    _both_errors(MissingValueError, FORMULA, holes)
    _both_errors(FormulaError, "y ~ x1 + x3", data)  # a missing column
    three = data.assign(label=np.where(data.index == 5000, "maybe", data.label))
    _both_errors(OutcomeError, "label ~ x1", three)
    _both_errors(OutcomeError, "label ~ x1", data, event="perhaps")
    aliased = data.assign(x3=2 * data.x1 - data.x2)
    _both_errors(RankDeficiencyError, "y ~ x1 + x2 + x3", aliased)
    with pytest.raises(FormulaError, match="learns its parameters"):
        logitfit.fit("y ~ center(x1)", dd.from_pandas(data, npartitions=2))


def test_separation_is_found_as_in_memory() -> None:
    data = make_data(n_rows=3000, seed=20)
    data["above"] = (data.x1 > 0.2).astype(int)  # complete separation along x1
    data["z"] = (data.x2 > 0).astype(int)
    data.loc[data.z == 1, "y"] = 1  # quasi-complete: y == 0 predicts z == 0 perfectly
    for formula, column in (("above ~ x1 + x2", "x1"), ("z ~ x1 + y", "'y'")):
        found = []
        for frame in (data, dd.from_pandas(data, npartitions=3)):
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                result = logitfit.fit(formula, frame)
            messages = [str(w.message) for w in caught if w.category is SeparationWarning]
            assert len(messages) == 1 and column in messages[0]
            assert result.separation is not None
            found.append(result.separation)
        memory, lazy = found
        assert lazy.kind == memory.kind
        assert lazy.directions == memory.directions
        assert lazy.rows_count == memory.rows_count
        assert lazy.describe() == memory.describe()


def test_progress_bar_is_off_by_default_and_on_when_asked(
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = make_data(n_rows=2000, seed=21)
    logitfit.fit(FORMULA, dd.from_pandas(data, npartitions=2))
    quiet = capsys.readouterr()
    assert quiet.out == "" and quiet.err == ""
    logitfit.fit(FORMULA, dd.from_pandas(data, npartitions=2), progress=True)
    shown = capsys.readouterr()
    assert "Completed" in shown.err and shown.out == ""


def test_command_line_dask_flag_reads_csv_lazily(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = make_data(n_rows=3000, seed=22)
    path = tmp_path / "data.csv"
    data.to_csv(path, index=False)
    status = main(["fit", str(path), "-f", "y ~ x1 + x2", "--dask", "--json", "-"])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    assert "Completed" in captured.err  # the local scheduler's progress bar
    memory = logitfit.fit("y ~ x1 + x2", data)
    assert_allclose(json.loads(captured.out)["statistics"]["deviance"], memory.deviance, rtol=RTOL)
    assert main(["fit", str(tmp_path / "nothing*.parquet"), "-f", "y ~ x1"]) == 2
    assert "No data file or folder matches" in capsys.readouterr().err


def test_gradient_descent_runs_one_pass_per_step() -> None:
    data = make_data(n_rows=2000, seed=23)
    ddf = dd.from_pandas(data, npartitions=2)
    newton = logitfit.fit("y ~ x1 + x2", data)
    descent = logitfit.fit("y ~ x1 + x2", ddf, method="gradient_descent", max_iter=5000)
    assert descent.solver.method == "gradient_descent" and descent.converged
    # Gradient descent stops on its own, looser tolerance (see logitfit.solvers).
    assert_allclose(descent.coef, newton.coef, rtol=1e-5)
    assert_allclose(descent.std_errors, newton.std_errors, rtol=1e-5)


def test_arrow_dtypes_and_categories_that_differ_between_files(tmp_path: Path) -> None:
    data = make_data(n_rows=4000, seed=24)
    data["flag"] = data.x2 > 0.5
    data["won"] = data.y == 1  # a boolean outcome
    data["group"] = data["group"].astype("category")
    for k in range(4):
        part = data.iloc[k * 1000 : (k + 1) * 1000].copy()
        if k == 0:  # the first file lacks a level and so its categories differ
            part = part[part.group != "west"]
        part["group"] = part["group"].cat.remove_unused_categories()
        part.to_parquet(tmp_path / f"part-{k}.parquet")
    files = str(tmp_path / "*.parquet")
    paths = sorted(tmp_path.glob("*.parquet"))
    together = pd.concat([pd.read_parquet(p) for p in paths])
    formula = "won ~ x1 + flag + group"
    memory = logitfit.fit(formula, together)
    assert memory.design.event == "won is True"
    for backend in ("numpy_nullable", "pyarrow"):
        lazy = logitfit.fit(formula, dd.read_parquet(files, dtype_backend=backend))
        assert_same_fit(lazy, memory)
    assert_same_fit(logitfit.fit(formula, dd.read_parquet(files)), memory)
    # In memory too, Arrow-backed columns are read as formulaic expects.
    arrow = pd.concat([pd.read_parquet(p, dtype_backend="pyarrow") for p in paths])
    assert_same_fit(logitfit.fit(formula, arrow), memory)


def test_bad_dask_arguments_get_clear_errors() -> None:
    data = make_data(n_rows=1000, seed=25)
    ddf = dd.from_pandas(data, npartitions=2)
    with pytest.raises(DataError, match="give weights= as the name of a column"):
        logitfit.fit("y ~ x1", ddf, weights=data.w.to_numpy())
    X = da.from_array(data[["x1", "x2"]].to_numpy(), chunks=(500, 2))
    y = da.from_array(data.y.to_numpy(), chunks=500)
    with pytest.raises(DataError, match="names has 1 entries but X has 2 columns"):
        logitfit.fit_arrays(X, y, names=["a"])
    with pytest.raises(DataError, match=r"y must be one value per row of X \(1000\)"):
        logitfit.fit_arrays(X, y[:900])
    with pytest.raises(DataError, match="X must be two-dimensional"):
        logitfit.fit_arrays(da.zeros((10, 2, 2)), y[:10])
    with pytest.raises(DataError, match="no rows"):
        logitfit.fit("y ~ x1", ddf[ddf.x1 > 100])


def test_persisted_partitions_are_read_once_and_give_the_same_fit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from logitfit.backends.dask import design as dask_design

    built: list[int] = []
    original = dask_design.formula_design

    def counting(*args: object, **kwargs: object) -> object:
        built.append(1)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(dask_design, "formula_design", counting)
    data = make_data(seed=23)
    ddf = dd.from_pandas(data, npartitions=4)
    memory = logitfit.fit(FORMULA, data, weights="w")
    read_each_pass = logitfit.fit(FORMULA, ddf, weights="w")
    per_pass, built[:] = len(built), []
    persisted = logitfit.fit(FORMULA, ddf, weights="w", persist=True)
    assert_same_fit(persisted, memory)
    assert_allclose(persisted.coef, read_each_pass.coef, rtol=1e-15)
    # Each partition's design is built once (one slice each here), against once per pass.
    assert len(built) == 4 < per_pass
    # The result reads its source again, as a fit without persist does.
    assert [part.key for part in persisted.design.parts] == [
        part.key for part in read_each_pass.design.parts
    ]
    assert not isinstance(persisted.design.build, dask_design.BuiltParts)
    assert_allclose(persisted.predict().compute().sort_index(), memory.predict(), rtol=RTOL)


def test_persist_on_a_cluster(client: object) -> None:
    data = make_data(seed=29)
    lazy = logitfit.fit_arrays(
        da.from_array(data[["x1", "x2"]].to_numpy(), chunks=(1500, 2)),
        da.from_array(data["y"].to_numpy(), chunks=1500),
        persist=True,
    )
    assert_same_fit(lazy, logitfit.fit_arrays(data[["x1", "x2"]], data["y"]))


def test_persist_is_refused_for_data_in_memory() -> None:
    data = make_data(seed=31)
    with pytest.raises(DataError, match="persist=True applies to Dask data"):
        logitfit.fit("y ~ x1", data, persist=True)
    with pytest.raises(DataError, match="persist must be True or False"):
        logitfit.fit("y ~ x1", dd.from_pandas(data, npartitions=2), persist="yes")  # type: ignore[arg-type]
