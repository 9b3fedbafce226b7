"""Home packs (issue 14 items 1-3): one patient's program leaves the clinic signed and encrypted,
and arrives at home field for field, once; the clinic's key stays out of the exported data."""

from __future__ import annotations

import datetime as dt
import os
import stat
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from rehab_tracker.data import audit, signing_keys
from rehab_tracker.data.database import Database
from rehab_tracker.data.models import (
    Base,
    Exercise,
    HomePack,
    Patient,
    Prescription,
    Program,
    Restriction,
    ScheduledAssessment,
    SigningKey,
)
from rehab_tracker.services import home_format as fmt
from rehab_tracker.services.demo import seed_demo
from rehab_tracker.services.disclosures import DISCLOSE, DisclosureService
from rehab_tracker.services.home_import import HomeImportService
from rehab_tracker.services.home_pack import TABLES, HomePackService, row_document
from rehab_tracker.services.library import media_file
from tests.conftest import TODAY
from tests.services.home_pack_support import (
    OTHER,
    PATIENT,
    attach_picture,
    encrypted_home,
    move_to,
    patient_id,
    snapshot,
)
from tests.staff import staff


def opened(path: Path, passphrase: str) -> dict[str, Any]:
    sealed = fmt.unseal(path.read_bytes(), None)
    return fmt.content_of(fmt.decrypt(sealed, passphrase), sealed)


def test_a_pack_holds_that_patient_only_and_no_private_key(
    demo_db: Database, tmp_path: Path, isolated_home: Path
) -> None:
    pid = patient_id(demo_db, PATIENT)
    attach_picture(demo_db, pid, tmp_path)
    made = HomePackService(demo_db, staff("dr.kim")).make(pid, tmp_path / "pack.rthp", today=TODAY)
    content = opened(made.path, made.passphrase)
    body = fmt.canonical(content)

    with demo_db.reading() as session:
        others = session.scalars(select(Patient).where(Patient.id != pid)).all()
        program_ids = set(session.scalars(select(Program.id).where(Program.patient_id != pid)))
    assert len(others) == 8  # a clinic of several patients
    for other in others:  # no other patient's id, record number or name anywhere in the pack
        for text in (str(other.id), other.record_number, other.given_name, other.family_name):
            assert text.encode() not in body, text
    for program_id in program_ids:
        assert str(program_id).encode() not in body
    tables = content["tables"]
    assert [row["id"] for row in tables["patients"]] == [str(pid)]
    for name in ("programs", "restrictions", "outcome_assessments"):
        assert {row["patient_id"] for row in tables[name]} <= {str(pid)}
    assert len(tables["restrictions"]) == 2 and tables["scheduled_assessments"]
    assert {row["timepoint"] for row in tables["outcome_assessments"]} == {"baseline"}
    # contact details and clinicians' notes stay at the clinic
    assert set(tables["patients"][0]).isdisjoint({"phone", "email", "address", "notes"})
    assert [m["entry"] for m in content["media"]] and content["clinic"].keys() == {"name", "phone"}
    assert content["version"] == 1 and uuid.UUID(content["pack_id"]) == made.pack_id

    # the private key: a 0600 file in a 0700 folder, named in the database only by its id
    key_file = signing_keys.keys_dir() / f"{made.key_id}.pem"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(signing_keys.keys_dir().stat().st_mode) == 0o700
    private = signing_keys.private_key(made.key_id).private_bytes_raw()
    assert private not in made.path.read_bytes() and private.hex().encode() not in body
    db_bytes = b"".join(
        p.read_bytes()
        for p in demo_db.path.parent.glob(demo_db.path.name + "*")  # type: ignore[union-attr]
    )
    assert private not in db_bytes and private.hex().encode() not in db_bytes
    assert key_file.read_bytes() not in db_bytes

    # the disclosure: who, which patient, when, where
    history = DisclosureService(demo_db, staff("x")).history(pid)
    (entry,) = [h for h in history if h.action == DISCLOSE]
    assert (entry.actor, entry.kind, entry.destination) == ("dr.kim", "home_pack", str(made.path))
    assert abs(entry.at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)
    assert entry.description.startswith("home pack")

    # the next pack: the same key (made once per database), the next version, a new id
    again = HomePackService(demo_db, staff("dr.kim")).make(
        pid, tmp_path / "again.rthp", today=TODAY, passphrase="Correct Horse  battery staple"
    )
    assert (again.key_id, again.version, again.passphrase_made) == (made.key_id, 2, False)
    assert again.pack_id != made.pack_id
    assert opened(again.path, "correct horse battery STAPLE")["version"] == 2
    with demo_db.reading() as session:
        assert len(session.scalars(select(SigningKey)).all()) == 1
        assert [p.version for p in session.scalars(select(HomePack))] == [1, 2]


def test_a_made_passphrase_is_six_words_of_66_bits() -> None:
    words = fmt.make_passphrase().split(" ")
    assert len(words) == 6 and all(w.isalpha() and w.islower() for w in words)
    assert fmt.passphrase_bits() == pytest.approx(66.0)
    assert len({fmt.make_passphrase() for _ in range(50)}) == 50
    with pytest.raises(fmt.ValidationError):
        fmt.check_passphrase("too short")


