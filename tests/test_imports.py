"""What `import logitfit` loads, and what it reaches lazily."""

from __future__ import annotations

import ast
import graphlib
import subprocess
import sys
from pathlib import Path


def test_import_is_light_and_reaches_every_public_part() -> None:
    code = (
        "import sys, logitfit\n"
        # The report stack, the table and DataFrame libraries load only when used (pandas
        # itself loads pyarrow when it is installed).
        "optional = ('statsmodels', 'matplotlib', 'nbclient', 'dask', 'typst', 'pypandoc',\n"
        "            'papermill', 'great_tables', 'sklearn', 'polars', 'numba')\n"
        "heavy = [m for m in optional if m in sys.modules]\n"
        "assert heavy == [], heavy\n"
        "assert logitfit.plots.plot_roc and logitfit.reporting.render_report\n"
        "assert 'matplotlib' in sys.modules and 'nbclient' in sys.modules\n"
        "assert callable(logitfit.render_report) and logitfit.dask.is_dask_collection\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


SOURCE = Path(__file__).resolve().parents[1] / "src" / "logitfit"


def _module_name(path: Path) -> str:
    parts = path.relative_to(SOURCE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_nodes(tree: ast.AST) -> set[ast.AST]:
    """Import nodes inside ``if TYPE_CHECKING:`` blocks (annotations only, never run)."""
    skipped: set[ast.AST] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            skipped.update(ast.walk(node))
    return skipped


def import_graph(annotations: bool = False) -> dict[str, set[str]]:
    """Every module's imports of other logitfit modules, function-local ones included.

    With ``annotations``, imports under ``TYPE_CHECKING`` count too.
    """
    files = {_module_name(path): path for path in SOURCE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        tree = ast.parse(path.read_text())
        skipped = set() if annotations else _type_checking_nodes(tree)
        targets: set[str] = set()
        for node in ast.walk(tree):
            if node in skipped:
                continue
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets.add(node.module)
                targets.update(f"{node.module}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
        # A module's own packages are loaded before it anyway: not an edge of the flow.
        graph[name] = {
            t for t in targets if t in files and t != name and not name.startswith(t + ".")
        }
    return graph


def test_no_import_cycles() -> None:
    list(graphlib.TopologicalSorter(import_graph()).static_order())  # CycleError names it


def test_only_the_dispatch_module_imports_the_dask_backend() -> None:
    # Annotations included: the core types its data as design.source.RowSource, never as the
    # backend's DaskDesign.
    offenders = sorted(
        (module, target)
        for module, targets in import_graph(annotations=True).items()
        for target in targets
        if target.startswith("logitfit.backends.dask")
        and not module.startswith("logitfit.backends.dask")
        # the dispatch point, and logitfit.dask: the backend's public face, which loads it lazily
        and module not in ("logitfit.backends.dispatch", "logitfit.dask")
    )
    assert offenders == []


def test_subpackages_import_nothing_on_their_own() -> None:
    # A package's __init__ runs before any of its modules: if it imported them, a module could
    # load its neighbours (and cycles) that the import graph above does not show.
    for init in SOURCE.glob("*/**/__init__.py"):
        if init.parent.name in {"solvers", "reporting"}:
            continue  # public packages whose __init__ is their interface
        tree = ast.parse(init.read_text())
        imports = [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)]
        assert imports == [], init
