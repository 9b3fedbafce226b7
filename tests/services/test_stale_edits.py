"""No edit is silently lost: every row a user edits refuses a save from a stale form.

Before this, a session correction, a surgery's details, an exercise and the clinic settings were
saved over whatever another workstation had saved since the form was opened (45 of 60
concurrent session corrections lost with 4 processes, without an error, on both backends).

The campaign runs real processes (tests/services/stale_worker.py) against one SQLite file and
one PostgreSQL schema: each opens the row, pauses as a user typing would, and saves a value of its
own. Every attempt must either land or be refused with ConflictError, and the landed edits must
form one chain: each one was made from the version the one before it left (none was made from a
version another save had already replaced), and the row ends as the last one left it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_concurrency import _SURGERY, _details
from test_library_service import valid_form

from rehab_tracker.data.database import Database, open_database
from rehab_tracker.data.models import (
    EducationItem,
    Exercise,
    OutcomeAssessment,
    Patient,
    Prescription,
    SessionLog,
    Setting,
    WalkTest,
)
from rehab_tracker.domain.progression import PAIN_CEILING_DEFAULT
from rehab_tracker.domain.redflags import RED_FLAGS
from rehab_tracker.domain.restrictions import Restriction
from rehab_tracker.domain.sessions import ExerciseEntry, SessionEntry, SetEntry
from rehab_tracker.services.errors import ConflictError
from rehab_tracker.services.library import LibraryService
from rehab_tracker.services.patients import PatientService
from rehab_tracker.services.sessions import SessionService
from rehab_tracker.services.settings import CLINIC_KEY, ClinicDetails, SettingsService
from tests.staff import staff

TODAY = dt.date(2026, 11, 23)
WORKER = Path(__file__).with_name("stale_worker.py")
STALE = "another workstation"

EXERCISE = valid_form()
ALL_NO = {f.code: False for f in RED_FLAGS}
SURGERY = _SURGERY


def _logged_session(db: Database) -> uuid.UUID:
    """A patient's finished session with one exercise of two sets."""
    patient_id = PatientService(db, staff("setup")).enrol(_details(), SURGERY, today=TODAY)
    exercise_id = LibraryService(db, staff("setup")).add(EXERCISE)
    entry = SessionEntry(
        session_date=TODAY,
        red_flags=ALL_NO,
        exercises=(
            ExerciseEntry(exercise_id, "Bridge with march", "reps",
                          sets=(SetEntry(reps=10), SetEntry(reps=10)), status="changed"),
        ),
    )
    return SessionService(db, staff("setup")).save(patient_id, None, entry, today=TODAY)


# --- the state each kind of row ends in: (version, the value the last save wrote) ----------


def _session_state(db: Database, row_id: uuid.UUID) -> tuple[int, str]:
    form = SessionService(db, staff("check")).edit_form(row_id)
    exercise = form.entry.exercises[0]
    if form.entry.notes:  # the whole correction is one version: log, exercise row and sets
        reps = int(form.entry.notes.rsplit("-", 1)[1]) % 20 + 1
        assert exercise.notes == form.entry.notes
        assert [s.reps for s in exercise.sets] == [reps, reps]
    return form.version, form.entry.notes


def _surgery_state(db: Database, row_id: uuid.UUID) -> tuple[int, str]:
    record = PatientService(db, staff("check")).record(row_id)
    assert record.surgery is not None
    return record.version, record.surgery.surgeon or ""


def _exercise_state(db: Database, row_id: uuid.UUID) -> tuple[int, str]:
    detail = LibraryService(db, staff("check")).detail(row_id)
    return detail.version, detail.form.cautions


def _settings_state(db: Database, _row: uuid.UUID) -> tuple[int, str]:
    service = SettingsService(db, staff("check"))
    return service.versions()[CLINIC_KEY], service.clinic_details().name


def _setup_session(db: Database) -> uuid.UUID:
    return _logged_session(db)


def _setup_surgery(db: Database) -> uuid.UUID:
    return PatientService(db, staff("setup")).enrol(_details(), SURGERY, today=TODAY)


def _setup_exercise(db: Database) -> uuid.UUID:
    return LibraryService(db, staff("setup")).add(EXERCISE)


