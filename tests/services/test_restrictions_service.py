"""Issue 9 item 3 on the demo clinic: a patient's surgeon restrictions are stored with the patient
(audited), capped into every progression suggestion, and a dose past one is saved from the
builder only with a reason, which is stored and audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from sqlalchemy import select

from rehab_tracker.data.database import Database
from rehab_tracker.data.models import AuditEntry, Prescription
from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.domain.redflags import ClearanceEntry, RedFlagOutcomeEntry
from rehab_tracker.domain.restrictions import ExerciseFacts, Restriction, check_dose
from rehab_tracker.services.container import Services
from tests.staff import staff


@pytest.fixture
def clinic(demo_db: Database) -> Services:
    return Services(demo_db, staff("tester"))


def _patient(clinic: Services, today: dt.date, number: str = "RT-00006"):
    row = next(r for r in clinic.patients.list_patients(today=today) if r.record_number == number)
    return row.id


def _set_restrictions(clinic: Services, patient_id, items, today: dt.date) -> None:
    """What the patient dialog's Save does: the details as they are, the restrictions given."""
    record = clinic.patients.record(patient_id)
    clinic.patients.update(
        patient_id, record.details, record.surgery, expected_version=record.version,
        today=today, restrictions=items,
    )


def _audit(db: Database, entity: str) -> list[AuditEntry]:
    with db.reading() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.entity == entity)
                              .order_by(AuditEntry.seq)))


def test_restrictions_are_saved_with_the_patient_changed_and_removed_each_audited(
    clinic: Services, demo_db: Database, today: dt.date
) -> None:
    pid = _patient(clinic, today)
    until = today + dt.timedelta(days=30)
    seen = len(_audit(demo_db, "restrictions"))  # the demo's own
    _set_restrictions(clinic, pid, [
        Restriction("lifting", until, limit=5),
        Restriction("other", until, detail="No swimming"),
    ], today)
    saved = clinic.patients.record(pid).restrictions
    assert [(r.kind, r.limit, r.until, r.starts_on, r.set_by) for r in saved] == [
        ("lifting", 5.0, until, today, "surgeon"),
        ("other", None, until, today, "surgeon"),
    ]
    lifting, _other = saved
    later = until + dt.timedelta(days=14)
    _set_restrictions(clinic, pid, [replace(lifting, until=later)], today)  # "other" removed
    (kept,) = clinic.patients.record(pid).restrictions
    assert kept.id == lifting.id and kept.until == later
    entries = _audit(demo_db, "restrictions")[seen:]
    actions = [(a.action, (a.after or a.before or {}).get("kind")) for a in entries]
    assert actions == [("create", "lifting"), ("create", "other"), ("update", "lifting"),
                       ("delete", "other")]
    update = entries[2]
    assert update.before["until"] == until.isoformat()
    assert update.after["until"] == later.isoformat()
    assert clinic.patients.overview(pid, today=today).restrictions == (kept,)
    # and one at a time
    clinic.restrictions.remove(kept.id)
    assert clinic.restrictions.list_for(pid) == ()


def test_bad_restrictions_are_refused_with_the_patient_unchanged(
    clinic: Services, today: dt.date
) -> None:
    pid = _patient(clinic, today)
    before = clinic.patients.record(pid)
    with pytest.raises(ValidationError) as info:
        _set_restrictions(clinic, pid, [
            Restriction("lifting", today + dt.timedelta(days=10), limit=80),
            Restriction("no_twisting", None),
        ], today)
    assert set(info.value.errors) == {"restrictions[0].limit", "restrictions[1].until"}
    assert clinic.patients.record(pid) == before


ALL_KINDS = (
    ("lifting", 0.0), ("no_twisting", None), ("no_loaded_flexion", None), ("sitting", 5.0),
)


def _clear_red_flags(clinic: Services, patient_id, today: dt.date) -> None:  # type: ignore[no-untyped-def]
    """Record the outcome and clearance of every open red flag (the hold would mask the caps)."""
    for flag in clinic.sessions.open_red_flags(patient_id):
        clinic.sessions.record_red_flag_outcome(
            flag.session_id, RedFlagOutcomeEntry("Assessed.", "surgeon"),
            ClearanceEntry("surgeon Dr Ng", today), today=today,
        )


