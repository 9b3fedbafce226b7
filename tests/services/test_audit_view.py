"""The audit viewer's read service (issue 13 item 4): filters, paging, wording, CSV export."""

from __future__ import annotations

import csv
import datetime as dt
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from rehab_tracker.data import maintenance
from rehab_tracker.data.database import Database
from rehab_tracker.data.models import (
    Exercise,
    ExerciseLog,
    Patient,
    Program,
    ProgramPhase,
    SessionLog,
    SetLog,
    Surgery,
)
from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.domain.roles import Role
from rehab_tracker.services import audit_view
from rehab_tracker.services.access import PermissionDenied
from rehab_tracker.services.audit_view import AuditFilter, AuditViewService
from rehab_tracker.services.container import Services
from rehab_tracker.services.errors import ServiceError
from tests.data.helpers import file_mode, make_patient
from tests.staff import staff

DAY = dt.date(2026, 3, 2)


@dataclass
class Clinic:
    ada: uuid.UUID
    bob: uuid.UUID
    program: uuid.UUID
    session: uuid.UUID
    exercise_log: uuid.UUID
    set_log: uuid.UUID
    removed_set: uuid.UUID


def _clinic(db: Database) -> Clinic:
    """Two patients; Ada with a program, a logged session, its exercise and sets (one set
    removed again), all written by dr.kim; Bob's surgery by nurse.lee; a library change."""
    with db.unit_of_work("dr.kim") as s:
        ada, bob = make_patient("RT-A0001"), make_patient("RT-B0002", given_name="Bob",
                                                          family_name="Stone")
        squat = Exercise(code="av-squat", name="Wall squat", body_region="legs",
                         dosage_type="reps")
        s.add_all([ada, bob, squat])
        s.flush()
        program = Program(patient_id=ada.id, name="Ada's program", start_date=DAY)
        s.add(program)
        s.flush()
        s.add(ProgramPhase(program_id=program.id, position=0, code="p1", name="Protect",
                           start_week=1, end_week=4, start_date=DAY, end_date=DAY))
        session = SessionLog(patient_id=ada.id, program_id=program.id, session_date=DAY)
        s.add(session)
        s.flush()
        log = ExerciseLog(session_id=session.id, exercise_id=squat.id, status="done")
        s.add(log)
        s.flush()
        kept, removed = SetLog(exercise_log_id=log.id, set_number=1, reps=10), SetLog(
            exercise_log_id=log.id, set_number=2, reps=8)
        s.add_all([kept, removed])
        s.flush()
        ids = Clinic(ada.id, bob.id, program.id, session.id, log.id, kept.id, removed.id)
    with db.unit_of_work("dr.kim") as s:
        gone = s.get(SetLog, ids.removed_set)
        s.delete(gone)
        patient = s.get(Patient, ids.ada)
        assert patient is not None
        patient.phone, patient.weight_kg = "555-0100", 63.0
    with db.unit_of_work("nurse.lee") as s:
        s.add(Surgery(patient_id=ids.bob, surgery_date=DAY, levels=["L4-L5"]))
    with db.unit_of_work("nurse.lee") as s:
        exercise = s.query(Exercise).filter_by(code="av-squat").one()
        exercise.instructions = "Back against the wall."
    return ids


def _entries(db: Database, **filters: object) -> list[audit_view.TrailEntry]:
    viewer = AuditViewService(db, staff("admin"))
    query = viewer.query(AuditFilter(**filters))  # type: ignore[arg-type]
    return viewer.page(query, limit=1000).entries


def test_a_patient_filter_finds_every_record_of_the_patient_and_no_other(any_db: Database) -> None:
    ids = _clinic(any_db)
    Services(any_db, staff("dr.kim")).disclosures.accessed(ids.ada)

    ada = _entries(any_db, patient="RT-A0001")
    got = {(e.entity, e.entity_id, e.action) for e in ada}
    for entity, row in (("patients", ids.ada), ("programs", ids.program),
                        ("session_logs", ids.session), ("exercise_logs", ids.exercise_log),
                        ("set_logs", ids.set_log)):
        assert (entity, str(row), "create") in got
    # the removed set: both its entries, found although the row is gone
    assert ("set_logs", str(ids.removed_set), "create") in got
    assert ("set_logs", str(ids.removed_set), "delete") in got
    assert ("patients", str(ids.ada), "access") in got
    assert any(e.entity == "program_phases" for e in ada)
    # every entry names Ada, nested ones included; none is Bob's or the library's
    assert {e.patient.text() for e in ada if e.patient} == {"RT-A0001 Ada Lovelace"}
    assert all(e.patient_id == str(ids.ada) for e in ada)
    assert not any(e.entity in ("exercises", "surgeries") for e in ada)
    bob = _entries(any_db, patient="RT-B0002")
    assert {e.entity for e in bob} == {"patients", "surgeries"}
    assert {e.patient.text() for e in bob if e.patient} == {"RT-B0002 Bob Stone"}


