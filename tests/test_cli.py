"""The command line: summaries, JSON, the cross-check, and one-line errors."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from numpy.testing import assert_allclose

import logitfit
from logitfit.cli import main
from tests.conftest import DATA, PENGUIN_FORMULA

SPECTOR = str(DATA / "spector.csv")
PENGUINS = str(DATA / "penguins.csv")


def test_fit_prints_the_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fit", PENGUINS, "--formula", PENGUIN_FORMULA, "--drop-missing"]) == 0
    out = capsys.readouterr().out
    assert "sex == 'male' (vs 'female')" in out and "rows dropped for missing values: 11" in out


def test_fit_writes_json_and_refuses_to_overwrite(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "fit.json"
    assert main(["fit", SPECTOR, "-f", "GRADE ~ GPA + TUCE + PSI", "--json", str(target)]) == 0
    payload = json.loads(target.read_text())
    import pandas as pd

    expected = logitfit.fit("GRADE ~ GPA + TUCE + PSI", pd.read_csv(SPECTOR))
    assert_allclose([c["coef"] for c in payload["coefficients"]], expected.coef, rtol=1e-15)
    assert_allclose(payload["statistics"]["deviance"], expected.deviance, rtol=1e-15)
    capsys.readouterr()
    assert main(["fit", SPECTOR, "-f", "GRADE ~ GPA", "--json", str(target)]) == 2
    assert "exists; pass --overwrite" in capsys.readouterr().err
    assert json.loads(target.read_text())["model"]["terms"] == ["Intercept", "GPA", "TUCE", "PSI"]
    assert main(["fit", SPECTOR, "-f", "GRADE ~ GPA", "--json", str(target), "--overwrite"]) == 0
    assert json.loads(target.read_text())["model"]["terms"] == ["Intercept", "GPA"]


def test_json_to_standard_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fit", SPECTOR, "-f", "GRADE ~ GPA", "--json", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["model"]["formula"] == "GRADE ~ GPA"


def test_check_prints_the_crosscheck(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", SPECTOR, "-f", "GRADE ~ GPA + TUCE + PSI"]) == 0
    out = capsys.readouterr().out
    assert "statsmodels Logit" in out and "all within tolerance" in out


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["fit", "no-such.csv", "-f", "y ~ x"], "No such data file: no-such.csv"),
        (["fit", PENGUINS, "-f", PENGUIN_FORMULA], "Missing or infinite values"),
        (["fit", SPECTOR, "-f", "GRADE ~ GAP"], "did you mean 'GPA'"),
        (["check", SPECTOR, "-f", "TUCE ~ GPA"], "must be 0/1"),
    ],
)
def test_errors_are_one_line_with_status_2(
    arguments: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(arguments) == 2
    err = capsys.readouterr().err
    assert err.startswith("logitfit: error: ") and message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_console_script_runs_without_a_traceback() -> None:
    executable = shutil.which("logitfit")
    command = [executable] if executable else [sys.executable, "-m", "logitfit"]
    done = subprocess.run(
        [*command, "fit", SPECTOR, "-f", "GRADE ~ NOPE"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("logitfit: error:") and "Traceback" not in done.stderr
    done = subprocess.run(
        [*command, "fit", SPECTOR, "-f", "GRADE ~ GPA + PSI"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "Logistic regression" in done.stdout


def test_parquet_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("pyarrow")
    import pandas as pd

    target = tmp_path / "spector.parquet"
    pd.read_csv(SPECTOR).to_parquet(target)
    assert main(["fit", str(target), "-f", "GRADE ~ GPA + TUCE + PSI"]) == 0
    assert "-13.0213" in capsys.readouterr().out


def test_parquet_without_pyarrow_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import pandas as pd

    def missing(*args: object, **kwargs: object) -> None:
        raise ImportError("pyarrow")

    target = tmp_path / "data.parquet"
    target.write_bytes(b"PAR1")
    monkeypatch.setattr(pd, "read_parquet", missing)
    assert main(["fit", str(target), "-f", "y ~ x"]) == 2
    assert "Reading Parquet needs pyarrow" in capsys.readouterr().err


def test_cli_messages_speak_cli_and_fit_on_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A formula error: one line, no colour codes; an existing output: --overwrite, not a keyword.
    assert main(["fit", PENGUINS, "--formula", "sex ~ bill_length_mm +", "--drop-missing"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "\x1b" not in error and "(at '+')" in error
    assert main(["fit", PENGUINS, "--formula", PENGUIN_FORMULA]) == 2
    error = capsys.readouterr().err
    assert "--drop-missing" in error and "missing=" not in error
    (tmp_path / "diagnostics-penguins.pdf").write_text("mine")
    arguments = ["report", PENGUINS, "-f", PENGUIN_FORMULA, "--drop-missing", "--format", "pdf",
                 "--output-dir", str(tmp_path), "--engine", "builtin"]  # fmt: skip
    assert main(arguments) == 2
    error = capsys.readouterr().err
    assert "pass --overwrite to replace them" in error and "=True" not in error
    assert (tmp_path / "diagnostics-penguins.pdf").read_text() == "mine"
    # A bad cutoff is refused before any kernel starts, in one line.
    assert main([*arguments, "--cutoff", "1.5", "--overwrite"]) == 2
    assert "cutoff must lie between 0 and 1; got 1.5" in capsys.readouterr().err


def test_validate_command_prints_the_table_with_a_progress_bar(
    capsys: pytest.CaptureFixture[str],
) -> None:
    spector = str(DATA / "spector.csv")
    assert main(["validate", spector, "-f", "GRADE ~ GPA + TUCE + PSI", "--n-boot", "30",
                 "--seed", "3"]) == 0  # fmt: skip
    captured = capsys.readouterr()
    expected = logitfit.validate(
        logitfit.fit("GRADE ~ GPA + TUCE + PSI", logitfit.read_table(spector)), n_boot=30, seed=3
    )
    assert f"{expected.table.loc['Dxy', 'index_corrected']:.6f}" in captured.out
    assert "refits" in captured.err  # tqdm's bar, on standard error
    if expected.n_failed:
        assert "refits failed and are left out" in captured.out
