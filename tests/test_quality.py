"""Static checks run with the tests, so the README's one test command covers them too."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_ruff_finds_nothing() -> None:
    result = _run(sys.executable, "-m", "ruff", "check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mypy_strict_on_the_whole_package() -> None:
    # strict for every module of rehab_tracker (pyproject.toml [tool.mypy])
    result = _run(sys.executable, "-m", "mypy", "--no-incremental")
    assert result.returncode == 0, result.stdout + result.stderr


def test_import_layers_hold() -> None:
    result = _run(str(BIN / "lint-imports"), "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr


def test_domain_imports_nothing_heavy() -> None:
    """Importing the whole domain package pulls in neither Qt, SQLAlchemy nor matplotlib."""
    code = (
        "import sys, pkgutil, importlib, rehab_tracker.domain as d\n"
        "for m in pkgutil.iter_modules(d.__path__):\n"
        "    importlib.import_module(f'{d.__name__}.{m.name}')\n"
        "bad = [n for n in ('PySide6', 'sqlalchemy', 'matplotlib') if n in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    result = _run(sys.executable, "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def _git(*args: str) -> list[str]:
    result = _run("git", *args)
    if result.returncode != 0:
        pytest.skip(f"not a git checkout: {result.stderr.strip()}")
    return [line for line in result.stdout.split("\0") if line]


def test_no_database_is_committed() -> None:
    """A fuzzed ``--db`` of 150 x's once made a database in the checkout's root, and a merge
    committed it (with its -wal and -shm files). A test that leaves a file in the checkout's
    root fails the run (tests/conftest.py, ``pytest_sessionfinish``)."""
    committed = [
        name
        for name in _git("ls-files", "-z")
        if (ROOT / name).is_file() and (ROOT / name).read_bytes()[:16] == b"SQLite format 3\x00"
    ]
    assert committed == []
