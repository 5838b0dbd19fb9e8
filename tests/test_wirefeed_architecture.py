"""The architecture holds: packaging, import names, dependency directions, house style."""

from __future__ import annotations

import ast
import importlib.metadata
import json
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
OURS = ("wirefeed", "config", "store", "ingest", "publish")


def test_no_other_distribution_claims_our_import_names() -> None:
    claimed = importlib.metadata.packages_distributions()
    for name in OURS:
        others = set(claimed.get(name, [])) - {"wirefeed"}
        assert not others, f"{name!r} is also provided by {sorted(others)}"


def _modules(package: str) -> list[str]:
    path = ROOT / package
    return [f"{package}.{m.name}" for m in pkgutil.iter_modules([str(path)])]


def _loaded_after_import(module: str) -> set[str]:
    code = (
        f"import importlib, json, sys; importlib.import_module({module!r}); "
        "print(json.dumps(sorted(sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return set(json.loads(out.stdout))


def _top(names: set[str]) -> set[str]:
    return {n.split(".")[0] for n in names}


# Which modules each package's modules may pull in (DESIGN.md section 3).
FORBIDDEN = {
    "config": {"store", "ingest", "publish", "wirefeed", "httpx", "bs4", "feedparser", "click"},
    "store": {"ingest", "publish", "wirefeed", "httpx", "bs4", "feedparser", "click"},
    "ingest": {"publish", "wirefeed", "apscheduler"},  # (httpx itself may load click)
    "publish": {"ingest", "wirefeed", "click", "apscheduler", "httpx", "feedparser"},
}
MAY_USE_STORE = {"ingest.pipeline", "ingest.pipeline_store", "publish.run"}


@pytest.mark.parametrize(
    "module", [m for p in ("config", "store", "ingest", "publish") for m in _modules(p)]
)
def test_dependency_directions(module: str) -> None:
    loaded = _loaded_after_import(module)
    package = module.split(".")[0]
    bad = _top(loaded) & FORBIDDEN[package]
    assert not bad, f"{module} imports {sorted(bad)}"
    if package in ("ingest", "publish") and module not in MAY_USE_STORE:
        store_modules = {n for n in loaded if n.startswith("store.")} - {"store.types"}
        assert not store_modules, f"{module} reaches into the store: {sorted(store_modules)}"


def test_only_wirefeed_imports_the_cli_framework_and_the_scheduler() -> None:
    for package in ("config", "store", "ingest", "publish"):
        for path in (ROOT / package).glob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                for name in names:
                    assert name.split(".")[0] not in ("click", "apscheduler"), f"{path}: {name}"


def test_every_module_has_a_docstring_and_stays_small() -> None:
    too_long = []
    for package in OURS:
        for path in (ROOT / package).glob("*.py"):
            text = path.read_text(encoding="utf-8")
            assert text.lstrip().startswith('"""'), f"{path} has no module docstring"
            if text.count("\n") > 450:
                too_long.append(f"{path.name}: {text.count(chr(10))} lines")
    assert not too_long, too_long


@pytest.mark.skipif(
    shutil.which("ruff") is None and not (ROOT / ".venv/bin/ruff").exists(),
    reason="ruff not installed",
)
def test_ruff_is_clean() -> None:
    ruff = shutil.which("ruff") or str(ROOT / ".venv/bin/ruff")
    result = subprocess.run(
        [ruff, "check", *OURS, "tests", "bench"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
