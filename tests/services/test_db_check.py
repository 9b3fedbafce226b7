"""The app's own full check (issue 12 items 2 and 5): recorded outside the database, due a week
after the last; ``db check`` shows progress on a terminal only and walks every entry with
``--full``. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from rehab_tracker.data import audit
from rehab_tracker.data.database import Database
from rehab_tracker.services import db_check
from tests.data import tamper


def test_a_clean_check_is_recorded_and_the_next_is_due_a_week_later(any_db: Database) -> None:
    tamper.some_records(any_db)
    assert db_check.due(any_db)  # never checked
    report = db_check.run(any_db, "schedule")
    assert report.ok and report.full, report.lines()
    last = db_check.last_check(any_db)
    assert last is not None and last.ok and last.reason == "schedule" and last.problems == 0
    now = last.when()
    assert not db_check.due(any_db, now + db_check.EVERY - dt.timedelta(minutes=1))
    assert db_check.due(any_db, now + db_check.EVERY)


def test_a_check_that_finds_problems_records_their_lines_without_values(
    any_db: Database,
) -> None:
    ids = tamper.some_records(any_db)
    tamper.change_birth_date(any_db, ids[0])
    report = db_check.run(any_db, "backup")
    assert not report.ok
    last = db_check.last_check(any_db)
    assert last is not None and not last.ok and last.reason == "backup"
    assert last.problems == 1 and last.lines[0].startswith(f"patients {ids[0]}: differs")
    assert "1950" not in last.lines[0] and "1980" not in last.lines[0]


def test_a_cancelled_check_records_nothing(db: Database) -> None:
    tamper.some_records(db)
    with pytest.raises(audit.Cancelled):
        db_check.run(db, "asked", progress=lambda *_: False)
    assert db_check.last_check(db) is None and db_check.due(db)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_db_check_shows_progress_on_a_terminal_only(
    db: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from rehab_tracker.cli import main

    tamper.some_records(db)
    assert main(["db", "check", "--db", str(db.path)]) == 0
    assert capsys.readouterr().err == ""  # a pipe or a CI log gets no progress lines

    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    tamper.some_records(db, prefix="RT-1")
    assert main(["db", "check", "--db", str(db.path)]) == 0
    shown = terminal.getvalue()
    assert "Checking the file's integrity" in shown
    assert "Verifying the audit trail's chain" in shown and "\r" in shown
    assert shown.endswith("\r")  # the line is cleared before the report
    out = capsys.readouterr().out
    assert "newer entries walked" in out and "result: OK" in out

    assert main(["db", "check", "--full", "--db", str(db.path)]) == 0
    out = capsys.readouterr().out
    assert "newer entries walked" not in out and "result: OK" in out
