"""The patient list read a page at a time (issue 12 item 3), on SQLite and PostgreSQL: search in
SQL by the stored search key (accents, case, substring, record number), the key kept on every
write of a patient, the filters and sorts in SQL, and the pages agreeing with the whole list
after every write that changes what a row shows."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import select

from rehab_tracker.data.database import Database
from rehab_tracker.data.models import Patient
from rehab_tracker.data.patient_list import ListQuery, normalise, search_key
from rehab_tracker.domain.patients import PatientDetails, SurgeryDetails
from rehab_tracker.services.container import Services
from tests.services.test_sessions_support import build_patient
from tests.staff import staff


def enrol(services: Services, given: str, family: str, today: dt.date, **more: object) -> uuid.UUID:
    return services.patients.enrol(
        PatientDetails(given, family, dt.date(1975, 5, 6), "female", **more),  # type: ignore[arg-type]
        SurgeryDetails(today - dt.timedelta(days=40), ("L4-L5",)),
        today=today,
    )


def names(services: Services, today: dt.date, **query: object) -> list[str]:
    found = services.patients.list_ids(ListQuery(**query), today=today)  # type: ignore[arg-type]
    return [r.name for r in services.patients.list_rows(found.ids, today=today)]


@pytest.fixture
def clinic(any_db: Database, today: dt.date) -> Services:
    services = Services(any_db, staff("tester"))
    enrol(services, "Zoë", "Ångström", today, record_number="RT-777")
    enrol(services, "José", "Núñez", today)
    enrol(services, "Anna", "MacLeod", today)
    enrol(services, "Ben", "O'Neill", today, record_number="X_1.2")
    return services


def test_the_search_key_is_the_name_and_record_number_without_accents_or_case() -> None:
    assert search_key("Zoë", "Ångström", "RT-777") == "zoe angstrom rt-777"
    assert normalise("  ÉMILE   Straße ") == "emile strasse"  # casefold: ß is ss


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("angstrom", ["Zoë Ångström"]),  # accents typed without them
        ("ÅNGSTRÖM", ["Zoë Ångström"]),  # and with them, in capitals
        ("zoe", ["Zoë Ångström"]),
        ("ñu", ["José Núñez"]),  # a substring in the middle of the family name
        ("leod", ["Anna MacLeod"]),
        ("an", ["Anna MacLeod", "Zoë Ångström"]),  # given or family name, in the list's order
        ("rt-777", ["Zoë Ångström"]),  # the record number
        ("x_1.2", ["Ben O'Neill"]),  # LIKE's wildcards are matched as typed
        ("%", []),
        ("_", ["Ben O'Neill"]),
        ("o'n", ["Ben O'Neill"]),
        ("josé núñez", ["José Núñez"]),  # given and family name together
        ("núñez josé", ["José Núñez"]),  # each word anywhere
        ("zoe 777", ["Zoë Ångström"]),  # a name and a record number
        ("nobody", []),
    ],
)
def test_search_matches_accents_case_substrings_and_record_numbers(
    clinic: Services, today: dt.date, typed: str, expected: list[str]
) -> None:
    assert names(clinic, today, search=typed) == expected


def test_the_key_follows_every_write_of_the_patient(clinic: Services, today: dt.date) -> None:
    pid = enrol(clinic, "Ola", "Berg", today)
    assert names(clinic, today, search="berg") == ["Ola Berg"]
    record = clinic.patients.record(pid)
    changed = PatientDetails(
        "Ola", "Bjørnstad", record.details.date_of_birth, "female", record_number="RT-9191"
    )
    clinic.patients.update(
        pid, changed, record.surgery, expected_version=record.version, today=today
    )
    assert names(clinic, today, search="berg") == []
    assert names(clinic, today, search="BJØRN") == ["Ola Bjørnstad"]
    assert names(clinic, today, search="9191") == ["Ola Bjørnstad"]
    with clinic.db.reading() as session:
        keys = {pid: key for pid, key in session.execute(select(Patient.id, Patient.search_key))}
    assert keys[pid] == "ola bjørnstad rt-9191"  # ø is a letter of its own, not o + a mark
    assert all(key for key in keys.values())


def test_sorts_and_pages_agree_with_the_whole_list(clinic: Services, today: dt.date) -> None:
    whole = clinic.patients.list_patients(today=today)
    found = clinic.patients.list_ids(ListQuery(), today=today)
    assert found.ids == tuple(r.id for r in whole)
    # any page of the ids reads the same rows as the whole list
    assert clinic.patients.list_rows(found.page(1, 3), today=today) == whole[1:3]
    assert found.position(whole[2].id) == 2 and found.position(uuid.uuid4()) is None
    by_number = clinic.patients.list_ids(ListQuery(sort_column=0), today=today)
    numbers = [r.record_number for r in clinic.patients.list_rows(by_number.ids, today=today)]
    assert numbers == sorted(numbers)
    backwards = clinic.patients.list_ids(ListQuery(sort_column=0, descending=True), today=today)
    assert backwards.ids == by_number.ids[::-1]


def test_the_rows_stay_right_after_each_write_that_changes_them(
    any_db: Database, today: dt.date
) -> None:
    """Week, phase, next session, status, red flag, assessment due and the filters read from
    the records themselves: after each write, a page read equals the whole list read anew, and
    the filters in SQL pick the rows whose values match."""
    b = build_patient(any_db, today, weeks_ago=5, given="Hana", family="Šimić")
    other = build_patient(any_db, today, weeks_ago=1, given="Ivo", family="Kral")
    services = b.services
    enrol(services, "Lea", "Nopro", today)  # no program

    def check() -> dict[str, object]:
        whole = {r.id: r for r in services.patients.list_patients(today=today)}
        for query in (
            ListQuery(),
            ListQuery(active_only=True),
            ListQuery(due_only=True),
            ListQuery(sort_column=4),
            ListQuery(sort_column=5),
            ListQuery(sort_column=6, descending=True),
            ListQuery(sort_column=7),
        ):
            found = services.patients.list_ids(query, today=today)
            rows = services.patients.list_rows(found.ids, today=today)
            assert rows == [whole[pid] for pid in found.ids], query
            if query.active_only:
                assert {r.id for r in rows} == {
                    r.id for r in whole.values() if r.program_status == "active"
                }
            if query.due_only:
                assert {r.id for r in rows} == {r.id for r in whole.values() if r.assessment_due}
        for phase in {r.phase for r in whole.values() if r.phase}:
            found = services.patients.list_ids(ListQuery(phase=phase), today=today)
            assert set(found.ids) == {r.id for r in whole.values() if r.phase == phase}
        row = whole[b.patient_id]
        return {
            "week": row.program_week,
            "phase": row.phase,
            "next": row.next_session,
            "status": row.program_status,
            "due": row.assessment_due,
        }

    before = check()
    assert before["week"] in (5, 6) and before["status"] == "active" and before["next"]
    slot = services.sessions.next_slot(b.patient_id)
    assert slot is not None
    services.programs.pause(
        b.program_id,
        paused_on=today,
        reason="Flu",
        today=today,
        expected_version=services.programs.program(b.program_id).version,
    )
    paused = check()
    assert paused["status"] == "paused" and paused["next"] is None
    assert (
        b.patient_id not in services.patients.list_ids(ListQuery(active_only=True), today=today).ids
    )
    assert (
        other.patient_id in services.patients.list_ids(ListQuery(active_only=True), today=today).ids
    )
    services.programs.resume(
        b.program_id,
        resume_on=today,
        expected_version=services.programs.program(b.program_id).version,
    )
    resumed = check()
    assert resumed["status"] == "active" and resumed["next"] is not None
