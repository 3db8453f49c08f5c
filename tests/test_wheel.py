"""``pip install logitfit`` from a built wheel: it imports, fits and renders outside a checkout."""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = """
import sys, logitfit
from logitfit.reporting import render_report
from logitfit.reporting.render import bundled_data
assert "site-packages" in logitfit.__file__, logitfit.__file__
result = logitfit.fit("GRADE ~ GPA + TUCE + PSI", logitfit.read_table(
    bundled_data().with_name("spector.csv")))
print(round(float(result.coef["GPA"]), 6))
written = render_report(formats=["html"], output_dir=sys.argv[1], engine="builtin", validate=0)
print(" ".join(p.name for p in written))
"""


def test_the_wheel_carries_the_reports_and_data(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation",
         "--quiet", "-w", str(wheels)],
        check=True,
    )  # fmt: skip
    (wheel,) = wheels.glob("logitfit-*.whl")
    # A fresh environment that borrows the dependencies already installed here (downloading
    # them again would test PyPI, not the wheel), with logitfit itself only from the wheel.
    environment = tmp_path / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=False).create(environment)
    python = environment / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
         "--quiet", str(wheel)],
        check=True,
    )  # fmt: skip
    out = tmp_path / "out"
    run = subprocess.run(
        [str(python), "-c", SCRIPT, str(out)], cwd=tmp_path, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr[-2000:]
    gpa, names = run.stdout.split("\n")[:2]
    assert gpa == "2.826113"  # Spector & Mazzeo's GPA coefficient (statsmodels' docs: 2.8261)
    assert names == "derivation.html diagnostics.html"
    assert (out / "diagnostics.html").stat().st_size > 100_000