def _documents(session: Any, model: type[Base], ids: set[Any]) -> dict[str, dict[str, Any]]:
    rows = session.scalars(select(model).where(model.id.in_(ids))).all()  # type: ignore[attr-defined]
    return {str(r.id): row_document(r) for r in rows}


def _expected_ids(session: Any, pid: uuid.UUID) -> dict[str, set[Any]]:
    """What the clinic holds that the pack must carry, found without the pack's own code."""
    program = session.scalars(select(Program).where(Program.patient_id == pid)).one()
    exercises = {rx.exercise_id for rx in program.prescriptions}
    return {
        "programs": {program.id},
        "program_phases": {p.id for p in program.phases},
        "prescriptions": {p.id for p in program.prescriptions},
        "scheduled_sessions": {s.id for s in program.scheduled_sessions},
        "scheduled_assessments": {a.id for a in program.assessments_due},
        "exercises": exercises,
        "restrictions": set(
            session.scalars(select(Restriction.id).where(Restriction.patient_id == pid))
        ),
        "patients": {pid},
    }


@pytest.mark.slow
def test_round_trip_clinic_to_home_database(
    any_db: Database,
    tmp_path: Path,
    isolated_home: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seed_demo(any_db, today=TODAY)
    pid = patient_id(any_db, PATIENT)
    entry = attach_picture(any_db, pid, tmp_path)
    picture = media_file(entry).read_bytes()
    made = HomePackService(any_db, staff("dr.kim")).make(pid, tmp_path / "pack.rthp", today=TODAY)

    move_to(monkeypatch, tmp_path / "laptop", isolated_home)  # the patient's own machine
    home = encrypted_home(tmp_path / "home.db")  # as the home app keeps it: SQLCipher
    try:
        applied = HomeImportService(home).import_file(made.path, made.passphrase.upper())
        assert (applied.version, applied.patient_id, applied.pinned_now) == (1, pid, True)
        assert media_file(entry).read_bytes() == picture  # the picture, in the laptop's folder

        # every row arrives once, every travelling field equal (SI units, as stored)
        with any_db.reading() as clinic, home.reading() as laptop:
            expected = _expected_ids(clinic, pid)
            for model in TABLES:
                name = model.__tablename__
                at_home = laptop.scalars(select(model)).all()
                assert len({r.id for r in at_home}) == len(at_home) == applied.counts[name]
                ids = {r.id for r in at_home}
                if name in expected:
                    assert ids == expected[name], name
                assert _documents(clinic, model, ids) == _documents(laptop, model, ids), name
            pinned = laptop.scalars(select(SigningKey)).one()
            assert (pinned.role, pinned.key_id) == ("pinned", made.key_id)
            assert audit.verify_chain(laptop) == []

        # the same file again is a replay: refused, nothing written
        before = snapshot(home)
        with pytest.raises(fmt.Refused) as refused:
            HomeImportService(home).import_file(made.path, made.passphrase)
        assert refused.value.reason == fmt.REPLAY and "\n" not in str(refused.value)
        assert snapshot(home) == before
    finally:
        home.close()

    # a changed program is a new version that updates the same rows and drops what is gone
    monkeypatch.setenv("REHAB_TRACKER_HOME", str(isolated_home))
    with any_db.unit_of_work("dr.kim") as session:
        program = session.scalars(select(Program).where(Program.patient_id == pid)).one()
        changed: Prescription = program.prescriptions[0]
        changed.sets += 1
        gone = session.scalars(select(Restriction).where(Restriction.patient_id == pid)).first()
        assert gone is not None
        session.delete(gone)
        dropped = program.assessments_due[-1]
        session.delete(dropped)
        changed_id, gone_id, dropped_id = changed.id, gone.id, dropped.id
    second = HomePackService(any_db, staff("dr.kim")).make(pid, tmp_path / "v2.rthp", today=TODAY)
    move_to(monkeypatch, tmp_path / "laptop", isolated_home)
    home = encrypted_home(tmp_path / "home.db")  # opened again
    try:
        applied = HomeImportService(home).import_file(second.path, second.passphrase)
        assert (applied.version, applied.pinned_now, applied.removed) == (2, False, 2)
        with any_db.reading() as clinic, home.reading() as laptop:
            assert laptop.get(Restriction, gone_id) is None
            assert laptop.get(ScheduledAssessment, dropped_id) is None
            rx = laptop.get(Prescription, changed_id)
            assert rx is not None and rx.sets == clinic.get(Prescription, changed_id).sets  # type: ignore[union-attr]
            assert [p.version for p in laptop.scalars(select(HomePack))] == [1, 2]
            assert laptop.scalar(select(Exercise.id).limit(1)) is not None
            assert audit.verify_chain(laptop) == []
    finally:
        home.close()


def test_a_clinic_database_is_refused_as_a_home_database(demo_db: Database, tmp_path: Path) -> None:
    pid = patient_id(demo_db, OTHER)
    made = HomePackService(demo_db, staff("dr.kim")).make(pid, tmp_path / "p.rthp", today=TODAY)
    before = snapshot(demo_db)
    with pytest.raises(fmt.Refused) as refused:
        HomeImportService(demo_db).import_file(made.path, made.passphrase)
    assert refused.value.reason == fmt.CLINIC_DATABASE
    assert snapshot(demo_db) == before
    assert os.path.exists(made.path)
