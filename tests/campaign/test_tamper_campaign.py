"""The tamper campaign (issue 10 item 10): every way of editing the trail or the records that
the tests know, each on a fresh SQLite file, then ``db check``. Prints its figures
("tamper cases: N, detected: M") and fails unless every case is detected and an untouched
database passes. Marked slow (it runs in CI: CI selects every test but the benchmarks)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from rehab_tracker.data import audit_keys, maintenance
from rehab_tracker.data.database import Database, open_database
from tests.data import tamper

Attack = Callable[[Database], None]


def _after_check(attack: Attack) -> Attack:
    def run(db: Database) -> None:
        assert maintenance.check(db).ok  # leaves a checkpoint
        attack(db)

    return run


def _after_backup(attack: Attack) -> Attack:
    def run(db: Database) -> None:
        db.backup("manual")  # leaves a checkpoint
        attack(db)

    return run


def _first_patient(db: Database) -> object:
    from sqlalchemy import select

    from rehab_tracker.data.models import Patient

    with db.reading() as session:
        return session.scalars(select(Patient.id).order_by(Patient.record_number)).first()


def _birth_date(db: Database) -> None:
    patient_id = _first_patient(db)
    tamper.change_birth_date(db, patient_id)  # type: ignore[arg-type]


def _patient_removed_by_sql(db: Database) -> None:
    tamper.delete_record(db, _first_patient(db))  # type: ignore[arg-type]


def _patient_added_by_sql(db: Database) -> None:
    import datetime as dt
    import uuid

    from rehab_tracker.data.models import Patient

    now = dt.datetime.now(dt.UTC)
    with db.engine.begin() as conn:
        conn.execute(
            Patient.__table__.insert().values(
                id=uuid.uuid4(),
                record_number="RT-99999",
                given_name="Eve",
                family_name="Forged",
                date_of_birth=dt.date(1970, 1, 1),
                sex="female",
                pathway="surgical",
                version=1,
                created_at=now,
                updated_at=now,
                created_by="dr.kim",
            )
        )


def _key_removed(db: Database) -> None:
    for key in audit_keys.keys_dir().glob("*.key"):
        key.unlink()


def _forged_unkeyed_tail(db: Database) -> None:
    from sqlalchemy import text

    tamper.forge_appended(db)
    tamper.drop_guards(db)
    with db.engine.begin() as conn:
        conn.execute(
            text("UPDATE audit_log SET key_id = NULL WHERE seq = (SELECT max(seq) FROM audit_log)")
        )


CASES: dict[str, Attack] = {
    "chain recomputed with the unkeyed hash": tamper.rechain_unkeyed,
    "chain recomputed and key ids cleared": lambda db: tamper.rechain_unkeyed(db, unseal=True),
    "newest entries removed after a check": _after_check(tamper.delete_tail),
    "newest entries removed after a backup": _after_backup(tamper.delete_tail),
    "whole trail removed after a backup": _after_backup(lambda db: tamper.delete_tail(db, 99)),
    "triggers dropped": tamper.drop_guards,
    "triggers replaced by ones that never fire": tamper.disable_guards,
    "date of birth changed by SQL": _birth_date,
    "patient added by SQL": _patient_added_by_sql,
    "patient removed by SQL": _patient_removed_by_sql,
    "middle entry removed and the chain relinked": tamper.delete_middle,
    "two entries swapped": tamper.swap_pair,
    "entry appended with a forged hash": tamper.forge_appended,
    "entry appended unkeyed": _forged_unkeyed_tail,
    "key file missing": _key_removed,
}


def _fresh(template: Path, folder: Path) -> Database:
    path = folder / "clinic.db"
    shutil.copyfile(template, path)
    db = open_database(path)
    tamper.some_records(db)
    return db


@pytest.mark.slow
@pytest.mark.figures
def test_every_tamper_case_is_detected(
    migrated_template: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from rehab_tracker.data import locations

    missed = []
    for number, (name, attack) in enumerate([("untouched", None), *CASES.items()]):
        folder = tmp_path / f"case-{number}"
        folder.mkdir()
        monkeypatch.setenv(locations.HOME_ENV, str(folder / "home"))  # its own key
        db = _fresh(migrated_template, folder)
        try:
            if attack is not None:
                attack(db)
            report = maintenance.check(db)
        finally:
            db.close()
        if attack is None:
            assert report.ok, report.lines()
        elif report.ok:
            missed.append(name)
    detected = len(CASES) - len(missed)
    print(f"\ntamper cases: {len(CASES)}, detected: {detected}")
    assert not missed, f"not detected: {missed}"
