"""The README's Python tour runs as written (from the repository root)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_readme_fitting_example_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = re.search(r"```python\n(.*?)```", text, re.DOTALL)
    assert first_block is not None
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {}
    exec(compile(first_block.group(1), "README.md", "exec"), namespace)  # noqa: S102
    assert namespace["result"].converged  # type: ignore[attr-defined]


def test_readme_dask_example_runs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The 'Larger than memory' block, on Parquet files with the columns it names."""
    pytest.importorskip("dask.dataframe")
    import numpy as np
    import pandas as pd
    from scipy.special import expit

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```python\n(.*?)```", text, re.DOTALL) if "dask" in b)
    rng = np.random.default_rng(1)
    (tmp_path / "data").mkdir()
    for k in range(3):
        frame = pd.DataFrame(
            {
                "x1": rng.normal(size=500),
                "x2": rng.normal(size=500),
                "region": rng.choice(["north", "south", "east"], size=500),
            }
        )
        frame["y"] = (rng.random(500) < expit(frame.x1 - frame.x2)).astype(int)
        frame.to_parquet(tmp_path / "data" / f"part-{k}.parquet")
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102
    assert namespace["result"].converged  # type: ignore[attr-defined]
    assert len(namespace["rows"].compute()) == 1500  # type: ignore[attr-defined]
