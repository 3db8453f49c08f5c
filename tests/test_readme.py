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
