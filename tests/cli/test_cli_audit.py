"""`rehab-tracker audit`, run as a real process: the trail one escaped line an entry, filtered
like the Audit Trail window, --csv as a recorded disclosure, bad arguments in one line."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from rehab_tracker.data import maintenance
from rehab_tracker.data.database import open_database
from rehab_tracker.data.models import Patient
from rehab_tracker.domain.roles import Role
from rehab_tracker.services import users
from tests.cli.test_cli import run
from tests.conftest import TEST_PASSWORD, TEST_USER
from tests.data.helpers import file_mode, make_patient


@pytest.fixture
def clinic(db_path: Path) -> Path:
    """Two patients by dr.kim (one named with a control character), one edited by nurse.lee."""
    db = open_database(db_path)
    try:
        # the first start: the administrator the command line signs in as (tests/conftest.py)
        users.create_first_administrator(
            db, users.UserForm(TEST_USER, "Admin", Role.ADMINISTRATOR, TEST_PASSWORD)
        )
        with db.unit_of_work("dr.kim") as s:
            s.add_all([make_patient("RT-00001", given_name="Ada\x1b[31m"),
                       make_patient("RT-00002", given_name="Bob", family_name="Stone")])
        with db.unit_of_work("nurse.lee") as s:
            bob = s.query(Patient).filter_by(record_number="RT-00002").one()
            bob.phone = "555-0199"
    finally:
        db.close()
    return db_path


def lines(text: str) -> list[list[str]]:
    return [line.split("\t") for line in text.splitlines()]


def test_audit_prints_one_escaped_line_an_entry_newest_first(
    clinic: Path, isolated_home: Path
) -> None:
    result = run("audit", "--db", str(clinic), home=isolated_home)
    assert result.returncode == 0, result.stderr
    rows = lines(result.stdout)
    assert len(rows) == 4 and all(len(r) == 9 for r in rows)
    assert [r[2] for r in rows] == ["nurse.lee", "dr.kim", "dr.kim", "admin"]
    assert [int(r[0]) for r in rows] == sorted((int(r[0]) for r in rows), reverse=True)
    newest = rows[0]
    assert newest[3:7] == ["Changed", "RT-00002", "Bob Stone", "Patient"]
    assert newest[8] == "Phone: (empty) -> 555-0199"
    # the name's escape character is shown, never sent to the terminal
    assert "\x1b" not in result.stdout
    assert "Ada\\x1b[31m Lovelace" in result.stdout


def test_audit_filters_by_patient_user_kind_and_dates(clinic: Path, isolated_home: Path) -> None:
    def rows(*args: str) -> list[list[str]]:
        result = run("audit", "--db", str(clinic), *args, home=isolated_home)
        assert result.returncode == 0, result.stderr
        return lines(result.stdout)

    assert {r[4] for r in rows("--patient", "RT-00002")} == {"RT-00002"}
    assert len(rows("--patient", "RT-00002")) == 2
    assert {r[2] for r in rows("--user", "dr.kim")} == {"dr.kim"}
    assert [r[3] for r in rows("--kind", "update")] == ["Changed"]
    assert len(rows("--from", "2000-01-01", "--to", "2999-12-31")) == 4
    assert rows("--to", "2000-01-01") == []
    assert len(rows("--limit", "1")) == 1


def test_audit_csv_writes_a_private_file_and_records_the_disclosure(
    clinic: Path, isolated_home: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out" / "trail.csv"
    result = run("audit", "--db", str(clinic), "--user", "dr.kim", "--csv", str(out),
                 home=isolated_home)
    assert result.returncode == 0, result.stderr
    assert "wrote 2 entries" in result.stdout
    assert file_mode(out) == 0o600
    with out.open(newline="", encoding="utf-8") as f:
        table = list(csv.reader(f))
    assert table[0][:4] == ["Entry", "When", "Who", "Kind"]
    assert sorted(r[4] for r in table[1:]) == ["RT-00001", "RT-00002"]
    disclosed = run("audit", "--db", str(clinic), "--kind", "disclose", home=isolated_home)
    assert disclosed.returncode == 0, disclosed.stderr
    assert sorted(r[4] for r in lines(disclosed.stdout)) == ["RT-00001", "RT-00002"]
    assert all(str(out) in r[8] for r in lines(disclosed.stdout))
    db = open_database(clinic, read_only=True)
    try:
        assert maintenance.check(db).ok
    finally:
        db.close()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--patient", "RT-99999"], "No patient has the record number RT-99999"),
        (["--from", "2026-13-01"], "--from: not a date"),
        (["--from", "2026-03-02", "--to", "2026-03-01"], "before its start"),
        (["--kind", "gossip"], "--kind: not a kind of entry"),
        (["--limit", "ten"], "--limit: not a whole number"),
        (["--limit", "-3"], "--limit: not a whole number"),
    ],
)
def test_bad_arguments_are_one_line_and_exit_2(
    clinic: Path, isolated_home: Path, args: list[str], message: str
) -> None:
    result = run("audit", "--db", str(clinic), *args, home=isolated_home)
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert message in result.stderr
