"""The full database check the app runs by itself: after each backup and on a schedule
(issue 12 item 2 and 5), with its last result kept outside the database.

:func:`run` is ``db check --full`` (``data.maintenance.check``: the file's integrity, the schema,
every entry of the audit trail, every record against it) with a progress callback; it writes
the outcome to ``db-checks/`` in the settings folder (one JSON file per database location,
0600): when it ran, why, whether it found problems and how many, and the first problem lines
(which name tables, entry numbers and record ids, never a value). :func:`due` tells whether the
schedule asks for a check now: none recorded yet, or the last one older than
:data:`EVERY` (a week: a clinic default, not a published rule; a clinic that backs up daily
also gets a full check after each backup).

Qt-free: the GUI runs :func:`run` in a worker thread and shows the progress it reports.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rehab_tracker.data import locations, maintenance, trail_check
from rehab_tracker.data.database import Database
from rehab_tracker.data.private_files import replace_private_text

#: how often the app checks a database in full by itself (clinic default)
EVERY = dt.timedelta(days=7)
#: the problem lines kept in the record of a check
_KEPT_LINES = 20

Progress = trail_check.Progress


@dataclass(frozen=True)
class LastCheck:
    """The record of the last check the app ran by itself (or was asked to run)."""

    at: str
    reason: str
    ok: bool
    problems: int
    lines: list[str] = field(default_factory=list)

    def when(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.at)


def _record_path(db: Database) -> Path:
    name = hashlib.sha256(trail_check.location(db).encode("utf-8")).hexdigest()[:32]
    return locations.config_dir() / "db-checks" / f"{name}.json"


def last_check(db: Database) -> LastCheck | None:
    """The last recorded check of ``db``; None when none is recorded (or the record is
    unreadable: the schedule then checks again)."""
    try:
        data = json.loads(_record_path(db).read_text(encoding="utf-8"))
        return LastCheck(
            str(data["at"]),
            str(data["reason"]),
            bool(data["ok"]),
            int(data["problems"]),
            [str(line) for line in data.get("lines", [])],
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def due(db: Database, now: dt.datetime | None = None, every: dt.timedelta = EVERY) -> bool:
    """Whether the schedule asks for a full check of ``db`` now."""
    last = last_check(db)
    if last is None:
        return True
    try:
        return (now or dt.datetime.now(dt.UTC)) - last.when() >= every
    except (ValueError, TypeError):
        return True


def run(db: Database, reason: str, progress: Progress | None = None) -> maintenance.CheckReport:
    """The full check of ``db``, recorded with ``reason`` ("backup", "schedule", "asked");
    ``progress`` as in ``data.trail_check``: returning False stops it (``audit.Cancelled``,
    nothing recorded)."""
    report = maintenance.check(db, full=True, progress=progress)
    found = [] if report.integrity == "ok" else [f"integrity check: {report.integrity}"]
    if report.revision != report.head:
        found.append(f"schema revision {report.revision or 'none'} (latest {report.head})")
    found += report.schema_differences + report.audit_problems
    record = LastCheck(
        dt.datetime.now(dt.UTC).isoformat(), reason, report.ok, len(found), found[:_KEPT_LINES]
    )
    try:
        replace_private_text(_record_path(db), json.dumps(asdict(record)))
    except OSError:
        report.notes.append("the result of this check could not be recorded in the settings folder")
    return report