def test_a_restriction_caps_every_suggestion_of_the_demo_clinic(
    clinic: Services, demo_db: Database, today: dt.date
) -> None:
    """Every demo patient gets every kind of restriction at its strictest; no suggestion of any
    of them then goes past one, and each one the rules would have let past names it."""
    until = today + dt.timedelta(days=21)
    seen = held = 0
    for row in clinic.patients.list_patients(today=today):
        program = clinic.programs.active_program_for(row.id)
        if program is None:
            continue
        _clear_red_flags(clinic, row.id, today)
        free = clinic.programs.suggestions(program.id, today=today)
        active = [Restriction(k, until, limit=v) for k, v in ALL_KINDS]
        _set_restrictions(clinic, row.id, active, today)
        capped = clinic.programs.suggestions(program.id, today=today)
        assert capped.keys() == free.keys()
        with demo_db.reading() as s:
            rows = {rx.id: rx for rx in s.scalars(select(Prescription).where(
                Prescription.program_id == program.id))}
            facts = {k: ExerciseFacts(rx.exercise.name, tuple(rx.exercise.movements))
                     for k, rx in rows.items()}
        for rx_id, sug in capped.items():
            seen += 1
            limits = [r for r in active if r.kind in ("lifting", "sitting")]
            assert check_dose(facts[rx_id], sug.suggested, limits) == []
            if check_dose(facts[rx_id], free[rx_id].suggested, active):
                held += 1
                assert sug.action != "progress" or sug.reason.startswith("Progress, capped")
                assert "until " + until.isoformat() in sug.reason
            else:
                assert sug == free[rx_id]
    assert seen > 20 and held > 3


def test_the_builder_saves_a_dose_past_a_restriction_only_with_a_reason(
    clinic: Services, demo_db: Database, today: dt.date
) -> None:
    pid = _patient(clinic, today, "RT-00003")  # RT-00006's open red flag would refuse first
    _set_restrictions(clinic, pid, [Restriction("lifting", today + dt.timedelta(days=30),
                                                limit=5)], today)
    program = clinic.programs.active_program_for(pid)
    assert program is not None
    draft = program.to_draft()
    phase = draft.phases[0]
    item = next(i for i in phase.items if i.dosage.dosage_type == "reps")
    index = phase.items.index(item)
    heavier = replace(item, dosage=replace(item.dosage, load_kg=8.0))
    items = list(phase.items)
    items[index] = heavier
    edited = replace(draft, phases=(replace(phase, items=tuple(items)), *draft.phases[1:]))
    key = f"phases[0].items[{index}].restriction"

    assert list(clinic.programs.restriction_breaches(program.id, edited, today=today)) == [key]
    with pytest.raises(ValidationError) as info:
        clinic.programs.save_edits(program.id, edited, expected_version=program.version,
                                   today=today)
    assert "Lifting limit 5 kg" in info.value.errors[key]
    assert "give a reason" in info.value.errors["restriction_reason"]
    assert clinic.programs.program(program.id) == program  # nothing written

    reason = "Surgeon agreed 8 kg at the 4-week review"
    clinic.programs.save_edits(program.id, edited, expected_version=program.version,
                               today=today, restriction_reason=reason)
    saved = clinic.programs.program(program.id).phases[0].prescriptions[index]
    assert saved.dosage.load_kg == 8.0
    with demo_db.reading() as s:
        assert s.get(Prescription, saved.id).restriction_override == reason
    created = [a for a in _audit(demo_db, "prescriptions") if a.entity_id == saved.id.hex
               or a.entity_id == str(saved.id)]
    assert created and created[-1].after["restriction_override"] == reason
    # a dose within the limits needs no reason and stores none
    assert clinic.programs.restriction_breaches(program.id, program.to_draft(), today=today) == {}


def test_accepting_a_dose_past_a_restriction_needs_a_reason(
    clinic: Services, today: dt.date
) -> None:
    pid = _patient(clinic, today)
    _clear_red_flags(clinic, pid, today)
    program = clinic.programs.active_program_for(pid)
    assert program is not None
    sug = next(iter(clinic.programs.suggestions(program.id, today=today).values()))
    _set_restrictions(clinic, pid, [Restriction("lifting", today + dt.timedelta(days=9),
                                                limit=2)], today)
    heavy = replace(sug.current, load_kg=4.0) if sug.current.dosage_type in ("reps", "hold") \
        else None
    if heavy is None:
        pytest.skip("the first suggestion is not a loadable exercise")
    with pytest.raises(ValidationError) as info:
        clinic.programs.accept_suggestion(sug.prescription_id, heavy, today=today)
    assert "Lifting limit 2 kg" in info.value.errors["dosage"]
    assert clinic.programs.accept_suggestion(
        sug.prescription_id, heavy, today=today, restriction_reason="Cleared by the surgeon"
    )


def test_the_demo_clinic_has_a_patient_whose_restrictions_hold_her_suggestions(
    clinic: Services, today: dt.date
) -> None:
    """RT-00005 (Ingrid Castellano, week 3) had two levels operated: her surgeon's 5 kg lifting
    limit and no loaded forward bending run to 12 weeks after surgery."""
    pid = _patient(clinic, today, "RT-00005")
    active = clinic.patients.overview(pid, today=today).restrictions
    assert [r.kind for r in active] == ["lifting", "no_loaded_flexion"]
    program = clinic.programs.active_program_for(pid)
    assert program is not None
    suggestions = clinic.programs.suggestions(program.id, today=today)
    curl = next(s for s in suggestions.values() if s.exercise_name.startswith("Curl-up"))
    assert curl.action == "hold"
    assert curl.reason.startswith("Hold: No loaded forward bending until ")
    assert all((s.suggested.load_kg or 0) <= 5 for s in suggestions.values())
