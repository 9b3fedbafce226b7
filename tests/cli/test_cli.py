"""End-to-end tests of the `rehab-tracker` command, run as a real process as a user would."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rehab_tracker.data import locations


def run(
    *args: str, home: Path, env: dict[str, str] | None = None, timeout: int = 120
) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        locations.HOME_ENV: str(home),
        "QT_QPA_PLATFORM": "offscreen",
        **(env or {}),
    }
    environment.pop(locations.DB_ENV, None)
    if env and locations.DB_ENV in env:
        environment[locations.DB_ENV] = env[locations.DB_ENV]
    return subprocess.run(
        [sys.executable, "-m", "rehab_tracker", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=timeout,
    )


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo clinic for the read-only tests of this module."""
    folder = tmp_path_factory.mktemp("demo")
    path = folder / "demo.db"
    result = run("demo", "--db", str(path), home=folder)
    assert result.returncode == 0, result.stderr
    return path


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["demo"],
        ["patients"],
        ["db"],
        ["db", "upgrade"],
        ["db", "current"],
        ["db", "check"],
        ["db", "backup"],
        ["report"],
        ["export-reports"],
        ["audit"],
        ["gui"],
    ],
)
def test_every_command_has_help(args: list[str], tmp_path: Path) -> None:
    result = run(*args, "--help", home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: rehab-tracker")


def test_version(tmp_path: Path) -> None:
    result = run("--version", home=tmp_path)
    assert result.returncode == 0
    assert result.stdout.strip().startswith("rehab-tracker 0.")


def test_demo_then_patients_lists_one_patient_a_line(demo_db: Path, tmp_path: Path) -> None:
    result = run("patients", "--db", str(demo_db), home=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) >= 6
    fields = [line.split("\t") for line in lines]
    assert all(len(f) == 4 for f in fields)
    assert all(f[0].startswith("RT-") for f in fields)
    weeks = {f[3] for f in fields}
    assert len(weeks) >= 6, "demo patients sit at different weeks of the program"
    assert any(f[2] == "conservative" for f in fields)


def test_patients_json_is_one_object_a_line(demo_db: Path, tmp_path: Path) -> None:
    result = run("--db", str(demo_db), "patients", "--json", home=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert {"record_number", "name", "surgery_date", "program_week"} <= set(rows[0])
    by_name = {r["name"]: r for r in rows}
    assert by_name["Dev Halvorsen"]["open_red_flag"] is True
    assert by_name["Samuel Adeyemi"]["surgery_date"] is None
    assert sorted(r["program_week"] for r in rows if r["program_week"] is not None) == [
        2, 3, 5, 6, 7, 9, 11,
    ]
    # the demo's week-13 patient has had her program completed: no program week any more
    assert by_name["Noor Fitzgerald"]["program_status"] == "completed"
    assert by_name["Noor Fitzgerald"]["program_week"] is None


def test_demo_refuses_a_clinic_that_has_patients(demo_db: Path, tmp_path: Path) -> None:
    before = run("patients", "--db", str(demo_db), home=tmp_path).stdout
    result = run("demo", "--db", str(demo_db), home=tmp_path)
    assert result.returncode == 2
    assert "already has patients" in result.stderr
    assert run("patients", "--db", str(demo_db), home=tmp_path).stdout == before


def test_default_database_lives_in_the_user_data_folder(tmp_path: Path) -> None:
    created = run("db", "upgrade", home=tmp_path)
    assert created.returncode == 0, created.stderr
    assert (tmp_path / "data" / "rehab-tracker.db").is_file()
    # a read-only command does not make the administrator; a writing one (a backup) does
    refused = run("patients", home=tmp_path)
    assert refused.returncode == 2 and "no users yet" in refused.stderr, refused.stderr
    assert run("db", "backup", home=tmp_path).returncode == 0
    result = run("patients", home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "No patients yet" in result.stderr


def test_environment_variable_names_the_database(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.db"
    result = run("db", "upgrade", home=tmp_path, env={locations.DB_ENV: str(target)})
    assert result.returncode == 0, result.stderr
    assert target.is_file()
    assert not (tmp_path / "data" / "rehab-tracker.db").exists()


def test_db_current_upgrade_check_backup(tmp_path: Path) -> None:
    path = tmp_path / "clinic.db"
    missing = run("db", "current", "--db", str(path), home=tmp_path)
    assert missing.returncode == 2
    assert f"there is no database at {path}" in missing.stderr
    assert not path.exists(), "looking must not create an empty file"

    upgraded = run("db", "upgrade", "--db", str(path), home=tmp_path)
    assert upgraded.returncode == 0, upgraded.stderr
    assert "upgraded" in upgraded.stdout
    again = run("db", "upgrade", "--db", str(path), home=tmp_path)
    assert "already at the latest revision" in again.stdout

    current = run("db", "current", "--db", str(path), home=tmp_path)
    assert "(up to date)" in current.stdout

    check = run("db", "check", "--db", str(path), home=tmp_path)
    assert check.returncode == 0, check.stdout
    assert "integrity check: ok" in check.stdout
    assert "schema matches the code" in check.stdout
    assert "audit trail: intact" in check.stdout

    backup = run("db", "backup", "--db", str(path), home=tmp_path)
    assert backup.returncode == 0, backup.stderr
    made = Path(backup.stdout.strip().removeprefix("backup written: "))
    assert made.is_file() and made.parent == tmp_path / "backups"


def test_db_check_reports_schema_drift(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "clinic.db"
    assert run("db", "upgrade", "--db", str(path), home=tmp_path).returncode == 0
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE stray (x INTEGER)")
    conn.commit()
    conn.close()
    check = run("db", "check", "--db", str(path), home=tmp_path)
    assert check.returncode == 1
    assert "remove table: stray" in check.stdout
    assert "PROBLEMS FOUND" in check.stdout


@pytest.mark.parametrize(
    "content",
    [b"this is a shopping list, not a database\n", os.urandom(4096)],
    ids=["text", "random"],
)
def test_corrupt_file_is_one_line_exit_2_and_untouched(content: bytes, tmp_path: Path) -> None:
    path = tmp_path / "clinic.db"
    path.write_bytes(content)
    before = digest(path)
    for args in (["patients"], ["db", "check"], ["db", "upgrade"], []):
        result = run(*args, "--db", str(path), home=tmp_path)
        assert result.returncode == 2, (args, result.stderr)
        assert "Traceback" not in result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, lines
        assert str(path) in lines[0]
        assert "no good backup found" in lines[0]
        assert digest(path) == before


def test_corrupt_file_names_the_latest_good_backup(tmp_path: Path) -> None:
    path = tmp_path / "clinic.db"
    assert run("db", "upgrade", "--db", str(path), home=tmp_path).returncode == 0
    backup = run("db", "backup", "--db", str(path), home=tmp_path)
    made = backup.stdout.strip().removeprefix("backup written: ")
    # damage the middle of the file, as a failing disk would
    data = bytearray(path.read_bytes())
    data[100:4096] = os.urandom(4096 - 100)
    path.write_bytes(bytes(data))
    for extra in ("-wal", "-shm"):
        Path(f"{path}{extra}").unlink(missing_ok=True)
    before = digest(path)
    result = run("patients", "--db", str(path), home=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"latest good backup: {made}" in result.stderr
    assert digest(path) == before


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    result = run("patients", "--db", str(tmp_path / "nowhere" / "x.db"), home=tmp_path)
    assert result.returncode == 2
    assert "does not exist" in result.stderr
    assert "Traceback" not in result.stderr


def test_unreachable_server_is_a_clear_error(tmp_path: Path) -> None:
    # port 9 (discard) on loopback: nothing listens there
    url = "postgresql+psycopg://postgres@127.0.0.1:9/none?connect_timeout=2"
    result = run("patients", "--db", url, home=tmp_path)
    assert result.returncode == 2
    assert "cannot open" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    assert run("db", "upgrade", "--db", pg_url, home=tmp_path).returncode == 0
    demo = run("demo", "--db", pg_url, home=tmp_path, timeout=300)
    assert demo.returncode == 0, demo.stderr
    listed = run("patients", "--json", "--db", pg_url, home=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert len(listed.stdout.splitlines()) == 9
    check = run("db", "check", "--db", pg_url, home=tmp_path)
    assert check.returncode == 0, check.stdout
    backup = run("db", "backup", "--db", pg_url, home=tmp_path)
    assert backup.returncode == 2
    assert "pg_dump" in backup.stderr
