"""Issue 9 item 3, creating a program: a template dose that goes past a surgeon restriction in
force during its phase is refused at its item (nothing created) unless a reason is given, which is
stored on each such prescription; or the clinician lowers the loads and sitting times to the
limits, and only what cannot be lowered (a movement ruled out) still needs the reason (on SQLite
and on PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import func, select

from rehab_tracker.data.database import Database
from rehab_tracker.data.models import AuditEntry, Program
from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.domain.restrictions import Restriction
from rehab_tracker.services.container import Services
from tests.services.test_programs import TEMPLATE, enrol
from tests.staff import staff

REASON = "Surgeon agreed the template's doses at the 4-week review"


@pytest.fixture
def db(any_db: Database) -> Database:
    """SQLite, then PostgreSQL when REHAB_TRACKER_TEST_PG_URL is set."""
    return any_db


@pytest.fixture
def clinic(db: Database) -> Services:
    return Services(db, staff("tester"))


def _restrict(clinic: Services, patient: uuid.UUID, today: dt.date, *items: Restriction) -> None:
    for item in items:
        clinic.restrictions.add(patient, item, today=today)


def _programs(db: Database) -> int:
    with db.reading() as s:
        return int(s.scalar(select(func.count()).select_from(Program)) or 0)


def _rx(clinic: Services, program_id: uuid.UUID) -> dict[tuple[str, str], object]:
    program = clinic.programs.program(program_id)
    return {(ph.name, rx.exercise_code): rx for ph in program.phases for rx in ph.prescriptions}


def test_a_template_load_past_the_lifting_limit_needs_a_reason_and_it_is_stored(
    db: Database, clinic: Services, today: dt.date
) -> None:
    patient = enrol(db, today)
    _restrict(clinic, patient, today, Restriction("lifting", today + dt.timedelta(weeks=10),
                                                  limit=5))
    with pytest.raises(ValidationError) as info:
        clinic.programs.create_from_template(patient, TEMPLATE, "high", today, today=today)
    errors = info.value.errors
    assert "restriction_reason" in errors
    listed = " ".join(v for k, v in errors.items() if k.endswith(".restriction"))
    assert "Romanian deadlift is dosed at 8 kg" in listed and "Lifting limit 5 kg" in listed
    assert "Goblet squat is dosed at 12 kg" in listed
    assert _programs(db) == 0  # nothing created
    breaches = clinic.programs.template_breaches(patient, TEMPLATE, "high", today, today=today)
    assert set(breaches) == {k for k in errors if k.endswith(".restriction")}
    with pytest.raises(ValidationError) as blank:
        clinic.programs.create_from_template(
            patient, TEMPLATE, "high", today, today=today, restriction_reason="   "
        )
    assert "restriction_reason" in blank.value.errors
    program_id = clinic.programs.create_from_template(
        patient, TEMPLATE, "high", today, today=today, restriction_reason=REASON
    )
    rows = _rx(clinic, program_id)
    over = [rx for rx in rows.values() if (rx.dosage.load_kg or 0) > 5]  # type: ignore[attr-defined]
    assert over and all(rx.restriction_override == REASON for rx in over)  # type: ignore[attr-defined]
    within = [rx for rx in rows.values() if (rx.dosage.load_kg or 0) <= 5]  # type: ignore[attr-defined]
    assert all(rx.restriction_override is None for rx in within)  # type: ignore[attr-defined]
    with db.reading() as s:
        audited = s.scalars(select(AuditEntry).where(AuditEntry.entity == "prescriptions")).all()
    assert sum(1 for a in audited if (a.after or {}).get("restriction_override") == REASON) == len(
        over
    )


def test_a_restriction_that_ends_before_a_phase_does_not_touch_that_phase(
    db: Database, clinic: Services, today: dt.date
) -> None:
    """A 5 kg limit ending before the strength phase starts: no template load goes past it (the
    first phase carries no load), so the program is created without a reason."""
    patient = enrol(db, today)
    _restrict(clinic, patient, today, Restriction("lifting", today + dt.timedelta(days=10),
                                                  limit=5))
    assert clinic.programs.template_breaches(patient, TEMPLATE, "high", today, today=today) == {}
    program_id = clinic.programs.create_from_template(patient, TEMPLATE, "high", today,
                                                      today=today)
    assert all(rx.restriction_override is None for rx in _rx(clinic, program_id).values())  # type: ignore[attr-defined]


def test_lowering_to_the_limits_caps_loads_and_a_ruled_out_movement_still_needs_a_reason(
    db: Database, clinic: Services, today: dt.date
) -> None:
    patient = enrol(db, today)
    until = today + dt.timedelta(weeks=14)
    _restrict(clinic, patient, today, Restriction("lifting", until, limit=5),
              Restriction("no_loaded_flexion", until))
    lowered = clinic.programs.template_breaches(
        patient, TEMPLATE, "high", today, today=today, within_limits=True
    )
    assert lowered and all("bends the low back forward" in m for m in lowered.values())
    assert not any("is dosed at" in m for m in lowered.values())
    with pytest.raises(ValidationError):
        clinic.programs.create_from_template(
            patient, TEMPLATE, "high", today, today=today, within_limits=True
        )
    program_id = clinic.programs.create_from_template(
        patient, TEMPLATE, "high", today, today=today, within_limits=True,
        restriction_reason="Curl-up and hinge patterns taught unloaded first",
    )
    rows = _rx(clinic, program_id)
    assert max((rx.dosage.load_kg or 0) for rx in rows.values()) == 5  # type: ignore[attr-defined]
    step_up = [rx for (_ph, code), rx in rows.items() if code == "step_up"]
    assert step_up and all(rx.restriction_override is None for rx in step_up)  # type: ignore[attr-defined]
    flexion = [rx for (_ph, code), rx in rows.items() if code == "romanian_deadlift"]
    assert flexion and all(rx.restriction_override for rx in flexion)  # type: ignore[attr-defined]