def test_an_update_reads_field_by_field_with_labels_and_names(any_db: Database) -> None:
    ids = _clinic(any_db)
    (update,) = _entries(any_db, patient="RT-A0001", kind="update")
    assert (update.actor, update.kind, update.record) == ("dr.kim", "Changed", "Patient")
    texts = [c.text() for c in update.changes]
    assert texts == ["Weight (kg): 61.5 -> 63", "Phone: (empty) -> 555-0100"]  # model order
    # bookkeeping (version, updated at) is not shown as a change
    assert {c.field for c in update.changes} == {"phone", "weight_kg"}
    # a foreign key reads as what it names: the patient, the exercise, the session
    (log,) = [e for e in _entries(any_db, patient="RT-A0001") if e.entity == "exercise_logs"]
    fields = {c.label: c.after for c in log.changes}
    assert fields["Exercise"] == "Wall squat"
    assert fields["Session"] == f"session of {DAY.isoformat()}"
    (program,) = [e for e in _entries(any_db, kind="create") if e.entity == "programs"]
    assert {c.label: c.after for c in program.changes}["Patient"] == "RT-A0001 Ada Lovelace"
    assert str(ids.program) == program.entity_id


def test_filters_by_user_kind_and_dates(any_db: Database) -> None:
    _clinic(any_db)
    lee = _entries(any_db, user="nurse.lee")
    assert {e.actor for e in lee} == {"nurse.lee"}
    assert [(e.entity, e.action) for e in lee] == [("exercises", "update"),
                                                  ("surgeries", "create")]
    deletes = _entries(any_db, kind="delete")
    assert [e.entity for e in deletes] == ["set_logs"]
    today = dt.datetime.now().date()
    assert len(_entries(any_db, since=today, until=today)) == len(_entries(any_db))
    assert _entries(any_db, until=today - dt.timedelta(days=1)) == []
    assert _entries(any_db, since=today + dt.timedelta(days=1)) == []
    assert _entries(any_db, user="nobody") == []


def test_bad_filters_are_refused_at_their_fields(any_db: Database) -> None:
    viewer = AuditViewService(any_db, staff("admin"))
    with pytest.raises(ValidationError) as refused:
        viewer.query(AuditFilter(patient="RT-NOPE", since=DAY, until=DAY - dt.timedelta(days=1),
                                 kind="drop table"))
    assert set(refused.value.errors) == {"patient", "until", "kind"}
    assert "RT-NOPE" in refused.value.errors["patient"]


def test_pages_follow_each_other_without_gaps_or_repeats(any_db: Database) -> None:
    _clinic(any_db)
    viewer = AuditViewService(any_db, staff("admin"))
    query = viewer.query(AuditFilter())
    everything = [e.seq for e in viewer.page(query, limit=1000).entries]
    seen: list[int] = []
    page = viewer.page(query, limit=3)
    while True:
        seen += [e.seq for e in page.entries]
        if not page.more:
            break
        page = viewer.page(query, before=page.last, limit=3)
    assert seen == everything == sorted(everything, reverse=True)
    assert len(seen) > 6


def test_disclosures_and_openings_are_worded(any_db: Database) -> None:
    ids = _clinic(any_db)
    services = Services(any_db, staff("dr.kim"))
    services.disclosures.disclosed(ids.ada, "report_pdf", "/home/kim/ada.pdf")
    services.disclosures.accessed(ids.ada)
    opened, disclosed = _entries(any_db, kind="access")[0], _entries(any_db, kind="disclose")[0]
    assert opened.kind == "Record opened"
    assert [c.text() for c in opened.changes] == ["What: patient record opened"]
    assert disclosed.kind == "Disclosure"
    assert [c.text() for c in disclosed.changes] == [
        "What: progress report saved as PDF", "Where it went: /home/kim/ada.pdf"]
    assert disclosed.patient is not None and disclosed.patient.record_number == "RT-A0001"


