"""What `import logitfit` loads, and what it reaches lazily."""

from __future__ import annotations

import subprocess
import sys


def test_import_is_light_and_reaches_every_public_part() -> None:
    code = (
        "import sys, logitfit\n"
        "optional = ('statsmodels', 'matplotlib', 'nbclient', 'dask')\n"
        "heavy = [m for m in optional if m in sys.modules]\n"
        "assert heavy == [], heavy\n"
        "assert logitfit.plots.plot_roc and logitfit.reporting.render_report\n"
        "assert 'matplotlib' in sys.modules and 'nbclient' in sys.modules\n"
        "assert callable(logitfit.render_report) and logitfit.dask.is_dask_collection\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
