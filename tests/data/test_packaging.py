"""The built wheel carries the migrations and resources, and an installed copy uses them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from rehab_tracker.data import migrate

REPO = Path(__file__).resolve().parents[2]

_USE_INSTALLED = """
import json, sys
from pathlib import Path
import rehab_tracker
from rehab_tracker.data import locations, migrate
from rehab_tracker.data.database import open_database, table_names

db = open_database(Path(sys.argv[1]))
print(json.dumps({
    "package": rehab_tracker.__file__,
    "migrations": str(locations.migrations_dir()),
    "resources": str(locations.resources_dir()),
    "head": migrate.head_revision(),
    "tables": table_names(db),
}))
db.close()
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("hatchling", reason="the build backend (hatchling, test extra) is needed")
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--no-index", "-q", "-w", str(out), str(REPO)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    (built,) = out.glob("rehab_tracker-*.whl")
    return built


@pytest.mark.slow
def test_wheel_contains_migrations_and_resources(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "rehab_tracker/_migrations/env.py",
        "rehab_tracker/_migrations/script.py.mako",
        "rehab_tracker/_migrations/versions/0001_initial_schema.py",
        "rehab_tracker/_resources/exercises.json",
        "rehab_tracker/data/locations.py",
    ):
        assert needed in names, needed
    assert not any(name.startswith("tests/") for name in names)


@pytest.mark.slow
def test_installed_package_finds_its_migrations(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "-q",
         "--target", str(target), str(wheel)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    database = tmp_path / "clinic" / "installed.db"
    database.parent.mkdir()
    # the installed copy comes first on the path; the venv still supplies the dependencies
    env = {**os.environ, "PYTHONPATH": str(target)}
    run = subprocess.run(
        [sys.executable, "-c", _USE_INSTALLED, str(database)],
        capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert Path(report["package"]).is_relative_to(target)
    assert Path(report["migrations"]) == target / "rehab_tracker" / "_migrations"
    assert Path(report["resources"]) == target / "rehab_tracker" / "_resources"
    assert report["head"] == migrate.head_revision()  # the same scripts as the checkout
    assert {"patients", "audit_log", "alembic_version"} <= set(report["tables"])
    assert database.is_file()
