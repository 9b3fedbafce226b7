"""Every user action is one transaction, and the audit trail names every row it removed.

A fault injected inside the action (an insert refused during the flush) must leave nothing of
the action committed, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event, func, select

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_sessions_support import build_patient

from rehab_tracker.data import audit
from rehab_tracker.data.database import Database
from rehab_tracker.data.models import (
    AuditEntry,
    Base,
    Counter,
    Draft,
    ExerciseLog,
    OutcomeAssessment,
    Patient,
    Program,
    SetLog,
    Setting,
)
from rehab_tracker.domain.redflags import RED_FLAGS
from rehab_tracker.domain.sessions import AdverseEventEntry, mark_all_done
from rehab_tracker.services.container import Services
from rehab_tracker.services.settings import ClinicDetails
from tests.staff import staff

ALL_NO = {f.code: False for f in RED_FLAGS}


class InjectedFault(RuntimeError):
    """The crash a test injects in the middle of a user action."""


@pytest.fixture
def leg_pain_insert_fails() -> Iterator[None]:
    """Every insert of a leg-pain row fails during the flush (a crash between the two rows)."""

    def refuse(_mapper: object, _conn: object, row: OutcomeAssessment) -> None:
        if row.instrument == "nprs_leg":
            raise InjectedFault("leg pain insert failed")

    event.listen(OutcomeAssessment, "before_insert", refuse)
    yield
    event.remove(OutcomeAssessment, "before_insert", refuse)


def _audit_count(db: Database, entity: str) -> int:
    with db.reading() as session:
        return session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.entity == entity)
        ) or 0


def test_back_and_leg_pain_are_saved_together_or_not_at_all(any_db, today, leg_pain_insert_fails):
    b = build_patient(any_db, today)
    trail_before = _audit_count(any_db, "outcome_assessments")
    with pytest.raises(InjectedFault):
        b.services.outcomes.record_nprs(
            b.patient_id, back=6, leg=7, assessed_on=today, today=today, timepoint="baseline"
        )
    assert b.services.outcomes.history(b.patient_id) == [], "back pain saved without leg pain"
    assert _audit_count(any_db, "outcome_assessments") == trail_before


def test_back_and_leg_pain_pair_is_recorded(any_db, today):
    b = build_patient(any_db, today)
    ids = b.services.outcomes.record_nprs(
        b.patient_id, back=6, leg=7, assessed_on=today, today=today, timepoint="baseline"
    )
    rows = {r.id: r for r in b.services.outcomes.history(b.patient_id)}
    assert [rows[i].value for i in ids] == [6, 7]
    assert _audit_count(any_db, "outcome_assessments") == 2


def _log_session(b, today):
    s = b.services.sessions
    slot = next(x for x in s.slots(b.patient_id) if x.open and x.kind == "exercise")
    form = s.new_form(b.patient_id, slot.id, today=today)
    entry = dataclasses.replace(mark_all_done(form.entry), red_flags=ALL_NO, pain_back_before=3,
                                pain_back_after=2, pain_leg_before=1, pain_leg_after=1)
    return s.save(b.patient_id, slot.id, entry, today=today)


def _children(db: Database, session_id) -> tuple[set[str], set[str]]:
    """The ids (as the trail writes them) of the session's exercise rows and their sets."""
    with db.reading() as session:
        exercises = set(session.scalars(
            select(ExerciseLog.id).where(ExerciseLog.session_id == session_id)))
        sets = set(session.scalars(
            select(SetLog.id).where(SetLog.exercise_log_id.in_(exercises))))
    return {str(i) for i in exercises}, {str(i) for i in sets}


def _deleted_in_trail(db: Database, entity: str) -> dict[str, dict]:
    with db.reading() as session:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.entity == entity, AuditEntry.action == "delete")
        ).all()
        return {row.entity_id: row.before for row in rows}


def test_correction_audits_every_exercise_row_and_set_it_removes(any_db, today):
    b = build_patient(any_db, today)
    sid = _log_session(b, today)
    exercises, sets = _children(any_db, sid)
    assert len(exercises) >= 2 and len(sets) >= 2, "the prefilled session has exercises and sets"
    form = b.services.sessions.edit_form(sid)
    # the therapist removes the first exercise (with its sets) from the logged session
    b.services.sessions.update(
        sid, dataclasses.replace(mark_all_done(form.entry), exercises=form.entry.exercises[1:]),
        expected_version=form.version, today=today,
    )
    left_exercises, left_sets = _children(any_db, sid)
    assert len(left_exercises) == len(exercises) - 1
    removed_exercises, removed_sets = exercises - left_exercises, sets - left_sets
    trail_exercises = _deleted_in_trail(any_db, "exercise_logs")
    trail_sets = _deleted_in_trail(any_db, "set_logs")
    assert removed_exercises <= trail_exercises.keys(), "removed exercise rows missing"
    assert removed_sets <= trail_sets.keys(), "removed sets missing from the trail"
    for set_id in removed_sets:  # the before image is the row as it was
        assert trail_sets[set_id]["id"] == set_id and trail_sets[set_id]["exercise_log_id"]
    with any_db.reading() as session:
        assert not audit.verify_chain(session)


