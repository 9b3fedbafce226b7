"""``db check`` shows tampering by someone who can edit the database but does not hold the
installation's audit key (issue 10 item 10): a chain recomputed with the unkeyed hash, the last
entries removed, the triggers dropped, a record changed by direct SQL. On SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from rehab_tracker.data import maintenance
from rehab_tracker.data.database import Database
from tests.data import tamper


def _problems(db: Database) -> list[str]:
    report = maintenance.check(db)
    assert report.ok == (not report.audit_problems), report.lines()
    return report.audit_problems


def test_an_untouched_trail_passes(any_db: Database) -> None:
    tamper.some_records(any_db)
    assert _problems(any_db) == []


def test_a_chain_recomputed_with_the_unkeyed_hash_is_reported(any_db: Database) -> None:
    tamper.some_records(any_db)
    tamper.rechain_unkeyed(any_db)
    problems = _problems(any_db)
    assert any("content changed" in p for p in problems), problems


def test_a_chain_recomputed_and_unsealed_is_reported(any_db: Database) -> None:
    tamper.some_records(any_db)
    tamper.rechain_unkeyed(any_db, unseal=True)
    problems = _problems(any_db)
    assert any("not sealed" in p for p in problems), problems


def test_removed_last_entries_are_reported_against_the_checkpoint(any_db: Database) -> None:
    tamper.some_records(any_db)
    assert maintenance.check(any_db).ok  # a successful check leaves a checkpoint
    tamper.delete_tail(any_db, count=1)
    problems = _problems(any_db)
    assert any("checkpoint" in p for p in problems), problems


def test_removed_last_entries_are_reported_after_a_backup(db: Database) -> None:
    tamper.some_records(db)
    db.backup("manual")  # the backup leaves a checkpoint too
    tamper.delete_tail(db, count=2)
    problems = _problems(db)
    assert any("checkpoint" in p for p in problems), problems


def test_dropped_triggers_are_reported(any_db: Database) -> None:
    tamper.some_records(any_db)
    tamper.drop_guards(any_db)
    problems = _problems(any_db)
    assert any("trigger" in p for p in problems), problems


def test_disabled_triggers_are_reported(any_db: Database) -> None:
    tamper.some_records(any_db)
    tamper.disable_guards(any_db)
    problems = _problems(any_db)
    assert any("trigger" in p for p in problems), problems


def test_a_birth_date_changed_by_sql_is_reported(any_db: Database) -> None:
    ids = tamper.some_records(any_db)
    tamper.change_birth_date(any_db, ids[1])
    (problem,) = _problems(any_db)
    # ids and column names only, never the values (no patient data in the report)
    assert problem.startswith(
        f"patients {ids[1]}: differs from the last state the trail recorded (date_of_birth"
    )
    assert "1950" not in problem and "1980" not in problem


def test_a_record_removed_by_sql_is_reported_and_one_removed_by_the_app_is_not(
    any_db: Database,
) -> None:
    from rehab_tracker.data.models import Patient

    ids = tamper.some_records(any_db)
    with any_db.unit_of_work("dr.kim") as session:
        session.delete(session.get(Patient, ids[0]))
    assert _problems(any_db) == []
    tamper.delete_record(any_db, ids[2])
    assert _problems(any_db) == [
        f"patients {ids[2]}: removed behind the app's back (the trail has no record of its removal)"
    ]


@pytest.mark.parametrize("attack", [tamper.delete_middle, tamper.swap_pair, tamper.forge_appended])
def test_other_edits_of_the_trail_are_reported(any_db: Database, attack: object) -> None:
    tamper.some_records(any_db)
    attack(any_db)  # type: ignore[operator]
    assert _problems(any_db)


def test_a_missing_key_file_is_one_clear_line_not_a_crash(db: Database) -> None:
    from rehab_tracker.data import audit_keys

    tamper.some_records(db)
    for key in audit_keys.keys_dir().glob("*.key"):
        key.unlink()
    problems = _problems(db)
    assert len(problems) == 1 and "which this installation does not hold" in problems[0]
    assert str(audit_keys.keys_dir()) in problems[0]


def test_db_check_prints_ids_only_and_exits_nonzero_on_tamper(
    db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    from rehab_tracker.cli import main

    ids = tamper.some_records(db)
    assert main(["db", "check", "--db", str(db.path)]) == 0
    tamper.change_birth_date(db, ids[0])
    tamper.drop_guards(db)
    capsys.readouterr()
    assert main(["db", "check", "--db", str(db.path)]) == 1
    out = capsys.readouterr().out
    assert f"patients {ids[0]}: differs" in out
    assert "trigger audit_log_no_update is missing" in out
    assert "result: PROBLEMS FOUND" in out
    for data in ("Ada", "Lovelace", "1950", "1980", "RT-0000"):
        assert data not in out


def test_a_restored_older_backup_is_not_reported_as_truncated(db: Database) -> None:
    from rehab_tracker.data.database import open_database
    from rehab_tracker.data.restore import restore_backup

    tamper.some_records(db)
    older = db.backup("manual")
    tamper.some_records(db, prefix="RT-1")  # the trail grows past the backup
    assert maintenance.check(db).ok  # a checkpoint of the longer trail
    assert db.path is not None
    db.close()
    restore_backup(db.path, older, actor="dr.kim")
    restored = open_database(db.path)
    try:
        report = maintenance.check(restored)
    finally:
        restored.close()
    assert report.ok, report.lines()


def test_the_key_is_private_and_not_in_the_database(db: Database) -> None:
    from sqlalchemy import text

    from rehab_tracker.data import audit_keys
    from tests.data.helpers import file_mode

    tamper.some_records(db)
    # the session templates' keys (``template-*.key``, copied in by the conftest once a template
    # exists, so present or not by test order) are not this installation's
    (key_file,) = (
        p for p in audit_keys.keys_dir().glob("*.key") if not p.name.startswith("template-")
    )
    assert file_mode(key_file) == 0o600 and file_mode(key_file.parent) == 0o700
    key = key_file.read_text().strip()
    assert len(bytes.fromhex(key)) == audit_keys.KEY_BYTES
    assert db.path is not None and key.encode() not in db.path.read_bytes()
    with db.reading() as session:
        ids = set(session.execute(text("SELECT DISTINCT key_id FROM audit_log")).scalars())
    assert ids == {audit_keys.key_id(bytes.fromhex(key))}


def test_processes_making_the_key_at_once_agree_on_one(tmp_path: object) -> None:
    import concurrent.futures

    from rehab_tracker.data import audit_keys

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        keys = set(pool.map(lambda _: audit_keys.installation_key(), range(16)))
    assert len(keys) == 1
    made = [p.name for p in audit_keys.keys_dir().iterdir() if not p.name.startswith("template-")]
    assert made == ["installation.key"]  # one key, no partial file left


def test_the_unkeyed_history_before_the_seal_cannot_be_rewritten(tmp_path: Path) -> None:
    """A clinic file from the 0001 release, upgraded (its unkeyed entries sealed by 0009); then
    one of the old entries changed and the unkeyed part of the chain recomputed up to the
    seal, whose link is moved too."""
    import gzip

    from sqlalchemy import update

    from rehab_tracker.data.database import open_database
    from rehab_tracker.data.models import AuditEntry

    path = tmp_path / "clinic.db"
    fixture = Path(__file__).parent / "fixtures" / "clinic-0001.db.gz"
    path.write_bytes(gzip.decompress(fixture.read_bytes()))
    db = open_database(path)
    try:
        assert maintenance.check(db).ok
        tamper.drop_guards(db)
        table = AuditEntry.__table__
        with db.engine.begin() as conn:
            rows = [
                dict(r)
                for r in conn.execute(
                    select(table).where(table.c.key_id.is_(None)).order_by(table.c.seq)
                ).mappings()
            ]
            rows[3]["actor"] = "someone.else"
            prev = tamper.GENESIS
            for row in rows:
                row["hash"] = tamper.unkeyed_hash(prev, row)
                conn.execute(
                    update(table)
                    .where(table.c.seq == row["seq"])
                    .values(actor=row["actor"], prev_hash=prev, hash=row["hash"])
                )
                prev = row["hash"]
            conn.execute(
                update(table).where(table.c.seq == rows[-1]["seq"] + 1).values(prev_hash=prev)
            )
        problems = _problems(db)
    finally:
        db.close()
    seal = rows[-1]["seq"] + 1
    assert problems[0] == f"entry {seal}: content changed after it was written"
    assert all("trigger" in p for p in problems[1:])  # dropped for the attack
