"""Database upkeep behind ``rehab-tracker db``: revisions, upgrade, full check."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from rehab_tracker.data import audit, audit_keys, migrate, trail_check
from rehab_tracker.data.backup import backup_before_upgrade
from rehab_tracker.data.database import Database
from rehab_tracker.data.errors import DatabaseError, translated
from rehab_tracker.data.models import Base
from rehab_tracker.data.sqlite_file import connect_read_only


def revisions(db: Database) -> tuple[str | None, str]:
    """(the database's revision, the latest revision this code knows)."""
    with db.engine.connect() as conn:
        state = migrate.state(conn)
    return state.current, state.head


def upgrade(db: Database) -> tuple[str | None, str, Path | None]:
    """Back up (SQLite, when there is something to lose) and upgrade; (before, after, backup)."""
    before, head = revisions(db)
    backup = None
    if before != head:
        if db.path is not None and before is not None:
            backup = backup_before_upgrade(db.path, before)
        migrate.upgrade(db.engine)
    after, _ = revisions(db)
    return before, after or head, backup


@dataclass
class CheckReport:
    database: str
    integrity: str
    revision: str | None
    head: str
    schema_differences: list[str] = field(default_factory=list)
    audit_problems: list[str] = field(default_factory=list)
    #: what the user should know that is not a problem of the database
    notes: list[str] = field(default_factory=list)
    #: whether the audit chain was walked entry by entry from its first entry
    full: bool = True

    @property
    def ok(self) -> bool:
        return (
            self.integrity == "ok"
            and self.revision == self.head
            and not self.schema_differences
            and not self.audit_problems
        )

    def lines(self) -> list[str]:
        out = [
            f"database: {self.database}",
            f"integrity check: {self.integrity}",
            f"schema revision: {self.revision or 'none'} (latest {self.head})",
        ]
        if self.schema_differences:
            out.append(f"schema differs from the code in {len(self.schema_differences)} places:")
            out.extend(f"  {d}" for d in self.schema_differences[:20])
        else:
            out.append("schema matches the code")
        if self.audit_problems:
            count = len(self.audit_problems)
            out.append(f"audit trail: {count} problem{'s' if count > 1 else ''}:")
            out.extend(f"  {p}" for p in self.audit_problems[:20])
            if len(self.audit_problems) > 20:
                out.append(f"  ... and {len(self.audit_problems) - 20} more")
        else:
            out.append("audit trail: intact")
        out.extend(f"note: {note}" for note in self.notes)
        out.append("result: OK" if self.ok else "result: PROBLEMS FOUND")
        return out


def describe_difference(diff: Any) -> str:
    """One readable line for an Alembic autogenerate difference."""
    if isinstance(diff, list):  # column modifications come grouped
        return "; ".join(describe_difference(d) for d in diff)
    kind = str(diff[0])
    subject = diff[1] if len(diff) > 1 else None
    if kind in ("add_table", "remove_table"):
        return f"{kind.replace('_', ' ')}: {getattr(subject, 'name', subject)}"
    if kind in ("add_column", "remove_column"):
        return f"{kind.replace('_', ' ')}: {diff[2]}.{diff[3].name}"
    if kind.startswith("modify_"):
        return f"{kind.replace('_', ' ')}: {diff[2]}.{diff[3]}: {diff[5]!r} -> {diff[6]!r}"
    name = getattr(subject, "name", None) or repr(subject)
    return f"{kind.replace('_', ' ')}: {name}"


INTEGRITY_STAGE = "Checking the file's integrity"
SCHEMA_STAGE = "Comparing the schema with the code"
#: SQLite virtual machine steps between two looks at the progress callback during the
#: integrity check (a few milliseconds of work)
_STEPS = 200_000


def _integrity(db: Database, progress: trail_check.Progress | None = None) -> str:
    if db.path is None:
        return "ok"  # PostgreSQL checks its own pages; nothing comparable to run from here
    if progress is not None and progress(INTEGRITY_STAGE, 0, 0) is False:
        raise audit.Cancelled
    try:
        conn = connect_read_only(db.path)
    except sqlite3.Error as exc:  # moved, deleted or unreadable since it was opened
        raise DatabaseError(f"cannot open {db.path} to check it: {exc}") from exc
    cancelled = False
    if progress is not None:

        def go_on() -> int:  # SQLite stops the statement when this returns non-zero
            nonlocal cancelled
            cancelled = progress(INTEGRITY_STAGE, 0, 0) is False
            return 1 if cancelled else 0

        conn.set_progress_handler(go_on, _STEPS)
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as exc:  # a page too damaged for the check to go on
        if cancelled:
            raise audit.Cancelled from None
        return f"failed: {exc}"
    finally:
        conn.close()
    return "ok" if rows == [("ok",)] else "; ".join(str(r[0]) for r in rows[:5])


def check(
    db: Database, *, full: bool = True, progress: trail_check.Progress | None = None
) -> CheckReport:
    """The whole check. ``full``: the audit chain walked entry by entry from its first entry;
    ``full=False`` (``db check`` without ``--full``): from the last clean check's verified
    checkpoint, in time proportional to the entries written since (it cannot see an older
    entry changed with its hash kept, which the full check after each backup and on the
    schedule does; see ``data.trail_check``). ``progress`` is called with (stage, done, total)
    as it goes; returning False raises ``audit.Cancelled``.

    A driver error on the way (the file or its folder gone since the open, a disk error) is the
    app's environment problem (``DatabaseError``), not sqlite3's or SQLAlchemy's."""
    with translated(db.path):
        return _check(db, full=full, progress=progress)


def _check(db: Database, *, full: bool, progress: trail_check.Progress | None) -> CheckReport:
    current, head = revisions(db)
    report = CheckReport(
        database=db.display_name, integrity=_integrity(db, progress), revision=current, head=head
    )
    if progress is not None and progress(SCHEMA_STAGE, 0, 0) is False:
        raise audit.Cancelled
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": True}
        )
        diffs = compare_metadata(context, Base.metadata)
        report.schema_differences = [describe_difference(diff) for diff in diffs]
    trail = None
    if current is not None and report.integrity != "ok":
        # the trail check reads every row: on damaged pages it could only stop half-way
        report.notes.append("audit trail not checked: the file failed its integrity check")
    elif current is not None:
        try:
            trail = trail_check.check(db, records=current == head, full=full, progress=progress)
            report.audit_problems = trail.problems
            note = trail.note()
            if note:
                report.notes.append(note)
        except audit_keys.AuditKeyError as exc:
            report.audit_problems = [str(exc)]
    report.full = trail is None or trail.full
    if report.ok:  # the trail as it is now is the one a later check must still reach
        try:
            if trail is not None and trail.chain is not None:
                trail_check.record_checkpoint(db, "check", verified=trail.chain, full=trail.full)
            else:
                trail_check.record_checkpoint(db, "check")
        except audit_keys.AuditKeyError as exc:
            report.notes.append(f"{exc}; a later check cannot tell removed newest entries")
    return report
