"""ProgramService: build from the template, edit with history, progression suggestions."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from rehab_tracker.data.database import Database
from rehab_tracker.data.models import (
    AdverseEvent,
    AuditEntry,
    ExerciseLog,
    Prescription,
    ScheduledSession,
    SessionLog,
    SetLog,
)
from rehab_tracker.domain.dosage import Dosage
from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.domain.patients import PatientDetails, SurgeryDetails
from rehab_tracker.services.container import Services
from rehab_tracker.services.errors import ConflictError, ServiceError
from rehab_tracker.services.programs import (
    PrescriptionDraft,
    ProgramDetail,
    ProgramService,
)
from tests.staff import staff

SURGERY = dt.date(2026, 10, 19)  # five weeks before the tests' today (2026-11-23, a Monday)
TEMPLATE = "usc-12-week"


def enrol(db: Database, today: dt.date, surgery: dt.date | None = SURGERY) -> uuid.UUID:
    details = PatientDetails(
        given_name="Ada",
        family_name="Lumbar",
        date_of_birth=dt.date(1980, 5, 17),
        sex="female",
        pathway="surgical" if surgery else "conservative",
    )
    sx = SurgeryDetails(surgery_date=surgery, levels=("L5-S1",)) if surgery else None
    return Services(db, staff("tester")).patients.enrol(details, sx, today=today)


@pytest.fixture
def svc(db: Database) -> ProgramService:
    return ProgramService(db, staff("tester"))


def build(svc: ProgramService, patient: uuid.UUID, today: dt.date, **kw: object) -> uuid.UUID:
    return svc.create_from_template(patient, TEMPLATE, "high", today, today=today, **kw)  # type: ignore[arg-type]


def test_templates_list_the_shipped_one(svc: ProgramService) -> None:
    infos = svc.templates()
    usc = next(t for t in infos if t.code == TEMPLATE)
    assert usc.builtin and usc.weeks == 12 and usc.sessions_per_week == 3
    assert "defaults" in usc.dosage_note
    assert any("Kulig" in s for s in usc.sources)
    assert ("high", "High intensity") in usc.variants
    assert svc.template(TEMPLATE) == usc


def test_create_schedules_education_and_36_sessions(
    db: Database, svc: ProgramService, today: dt.date
) -> None:
    patient = enrol(db, today)
    assert svc.suggested_start(patient, today=today) == today
    program_id = build(svc, patient, today)
    p = svc.program(program_id)
    assert p.status == "active" and p.intensity == "high" and p.early_start_reason is None
    numbers = [s.number for s in p.sessions]
    assert numbers == list(range(37))
    assert p.sessions[0].kind == "education" and p.sessions[0].date == today
    exercise = p.sessions[1:]
    assert all(s.kind == "exercise" for s in exercise)
    assert exercise[0].date == today + dt.timedelta(days=2)  # Wednesday, 2 days after education
    assert {s.date.weekday() for s in exercise} == {0, 2, 4}
    assert [s.week for s in exercise] == [w for w in range(1, 13) for _ in range(3)]
    # phases: weeks 1-4, 5-8, 9-12 with contiguous dates
    assert [(ph.start_week, ph.end_week) for ph in p.phases] == [(1, 4), (5, 8), (9, 12)]
    assert p.phases[0].start_date == exercise[0].date
    assert p.phases[-1].end_date == exercise[-1].date
    assert all(a.end_date < b.start_date for a, b in zip(p.phases, p.phases[1:], strict=False))
    # prescriptions from the template's high variant
    first = p.phases[0].prescriptions
    assert len(first) == 14 and [rx.position for rx in first] == list(range(14))
    brace = next(rx for rx in first if rx.exercise_code == "abdominal_brace_supine")
    assert brace.dosage == Dosage("hold", 2, 8, 10, 10.0, None, None, None, 3)
    assert brace.instructions  # from the library
    # assessments: baseline, week 6, week 12
    assert [a.timepoint for a in p.assessments] == ["baseline", "mid", "end"]
    assert p.assessments[0].due_date == today
    assert p.assessments[1].due_date == next(s.date for s in reversed(exercise) if s.week == 6)
    assert "odi" in p.assessments[0].instruments
    assert svc.active_program_for(patient) == p


def test_low_intensity_uses_low_variant(db: Database, svc: ProgramService, today: dt.date) -> None:
    patient = enrol(db, today)
    pid = svc.create_from_template(patient, TEMPLATE, "low", today, today=today)
    brace = next(
        rx
        for rx in svc.program(pid).phases[0].prescriptions
        if rx.exercise_code == "abdominal_brace_supine"
    )
    assert brace.dosage.sets == 1 and brace.dosage.effort_target == 1


def test_early_start_needs_reason(db: Database, svc: ProgramService, today: dt.date) -> None:
    patient = enrol(db, today, surgery=dt.date(2026, 11, 2))  # 3 weeks ago
    with pytest.raises(ValidationError) as info:
        build(svc, patient, today)
    assert "start_date" in info.value.errors
    assert svc.active_program_for(patient) is None
    preview = svc.preview(patient, TEMPLATE, "high", today, today=today, early_start_reason="x")
    assert preview.early_start and preview.sessions == 36
    pid = build(svc, patient, today, early_start_reason="  Surgeon cleared early start  ")
    p = svc.program(pid)
    assert p.early_start_reason == "Surgeon cleared early start"
    assert any("Surgeon cleared" in w for w in p.warnings)


def test_second_active_program_refused(db: Database, svc: ProgramService, today: dt.date) -> None:
    patient = enrol(db, today)
    build(svc, patient, today)
    with pytest.raises(ServiceError, match="already has an active program"):
        build(svc, patient, today)


def test_conservative_pathway_has_no_surgery_rule(
    db: Database, svc: ProgramService, today: dt.date
) -> None:
    patient = enrol(db, today, surgery=None)
    pid = build(svc, patient, today)
    assert len(svc.program(pid).sessions) == 37




def test_save_edits_keeps_history(db: Database, svc: ProgramService, today: dt.date) -> None:
    patient = enrol(db, today)
    pid = build(svc, patient, today)
    p = svc.program(pid)
    draft = p.to_draft()
    ph0 = draft.phases[0]
    items = list(ph0.items)
    changed = items[0]
    items[0] = replace(changed, dosage=replace(changed.dosage, sets=3), notes="Watch form")
    removed = items.pop(1)
    items[1], items[2] = items[2], items[1]  # reorder
    items.append(
        PrescriptionDraft("stationary_bike", Dosage("time", 1, duration_s=600.0))
    )
    draft = replace(
        draft,
        phases=(replace(ph0, name="Motor control", items=tuple(items)), *draft.phases[1:]),
    )
    new_version = svc.save_edits(pid, draft, expected_version=p.version)
    assert new_version == p.version + 1

    after = svc.program(pid)
    assert after.version == new_version
    ph = after.phases[0]
    assert ph.name == "Motor control"
    assert [rx.exercise_code for rx in ph.prescriptions] == [
        i.exercise_code for i in items
    ]
    assert ph.prescriptions[0].dosage.sets == 3 and ph.prescriptions[0].notes == "Watch form"
    assert ph.prescriptions[0].id != changed.prescription_id  # a new row
    assert ph.prescriptions[1].id == items[1].prescription_id  # reordered only: same row
    assert ph.prescriptions[-1].dosage.duration_s == 600.0

    history = {rx.id: rx for rx in svc.prescription_history(pid)}
    assert changed.prescription_id is not None and removed.prescription_id is not None
    old = history[changed.prescription_id]
    assert old.valid_to is not None and old.dosage.sets == changed.dosage.sets
    assert history[removed.prescription_id].valid_to is not None
    assert history[ph.prescriptions[0].id].valid_to is None
    assert history[ph.prescriptions[0].id].valid_from == old.valid_to
    with db.reading() as s:
        audited = s.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.entity == "prescriptions")
        )
    assert audited and audited > 43  # creation rows plus the edits

    # a stale version is refused
    with pytest.raises(ConflictError):
        svc.save_edits(pid, after.to_draft(), expected_version=p.version)


def test_save_edits_validates_fields(db: Database, svc: ProgramService, today: dt.date) -> None:
    patient = enrol(db, today)
    pid = build(svc, patient, today)
    p = svc.program(pid)
    draft = p.to_draft()
    ph0 = draft.phases[0]
    bad = replace(
        ph0.items[0], dosage=replace(ph0.items[0].dosage, sets=0, reps_min=12, reps_max=8)
    )
    draft = replace(
        draft, phases=(replace(ph0, name=" ", items=(bad, *ph0.items[1:])), *draft.phases[1:])
    )
    with pytest.raises(ValidationError) as info:
        svc.save_edits(pid, draft, expected_version=p.version)
    assert set(info.value.errors) >= {
        "phases[0].name",
        "phases[0].items[0].sets",
        "phases[0].items[0].reps_max",
    }
    assert svc.program(pid) == p  # nothing written


@pytest.mark.parametrize(
    ("dose", "field"),
    [
        (Dosage("reps", 0, 8, 10), "sets"),
        (Dosage("reps", 2, 12, 8), "reps_max"),
        (Dosage("reps", 2, 8, None), "reps_max"),
        (Dosage("reps", 2, 8, 10, effort_target=11), "effort_target"),
        (Dosage("reps", 2, 8, 10, load_kg=-1.0), "load_kg"),
        (Dosage("hold", 2), "hold_seconds"),
        (Dosage("distance", 1, distance_m=0.0), "distance_m"),
        (Dosage("time", 1), "duration_s"),
    ],
)
def test_dosage_validation(dose: Dosage, field: str) -> None:
    from rehab_tracker.services.programs import validate_dosage

    with pytest.raises(ValidationError) as info:
        validate_dosage(dose)
    assert field in info.value.errors


def test_save_as_template(db: Database, svc: ProgramService, today: dt.date) -> None:
    patient = enrol(db, today)
    pid = build(svc, patient, today)
    assert svc.save_as_template(pid, "clinic-usc", "Our USC variant") == "clinic-usc"
    codes = [t.code for t in svc.templates()]
    assert "clinic-usc" in codes and TEMPLATE in codes
    info = svc.template("clinic-usc")
    assert info.name == "Our USC variant" and not info.builtin
    with pytest.raises(ValidationError):
        svc.save_as_template(pid, "clinic-usc", "again")
    other = enrol(db, today)
    pid2 = svc.create_from_template(other, "clinic-usc", "low", today, today=today)
    assert len(svc.program(pid2).phases[0].prescriptions) == 14


def _log(
    db: Database,
    program: ProgramDetail,
    exercise_id: uuid.UUID,
    day: dt.date,
    sets: list[dict[str, object]],
    *,
    leg: tuple[int, int] = (2, 2),
    adverse: bool = False,
) -> None:
    with db.unit_of_work("tester") as s:
        slot = s.scalar(
            select(ScheduledSession).where(
                ScheduledSession.program_id == program.id, ScheduledSession.scheduled_date == day
            )
        )
        log = SessionLog(
            patient_id=program.patient_id,
            program_id=program.id,
            scheduled_session_id=slot.id if slot else None,
            session_date=day,
            pain_back_before=3,
            pain_back_after=3,
            pain_leg_before=leg[0],
            pain_leg_after=leg[1],
            red_flag_result="clear",
        )
        log.exercises.append(
            ExerciseLog(
                exercise_id=exercise_id,
                status="changed",
                sets=[SetLog(set_number=i + 1, **values) for i, values in enumerate(sets)],
            )
        )
        s.add(log)
        s.flush()
        if adverse:
            s.add(
                AdverseEvent(
                    patient_id=program.patient_id,
                    session_id=log.id,
                    occurred_on=day,
                    description="Leg pain flare",
                    severity="mild",
                )
            )


def test_suggestion_from_logged_sets_and_accept(
    db: Database, svc: ProgramService, today: dt.date
) -> None:
    patient = enrol(db, today)
    pid = build(svc, patient, today)
    p = svc.program(pid)
    session_1 = p.sessions[1]
    rxs = svc.prescriptions_for_session(session_1.id)
    assert rxs == list(p.phases[0].prescriptions)
    assert svc.prescriptions_for_session(p.sessions[0].id) == []  # education
    assert svc.prescriptions_for_session((pid, p.phases[1].start_date)) == list(
        p.phases[1].prescriptions
    )
    rx = next(r for r in rxs if r.exercise_code == "roman_chair_extension_60")
    assert rx.dosage.dosage_type == "reps" and rx.dosage.reps_max is not None
    day = session_1.date
    assert svc.suggestion_for(pid, rx.exercise_id, today=day) is None  # nothing logged yet

    top = [{"reps": rx.dosage.reps_max, "effort": 3} for _ in range(rx.dosage.sets)]
    _log(db, p, rx.exercise_id, day, top)
    once = svc.suggestion_for(pid, rx.exercise_id, today=day)
    assert once is not None and once.action == "repeat" and not once.changes  # high: 2 in a row
    assert "in 1 session, but high intensity progresses after 2 sessions in a row" in once.reason
    day = p.sessions[2].date
    _log(db, p, rx.exercise_id, day, top)
    sug = svc.suggestion_for(pid, rx.exercise_id, today=day)
    assert sug is not None and sug.action == "progress" and sug.changes
    assert sug.suggested.reps_max == rx.dosage.reps_max + 2  # the library's reps step
    assert sug.based_on == day and "in 2 sessions in a row" in sug.reason
    assert svc.suggestions(pid, today=day)[rx.id] == sug

    new_id = svc.accept_suggestion(rx.id, sug.suggested)
    history = {h.id: h for h in svc.prescription_history(pid)}
    assert history[rx.id].valid_to is not None
    assert history[new_id].valid_to is None and history[new_id].dosage == sug.suggested
    current = svc.program(pid).phases[0].prescriptions
    assert next(r for r in current if r.exercise_id == rx.exercise_id).id == new_id
    with pytest.raises(ConflictError):
        svc.accept_suggestion(rx.id, sug.suggested)  # already closed
    with pytest.raises(ValidationError) as info:
        svc.accept_suggestion(new_id, replace(sug.suggested, sets=0))
    assert "sets" in info.value.errors


def test_suggestion_steps_back_after_leg_pain(
    db: Database, svc: ProgramService, today: dt.date
) -> None:
    patient = enrol(db, today)
    pid = build(svc, patient, today)
    p = svc.program(pid)
    rx = next(
        r for r in p.phases[0].prescriptions if r.exercise_code == "roman_chair_extension_60"
    )
    day = p.sessions[1].date
    _log(db, p, rx.exercise_id, day, [{"reps": 5, "effort": 6}], leg=(2, 4), adverse=True)
    sug = svc.suggestion_for(pid, rx.exercise_id, today=day)
    assert sug is not None and sug.action == "step_back"
    assert "leg pain rose" in sug.reason.lower()
    assert sug.suggested.reps_max is not None and rx.dosage.reps_max is not None
    assert sug.suggested.reps_max < rx.dosage.reps_max


def test_prescriptions_count_rows(db: Database, svc: ProgramService, today: dt.date) -> None:
    patient = enrol(db, today)
    build(svc, patient, today)
    with db.reading() as s:
        n = s.scalar(select(func.count()).select_from(Prescription))
    assert n == 14 + 15 + 14


@pytest.mark.postgres
def test_create_and_edit_on_postgres(pg_db: Database, today: dt.date) -> None:
    svc = ProgramService(pg_db, staff("tester"))
    patient = enrol(pg_db, today)
    pid = build(svc, patient, today)
    p = svc.program(pid)
    assert len(p.sessions) == 37
    draft = p.to_draft()
    ph0 = draft.phases[0]
    first = replace(ph0.items[0], dosage=replace(ph0.items[0].dosage, sets=4))
    draft = replace(draft, phases=(replace(ph0, items=(first, *ph0.items[1:])), *draft.phases[1:]))
    svc.save_edits(pid, draft, expected_version=p.version)
    assert svc.program(pid).phases[0].prescriptions[0].dosage.sets == 4
    assert len(svc.prescription_history(pid)) == 43 + 1


def test_one_dose_text_for_library_prescription_and_program() -> None:
    """Library defaults, progression prescriptions and the program's dosages word a dose the
    same way (domain.dosage.describe_dose); only the progression text leaves effort out."""
    from rehab_tracker.domain.dosage import describe_dose
    from rehab_tracker.domain.progression import Prescription

    cases = [
        (dict(dosage_type="reps", sets=3, reps_min=8, reps_max=12, load_kg=17.25),
         "3 x 8-12 @ 17.25 kg"),
        (dict(dosage_type="hold", sets=2, reps_min=5, reps_max=5, hold_seconds=30.0),
         "2 x 5 x 30 s hold"),
        (dict(dosage_type="distance", sets=1, distance_m=400.0), "1 x 400 m"),
        (dict(dosage_type="time", sets=1, duration_s=90.0), "1 x 1 min 30 s"),
        # body weight: a load of 0 is not shown
        (dict(dosage_type="reps", sets=2, reps_min=10, reps_max=10, load_kg=0.0), "2 x 10"),
    ]
    for fields, text in cases:
        assert describe_dose(**fields) == text  # type: ignore[arg-type]
        assert Dosage(**fields).describe() == text  # type: ignore[arg-type]
        assert Prescription(Dosage(**fields)).describe() == text  # type: ignore[arg-type]
    assert Dosage("reps", 2, 8, 12, effort_target=4).describe() == "2 x 8-12, effort 4/10"
    assert Prescription(Dosage("reps", 2, 8, 12, effort_target=4)).describe() == "2 x 8-12"
    assert describe_dose("distance", 1) == "1 x ? m"