def _setup_settings(db: Database) -> uuid.UUID:
    SettingsService(db, staff("setup")).set_clinic_details(ClinicDetails(name="Riverside"))
    return uuid.uuid4()  # settings are found by key


KINDS: dict[str, tuple[Callable[[Database], uuid.UUID],
                       Callable[[Database, uuid.UUID], tuple[int, str]]]] = {
    "session": (_setup_session, _session_state),
    "surgery": (_setup_surgery, _surgery_state),
    "exercise": (_setup_exercise, _exercise_state),
    "settings": (_setup_settings, _settings_state),
}


def _campaign(url: str, kind: str, row_id: uuid.UUID, workers: int, per_worker: int,
              tmp_path: Path) -> list[dict[str, object]]:
    go = tmp_path / f"go-{kind}"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    procs = [
        subprocess.Popen(
            [sys.executable, str(WORKER), url, kind, str(row_id), str(i), str(per_worker),
             str(go)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        )
        for i in range(workers)
    ]
    time.sleep(1.0)  # every worker opens the database and waits at the start line
    go.touch()
    reports = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        reports.append(json.loads(out.strip().splitlines()[-1]))
    return reports


def _assert_no_lost_edit(reports: list[dict[str, object]], attempts: int, start: int,
                         final: tuple[int, str]) -> tuple[int, int]:
    errors = [e for r in reports for e in r["errors"]]  # type: ignore[attr-defined]
    assert errors == []
    landed = [tuple(x) for r in reports for x in r["landed"]]  # type: ignore[attr-defined]
    conflicts = sum(int(r["conflicts"]) for r in reports)  # type: ignore[call-overload]
    assert len(landed) + conflicts == attempts  # each edit landed or was refused, loudly
    # one chain: each landed edit was made from the version the previous one left
    read_versions = sorted(version for version, _ in landed)
    assert read_versions == list(range(start, start + len(landed)))
    last_value = dict(landed)[start + len(landed) - 1]
    assert final == (start + len(landed), last_value)  # the row is as the last save left it
    assert conflicts > 0  # the campaign did race (a run without a conflict proves nothing)
    return len(landed), conflicts


@pytest.mark.slow
@pytest.mark.figures
@pytest.mark.parametrize("kind", list(KINDS))
def test_concurrent_stale_edits_land_or_conflict_never_lost(
    any_db_url: str, kind: str, tmp_path: Path
) -> None:
    setup, state = KINDS[kind]
    db = open_database(any_db_url)
    try:
        row_id = setup(db)
        start = state(db, row_id)[0]
        workers, per_worker = 4, 15
        reports = _campaign(any_db_url, kind, row_id, workers, per_worker, tmp_path)
        landed, conflicts = _assert_no_lost_edit(
            reports, workers * per_worker, start, state(db, row_id)
        )
    finally:
        db.close()
    print(f"{kind}: {workers * per_worker} edits, {landed} landed, {conflicts} conflicts")


@pytest.mark.slow
def test_eight_processes_correcting_one_session(any_db_url: str, tmp_path: Path) -> None:
    db = open_database(any_db_url)
    try:
        row_id = _logged_session(db)
        start = _session_state(db, row_id)[0]
        reports = _campaign(any_db_url, "session", row_id, 8, 15, tmp_path)
        _assert_no_lost_edit(reports, 120, start, _session_state(db, row_id))
    finally:
        db.close()


# --- one service at a time: the second desk is told, the first desk's save survives ---------


def test_session_correction_from_a_stale_form_is_refused(any_db: Database) -> None:
    row_id = _logged_session(any_db)
    desk_a = SessionService(any_db, staff("dr.kim"))
    desk_b = SessionService(any_db, staff("nurse.lee"))
    form_a, form_b = desk_a.edit_form(row_id), desk_b.edit_form(row_id)
    assert form_a.version == form_b.version == 1
    new = desk_a.update(row_id, dataclasses.replace(form_a.entry, notes="first"),
                        expected_version=form_a.version, today=TODAY)
    assert new == 2
    with pytest.raises(ConflictError, match=STALE):
        desk_b.update(row_id, dataclasses.replace(form_b.entry, notes="second"),
                      expected_version=form_b.version, today=TODAY)
    fresh = desk_b.edit_form(row_id)
    assert (fresh.version, fresh.entry.notes) == (2, "first")


def test_a_change_of_sets_only_moves_the_sessions_version(any_db: Database) -> None:
    row_id = _logged_session(any_db)
    service = SessionService(any_db, staff("dr.kim"))
    form = service.edit_form(row_id)
    exercise = dataclasses.replace(form.entry.exercises[0], sets=(SetEntry(reps=12),))
    entry = dataclasses.replace(form.entry, exercises=(exercise,))
    assert service.update(row_id, entry, expected_version=form.version, today=TODAY) == 2
    with pytest.raises(ConflictError, match=STALE):  # a form opened before cannot undo it
        service.update(row_id, form.entry, expected_version=form.version, today=TODAY)
    assert [s.reps for s in service.edit_form(row_id).entry.exercises[0].sets] == [12]


def test_surgery_edit_moves_the_patients_version_and_refuses_a_stale_form(
    any_db: Database,
) -> None:
    service = PatientService(any_db, staff("dr.kim"))
    patient_id = service.enrol(_details(), SURGERY, today=TODAY)
    seen_a, seen_b = service.record(patient_id), service.record(patient_id)
    service.update(patient_id, seen_a.details,
                   dataclasses.replace(SURGERY, surgeon="Mr Patel"),
                   expected_version=seen_a.version, today=TODAY)
    assert service.record(patient_id).version == seen_a.version + 1
    with pytest.raises(ConflictError, match=STALE):
        service.update(patient_id, seen_b.details,
                       dataclasses.replace(SURGERY, hospital="St Mary's"),
                       expected_version=seen_b.version, today=TODAY)
    latest = service.record(patient_id)
    assert latest.surgery is not None
    assert (latest.surgery.surgeon, latest.surgery.hospital) == ("Mr Patel", None)


def test_unchanged_save_of_a_patient_does_not_move_the_version(any_db: Database) -> None:
    service = PatientService(any_db, staff("dr.kim"))
    patient_id = service.enrol(_details(), SURGERY, today=TODAY)
    seen = service.record(patient_id)
    service.update(patient_id, seen.details, seen.surgery,
                   expected_version=seen.version, today=TODAY)
    assert service.record(patient_id).version == seen.version


def test_restrictions_saved_with_the_patient_move_its_version_and_refuse_a_stale_form(
    any_db: Database,
) -> None:
    """The restrictions are part of the patient's record (saved from the patient dialog): a
    change of them alone moves the version, so a dialog opened before cannot overwrite it."""
    service = PatientService(any_db, staff("dr.kim"))
    patient_id = service.enrol(_details(), SURGERY, today=TODAY)
    until = TODAY + dt.timedelta(days=30)
    seen_a, seen_b = service.record(patient_id), service.record(patient_id)
    new = service.update(patient_id, seen_a.details, seen_a.surgery,
                         expected_version=seen_a.version, today=TODAY,
                         restrictions=[Restriction("lifting", until, limit=5)])
    assert new == seen_a.version + 1
    with pytest.raises(ConflictError, match=STALE):
        service.update(patient_id, seen_b.details, seen_b.surgery,
                       expected_version=seen_b.version, today=TODAY,
                       restrictions=[Restriction("other", until, detail="No swimming")])
    kept = service.record(patient_id)
    assert [(r.kind, r.limit) for r in kept.restrictions] == [("lifting", 5.0)]
    # saved again unchanged: the version stays
    assert service.update(patient_id, kept.details, kept.surgery, expected_version=kept.version,
                          today=TODAY, restrictions=kept.restrictions) == kept.version


def test_exercise_edit_from_a_stale_form_is_refused(any_db: Database) -> None:
    library = LibraryService(any_db, staff("dr.kim"))
    exercise_id = library.add(EXERCISE)
    seen_a, seen_b = library.detail(exercise_id), library.detail(exercise_id)
    library.update(exercise_id, dataclasses.replace(seen_a.form, cautions="Stop if it hurts."),
                   expected_version=seen_a.version)
    with pytest.raises(ConflictError, match=STALE):
        library.update(exercise_id, dataclasses.replace(seen_b.form, cautions="Go slowly."),
                       expected_version=seen_b.version)
    assert library.detail(exercise_id).form.cautions == "Stop if it hurts."


def test_settings_saved_from_a_stale_dialog_are_refused_as_a_whole(any_db: Database) -> None:
    settings = SettingsService(any_db, staff("admin"))
    seen = settings.versions()
    assert seen == {}  # nothing stored yet: every key at version 0
    settings.set_clinic_details(ClinicDetails(name="Riverside"),
                                expected_version=seen.get(CLINIC_KEY, 0))
    with pytest.raises(ConflictError, match=STALE):
        settings.save_clinic_settings(
            ClinicDetails(name="Hillside"), units="imperial", odi_max_missing=2, pain_ceiling=6,
            threshold_overrides={}, expected_versions=seen,
        )
    # nothing of the refused dialog was saved, not even the keys nobody else changed
    assert settings.clinic_details().name == "Riverside"
    assert settings.load().units == "metric"
    assert settings.load().progression_pain_ceiling == PAIN_CEILING_DEFAULT
    fresh = settings.versions()
    settings.save_clinic_settings(
        ClinicDetails(name="Hillside"), units="imperial", odi_max_missing=2, pain_ceiling=6,
        threshold_overrides={}, expected_versions=fresh,
    )
    assert settings.clinic_details().name == "Hillside" and settings.load().units == "imperial"
    assert settings.load().progression_pain_ceiling == 6


def test_a_removed_setting_is_a_change_too(any_db: Database) -> None:
    settings = SettingsService(any_db, staff("admin"))
    settings.set_clinic_details(ClinicDetails(name="Riverside"))
    seen = settings.versions()
    settings.set_clinic_details(ClinicDetails(), expected_version=seen[CLINIC_KEY])  # removed
    with pytest.raises(ConflictError, match=STALE):
        settings.set_clinic_details(ClinicDetails(name="Hillside"),
                                    expected_version=seen[CLINIC_KEY])
    assert settings.clinic_details().empty


@pytest.mark.parametrize(
    "model", [SessionLog, OutcomeAssessment, WalkTest, Prescription, Exercise, EducationItem,
              Setting, Patient],
)
def test_every_edited_table_is_versioned(model: type) -> None:
    """The version column guards every UPDATE, whichever service issues it."""
    assert model.__mapper__.version_id_col is not None  # type: ignore[attr-defined]
    assert model.__mapper__.version_id_col.name == "version"  # type: ignore[attr-defined]


def test_migrated_rows_start_at_version_one(db: Database) -> None:
    row_id = _logged_session(db)
    with db.reading() as session:
        assert session.scalar(select(SessionLog.version).where(SessionLog.id == row_id)) == 1


def test_an_old_clinic_file_upgrades_with_every_edited_row_at_version_one(tmp_path: Path) -> None:
    """clinic-0001.db.gz (written by the 0001 release) gains the columns, each row at 1."""
    import gzip

    fixture = Path(__file__).parents[1] / "data" / "fixtures" / "clinic-0001.db.gz"
    path = tmp_path / "clinic.db"
    path.write_bytes(gzip.decompress(fixture.read_bytes()))
    db = open_database(path)
    try:
        with db.reading() as session:
            for model in (SessionLog, Exercise, EducationItem, Prescription, Setting):
                versions = set(session.scalars(select(model.version)))  # type: ignore[attr-defined]
                assert versions <= {1}, model.__name__  # (the file has no education items)
            assert set(session.scalars(select(SessionLog.version))) == {1}
        with db.reading() as session:
            session_id = session.scalar(
                select(SessionLog.id).where(SessionLog.deleted_at.is_(None)).limit(1))
        assert session_id is not None
        service = SessionService(db, staff("dr.kim"))
        form = service.edit_form(session_id)
        assert service.update(session_id, dataclasses.replace(form.entry, notes="after upgrade"),
                              expected_version=1, today=TODAY) == 2
    finally:
        db.close()