def _all_rows(db: Database) -> dict[tuple[str, str], dict]:
    """Every audited row of the database: (table, id as the trail writes it) -> its values."""
    out = {}
    with db.reading() as session:
        for mapper in Base.registry.mappers:
            cls = mapper.class_
            if issubclass(cls, (AuditEntry, Draft, Counter)):
                continue
            for row in session.scalars(select(cls)):
                out[(cls.__tablename__, audit._entity_id(row))] = audit.snapshot(row)
    return out


def _trail_since(db: Database, seq: int) -> dict[tuple[str, str], list[str]]:
    with db.reading() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.seq > seq)).all()
        out: dict[tuple[str, str], list[str]] = {}
        for e in entries:
            out.setdefault((e.entity, e.entity_id), []).append(e.action)
        return out


def _a_full_record(b, today) -> None:
    """Sessions with sets and an adverse event, questionnaires and a walk test."""
    sid = _log_session(b, today)
    form = b.services.sessions.edit_form(sid)
    b.services.sessions.update(sid, dataclasses.replace(
        mark_all_done(form.entry), adverse_events=(AdverseEventEntry("dizzy", "mild", "rested"),)),
        expected_version=form.version, today=today)
    b.services.outcomes.record_nprs(b.patient_id, back=4, leg=3, assessed_on=today, today=today)
    b.services.outcomes.record_walk(b.patient_id, "walk_5min", 400.0, performed_on=today,
                                    today=today)


@pytest.mark.parametrize("remove", ["patient", "program"])
def test_rows_removed_or_unlinked_by_a_cascade_are_in_the_trail(any_db, today, remove):
    """Removing a patient or a program: each row that goes has a delete entry and each row
    whose link is cleared (SET NULL) an update entry, the database's own cascades included."""
    b = build_patient(any_db, today)
    _a_full_record(b, today)
    before = _all_rows(any_db)
    with any_db.reading() as session:
        last = session.scalar(select(func.max(AuditEntry.seq))) or 0
    with any_db.unit_of_work("admin") as session:
        if remove == "patient":
            session.delete(session.get(Patient, b.patient_id))
        else:
            session.delete(session.get(Program, b.program_id))
    after = _all_rows(any_db)
    trail = _trail_since(any_db, last)
    gone = before.keys() - after.keys()
    changed = {k for k in before.keys() & after.keys() if before[k] != after[k]}
    expected = {"programs", "program_phases", "prescriptions", "scheduled_sessions"}
    if remove == "patient":
        expected |= {"session_logs", "exercise_logs", "set_logs", "adverse_events",
                     "outcome_assessments", "walk_tests", "surgeries"}
    assert {t for t, _ in gone} >= expected
    assert [k for k in gone if trail.get(k) != ["delete"]] == []
    assert [k for k in changed if trail.get(k) != ["update"]] == []
    if remove == "program":
        assert {t for t, _ in changed} >= {"session_logs", "outcome_assessments", "walk_tests"}
    with any_db.reading() as session:
        assert not audit.verify_chain(session)


def test_clinic_settings_are_saved_together_or_not_at_all(any_db):
    services = Services(any_db, staff("tester"))

    def refuse(_mapper: object, _conn: object, row: Setting) -> None:
        if row.key == "thresholds":
            raise InjectedFault("thresholds insert failed")

    def save() -> None:
        services.settings.save_clinic_settings(
            ClinicDetails("Riverside Physiotherapy"),
            units="imperial",
            odi_max_missing=2,
            pain_ceiling=6,
            threshold_overrides={"odi": {"absolute": 12.0}},
        )

    event.listen(Setting, "before_insert", refuse)
    try:
        with pytest.raises(InjectedFault):
            save()
    finally:
        event.remove(Setting, "before_insert", refuse)
    stored = services.settings.load()
    assert (stored.units, stored.odi_max_missing, stored.threshold_overrides) == ("metric", 1, {})
    assert stored.progression_pain_ceiling == 7
    assert services.settings.clinic_details() == ClinicDetails()
    save()
    stored = services.settings.load()
    assert (stored.units, stored.odi_max_missing) == ("imperial", 2)
    assert stored.progression_pain_ceiling == 6
    assert stored.thresholds["odi"].absolute == 12.0
    assert services.settings.clinic_details().name == "Riverside Physiotherapy"
