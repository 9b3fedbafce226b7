"""``db check`` walks the audit chain from the last clean check's verified checkpoint (issue 12
item 5): only the entries written since, in keyset pages (bounded memory on both backends), with
progress and cancel; ``--full`` (and the app's own check) walks every entry again. On SQLite and
PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from rehab_tracker.data import audit, audit_keys, maintenance, trail_check
from rehab_tracker.data.database import Database
from rehab_tracker.data.models import AuditEntry
from tests.data import tamper


def _entries(db: Database) -> int:
    with db.read_connection() as conn:
        return int(conn.execute(select(func.count(AuditEntry.seq))).scalar_one())


def _verified(db: Database) -> audit_keys.Verified:
    checkpoint = audit_keys.read_checkpoint(trail_check.location(db))
    assert checkpoint is not None and checkpoint.verified is not None
    return checkpoint.verified


def test_a_clean_check_records_a_verified_checkpoint_and_the_next_walks_only_newer(
    any_db: Database,
) -> None:
    tamper.some_records(any_db)
    first = maintenance.check(any_db)
    assert first.ok and first.full, first.lines()
    verified = _verified(any_db)
    assert verified.count == _entries(any_db) and verified.full_at is not None
    before = _entries(any_db)
    tamper.some_records(any_db, prefix="RT-1")
    added = _entries(any_db) - before
    assert added > 0

    trail = trail_check.check(any_db, full=False)
    assert trail.problems == []
    assert trail.started_from == verified and trail.chain is not None
    assert trail.chain.walked == added  # the entries since the check, not the whole trail
    assert trail.chain.count == _entries(any_db)

    report = maintenance.check(any_db, full=False)
    assert report.ok and not report.full
    assert any(f"{added} newer entries walked" in note for note in report.notes), report.notes
    after = _verified(any_db)  # the verified point moved on; the last full walk stays
    assert after.count == _entries(any_db) and after.full_at == verified.full_at


def test_tampering_after_the_checkpoint_is_found_by_the_incremental_walk(
    any_db: Database,
) -> None:
    tamper.some_records(any_db)
    assert maintenance.check(any_db).ok
    tamper.some_records(any_db, prefix="RT-1")
    tamper.forge_appended(any_db)
    report = maintenance.check(any_db, full=False)
    assert not report.full
    assert any("content changed" in p for p in report.audit_problems), report.audit_problems


def test_removed_newest_entries_are_found_by_the_incremental_walk(any_db: Database) -> None:
    tamper.some_records(any_db)
    assert maintenance.check(any_db).ok
    tamper.delete_tail(any_db, count=2)
    problems = maintenance.check(any_db, full=False).audit_problems
    assert any("entries were removed" in p for p in problems), problems


def test_a_rewritten_verified_head_is_reported_and_the_whole_chain_walked(
    any_db: Database,
) -> None:
    tamper.some_records(any_db)
    assert maintenance.check(any_db).ok
    tamper.rechain_unkeyed(any_db)
    trail = trail_check.check(any_db, full=False)
    assert trail.full  # the verified part itself changed: nothing of it is trusted
    assert any("the trail was rewritten" in p for p in trail.problems), trail.problems
    assert any("content changed" in p for p in trail.problems), trail.problems


def test_an_older_entry_changed_with_its_hash_kept_needs_the_full_walk(any_db: Database) -> None:
    """What the incremental walk cannot see, by design: the full check (``--full``, after each
    backup and on the schedule) finds it."""
    tamper.some_records(any_db)
    assert maintenance.check(any_db).ok
    tamper.drop_guards(any_db)
    with any_db.engine.begin() as conn:
        conn.execute(update(AuditEntry).where(AuditEntry.seq == 3).values(actor="someone.else"))
    quick = maintenance.check(any_db, full=False).audit_problems
    assert quick and all("trigger" in p for p in quick), quick
    full = maintenance.check(any_db).audit_problems
    assert "entry 3: content changed after it was written" in full, full


def test_a_backup_keeps_the_verified_checkpoint(db: Database) -> None:
    tamper.some_records(db)
    assert maintenance.check(db).ok
    verified = _verified(db)
    tamper.some_records(db, prefix="RT-1")
    db.backup("manual")
    checkpoint = audit_keys.read_checkpoint(trail_check.location(db))
    assert checkpoint is not None and checkpoint.reason == "backup"
    assert checkpoint.count == _entries(db) and checkpoint.verified == verified


@pytest.mark.parametrize("batch", [1, 2, 7, 1000])
def test_the_walk_reads_keyset_pages_and_finds_the_same(any_db: Database, batch: int) -> None:
    tamper.some_records(any_db)
    tamper.swap_pair(any_db)
    statements: list[str] = []
    with any_db.read_connection() as conn:
        whole = audit.walk_chain(conn)
        from sqlalchemy import event

        def seen(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
            if "FROM audit_log" in statement and "prev_hash" in statement:
                statements.append(statement)

        event.listen(conn, "before_cursor_execute", seen)
        try:
            paged = audit.walk_chain(conn, batch=batch)
        finally:
            event.remove(conn, "before_cursor_execute", seen)
    assert paged.problems == whole.problems and paged.count == whole.count
    assert all("LIMIT" in s for s in statements), statements  # never one unbounded read
    assert len(statements) == whole.count // batch + 1


def test_progress_is_reported_and_cancel_stops_without_a_checkpoint(any_db: Database) -> None:
    tamper.some_records(any_db)
    seen: list[tuple[str, int, int]] = []

    def watch(stage: str, done: int, total: int) -> bool:
        seen.append((stage, done, total))
        return True

    assert maintenance.check(any_db, progress=watch).ok
    stages = [stage for stage, _, _ in seen]
    assert trail_check.CHAIN_STAGE in stages and trail_check.RECORDS_STAGE in stages
    chain = [(done, total) for stage, done, total in seen if stage == trail_check.CHAIN_STAGE]
    assert chain[-1] == (_entries(any_db), _entries(any_db))
    records = [(d, t) for stage, d, t in seen if stage == trail_check.RECORDS_STAGE]
    assert records[-1][0] == records[-1][1] > 0

    location = trail_check.location(any_db)
    written = audit_keys.read_checkpoint(location)
    tamper.some_records(any_db, prefix="RT-1")
    with pytest.raises(audit.Cancelled):
        maintenance.check(any_db, progress=lambda stage, *_: stage != trail_check.CHAIN_STAGE)
    assert audit_keys.read_checkpoint(location) == written


def test_the_integrity_check_can_be_cancelled_while_it_runs(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    tamper.some_records(db)
    monkeypatch.setattr(maintenance, "_STEPS", 50)  # SQLite looks at the callback that often
    calls: list[str] = []

    def stop_once_running(stage: str, done: int, total: int) -> bool:
        calls.append(stage)
        return len(calls) < 3  # the stage shown, one look while it runs, then stop

    with pytest.raises(audit.Cancelled):
        maintenance.check(db, progress=stop_once_running)
    assert calls == [maintenance.INTEGRITY_STAGE] * 3


def test_an_old_checkpoint_file_without_the_verified_part_is_read(db: Database) -> None:
    """Checkpoint files written before this version: the first check walks everything."""
    import json

    tamper.some_records(db)
    db.backup("manual")
    path = next(audit_keys.checkpoints_dir().glob("*.json"))
    data = json.loads(path.read_text())
    data.pop("verified")
    path.write_text(json.dumps(data))
    trail = trail_check.check(db, full=False)
    assert trail.full and trail.problems == []

