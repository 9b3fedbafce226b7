"""Education service: idempotent seeding, clinic items validated, items covered per program."""

from __future__ import annotations

import datetime as dt

import pytest

from rehab_tracker.data.database import Database
from rehab_tracker.data.models import Patient, Program
from rehab_tracker.data.resources import load_education
from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.services.education import EducationForm, EducationService
from tests.staff import staff


@pytest.fixture
def education(db: Database) -> EducationService:
    return EducationService(db, staff("tester"))


@pytest.fixture
def program_id(db: Database, today: dt.date):  # type: ignore[no-untyped-def]
    with db.unit_of_work("tester") as session:
        patient = Patient(record_number="RT-1", given_name="A", family_name="B",
                          date_of_birth=dt.date(1980, 1, 1), sex="female")
        session.add(patient)
        session.flush()
        program = Program(patient_id=patient.id, name="USC", start_date=today)
        session.add(program)
        session.flush()
        return program.id


def test_seeding_is_idempotent(education: EducationService) -> None:
    shipped = len(load_education())
    assert education.ensure_seeded() == shipped
    assert education.ensure_seeded() == 0
    assert len(education.list_items()) == shipped
    assert all(item.builtin for item in education.list_items())


def test_add_clinic_item(education: EducationService) -> None:
    with pytest.raises(ValidationError) as caught:
        education.add_item(EducationForm(title="", summary="", url="javascript:alert(1)"))
    assert {"title", "summary", "url"} <= set(caught.value.errors)
    item_id = education.add_item(
        EducationForm(title="Our walking group", summary="Tuesdays at ten.",
                      url="https://example.org/walk")
    )
    item = education.item(item_id)
    assert item.code == "clinic-our-walking-group" and item.kind == "link"
    again = education.add_item(
        EducationForm(title="Our walking group", summary="Also Fridays.", body="Meet at ten.")
    )
    assert education.item(again).code == "clinic-our-walking-group-2"


def test_record_covered(education: EducationService, program_id, today: dt.date) -> None:
    education.ensure_seeded()
    items = education.list_items()
    with pytest.raises(ValidationError) as caught:
        education.record_covered(program_id, [], today + dt.timedelta(days=1), today=today)
    assert set(caught.value.errors) == {"items", "covered_on"}
    education.record_covered(program_id, [items[0].id, items[1].id], today, today=today,
                             notes="with partner")
    covered = education.covered(program_id)
    assert {c.item_id for c in covered} == {items[0].id, items[1].id}
    assert covered[0].notes == "with partner"