def test_the_csv_export_holds_the_filtered_rows_is_private_and_is_a_disclosure(
    any_db: Database, tmp_path: Path, usual_umask: None
) -> None:
    ids = _clinic(any_db)
    viewer = AuditViewService(any_db, staff("admin"))
    query = viewer.query(AuditFilter(user="dr.kim"))
    expected = viewer.page(query, limit=1000).entries
    out = tmp_path / "trail.csv"
    steps: list[tuple[int, int]] = []
    made = viewer.export_csv(query, out, batch=4, progress=lambda *step: steps.append(step))
    assert viewer.count(query) == len(expected)
    assert steps[0] == (0, len(expected)) and steps[-1] == (len(expected), len(expected))
    assert len(steps) == 1 + -(-len(expected) // 4)  # the start, then one a batch

    assert file_mode(out) == 0o600
    with out.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0] == list(audit_view.COLUMNS)
    assert [r[0] for r in rows[1:]] == [str(e.seq) for e in expected]
    assert {r[2] for r in rows[1:]} == {"dr.kim"}
    assert made.rows == len(expected) and made.patients == 2  # Ada's records and Bob's own
    disclosures = _entries(any_db, kind="disclose")
    assert {(d.actor, d.patient_id) for d in disclosures} == {("admin", str(ids.ada)),
                                                             ("admin", str(ids.bob))}
    assert all("audit trail entries exported to CSV" in d.summary for d in disclosures)
    assert all(str(out) in d.summary for d in disclosures)
    assert maintenance.check(any_db).ok


def test_a_cell_a_spreadsheet_would_run_is_defused(db: Database, tmp_path: Path) -> None:
    with db.unit_of_work("=HYPERLINK(1)") as s:
        s.add(make_patient("RT-C0003", given_name="@SUM(A1)"))
    viewer = AuditViewService(db, staff("admin"))
    out = tmp_path / "t.csv"
    viewer.export_csv(viewer.query(AuditFilter()), out)
    with out.open(newline="", encoding="utf-8") as f:
        (row,) = list(csv.reader(f))[1:]
    assert row[2] == "'=HYPERLINK(1)"
    assert row[5] == "'@SUM(A1) Lovelace"


def test_an_export_that_cannot_be_recorded_leaves_no_file(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _clinic(db)

    def refuse(*args: object, **kwargs: object) -> None:
        raise ServiceError("disk full")

    monkeypatch.setattr(audit_view.disclosures.DisclosureService, "disclosed_many", refuse)
    viewer = AuditViewService(db, staff("admin"))
    out = tmp_path / "trail.csv"
    with pytest.raises(ServiceError):
        viewer.export_csv(viewer.query(AuditFilter()), out)
    assert not out.exists()


def test_every_entry_point_refuses_a_role_without_the_audit_permission(
    db: Database, tmp_path: Path
) -> None:
    query = AuditViewService(db, staff("admin")).query(AuditFilter())
    for role in (Role.PHYSIOTHERAPIST, Role.ASSISTANT, Role.READ_ONLY):
        viewer = AuditViewService(db, staff("kim", role))
        calls = (
            (viewer.choices, ()),
            (viewer.query, (AuditFilter(),)),
            (viewer.page, (query,)),
            (viewer.count, (query,)),
            (viewer.export_csv, (query, tmp_path / "x.csv")),
        )
        for call, args in calls:
            with pytest.raises(PermissionDenied, match="cannot read the audit trail"):
                call(*args)  # type: ignore[operator]
    assert not (tmp_path / "x.csv").exists()


def test_choices_list_the_users_and_the_kinds_the_trail_holds(db: Database) -> None:
    _clinic(db)
    with db.unit_of_work("admin") as s:
        from rehab_tracker.data import audit

        audit.append(s, [("sign_in", "users", "admin", None, {"workstation": "desk 1"})])
    choices = AuditViewService(db, staff("admin")).choices()
    assert choices.users == ["admin", "dr.kim", "nurse.lee"]
    kinds = dict(choices.kinds)
    assert kinds["access"] == "Record opened" and kinds["sign_in"] == "Sign in"
    (signed_in,) = _entries(db, kind="sign_in")
    assert (signed_in.record, signed_in.patient, signed_in.summary) == (
        "User", None, "Workstation: desk 1")
