"""The command line signs in (issue 13 items 2, 6): environment, refusal, demo users, actor."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

from tests.cli.test_cli import run

DEMO_PASSWORD = "demo clinic walk 2026"


def _quiet(**env: str) -> dict[str, str]:
    """No sign-in variables unless given (the suite sets them for every other test)."""
    return {"REHAB_TRACKER_USER": "", "REHAB_TRACKER_PASSWORD": "", **env}


def test_without_a_terminal_or_the_variables_a_command_refuses_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "clinic.db"
    assert run("db", "upgrade", "--db", str(path), home=tmp_path).returncode == 0
    for args in (["patients"], ["export-reports", "--out", str(tmp_path / "out")]):
        result = subprocess.run(
            [*_python(), *args, "--db", str(path)],
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=120,
            env=_env(tmp_path, _quiet()),
        )
        assert result.returncode == 2, (args, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "REHAB_TRACKER_USER" in lines[0], lines
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM users").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM patients").fetchone() == (0,)


def _python() -> list[str]:
    import sys

    return [sys.executable, "-m", "rehab_tracker"]


def _env(home: Path, extra: dict[str, str]) -> dict[str, str]:
    import os

    from rehab_tracker.data import locations

    env = {**os.environ, locations.HOME_ENV: str(home), "QT_QPA_PLATFORM": "offscreen", **extra}
    env.pop(locations.DB_ENV, None)
    return env


def test_demo_makes_one_user_per_role_and_each_signs_in_with_its_role(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    made = run("demo", "--db", str(path), "--password", DEMO_PASSWORD, home=tmp_path, env=_quiet())
    assert made.returncode == 0, made.stderr
    assert "Demo users: admin, physio, assistant, readonly" in made.stdout
    assert DEMO_PASSWORD not in made.stdout  # given, so not printed
    for user in ("admin", "physio", "assistant", "readonly"):
        listed = run(
            "patients",
            "--db",
            str(path),
            home=tmp_path,
            env=_quiet(REHAB_TRACKER_USER=user, REHAB_TRACKER_PASSWORD=DEMO_PASSWORD),
        )
        assert listed.returncode == 0, (user, listed.stderr)
        assert len(listed.stdout.splitlines()) == 9
    refused = run(
        "db",
        "backup",
        "--db",
        str(path),
        home=tmp_path,
        env=_quiet(REHAB_TRACKER_USER="assistant", REHAB_TRACKER_PASSWORD=DEMO_PASSWORD),
    )
    assert refused.returncode == 2
    assert refused.stderr.strip() == (
        "rehab-tracker: error: An assistant cannot back up or restore the database. "
        "Ask an administrator."
    )
    wrong = run(
        "patients",
        "--db",
        str(path),
        home=tmp_path,
        env=_quiet(REHAB_TRACKER_USER="physio", REHAB_TRACKER_PASSWORD="not it at all"),
    )
    assert wrong.returncode == 2 and "not right" in wrong.stderr
    with sqlite3.connect(path) as conn:
        roles = dict(conn.execute("SELECT username, role FROM users"))
        actors = {
            row[0]
            for row in conn.execute(
                "SELECT DISTINCT actor FROM audit_log WHERE entity = 'patients'"
            )
        }
        os_users = {
            row[0]
            for row in conn.execute(
                "SELECT DISTINCT os_user FROM audit_log WHERE entity = 'patients'"
            )
        }
        failed = conn.execute("SELECT failed_sign_ins FROM users WHERE username = 'physio'")
        # `patients` opens the file read-only: the failure is not counted there (the answer is
        # delayed instead); a command that writes counts it
        assert failed.fetchone() == (0,)
    assert roles == {
        "admin": "administrator",
        "physio": "physiotherapist",
        "assistant": "assistant",
        "readonly": "read_only",
    }
    assert actors == {"admin"}  # the demo was written by the signed-in administrator
    assert None not in os_users and len(os_users) == 1  # the OS account, beside it


def test_demo_without_a_password_generates_one_and_prints_it_once(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    made = run("demo", "--db", str(path), home=tmp_path, env=_quiet())
    assert made.returncode == 0, made.stderr
    (line,) = [x for x in made.stdout.splitlines() if x.startswith("Their password")]
    password = line.rsplit(": ", 1)[1]
    assert len(password) >= 12
    listed = run(
        "patients",
        "--db",
        str(path),
        home=tmp_path,
        env=_quiet(REHAB_TRACKER_USER="readonly", REHAB_TRACKER_PASSWORD=password),
    )
    assert listed.returncode == 0, listed.stderr
