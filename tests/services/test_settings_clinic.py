"""SettingsService: the clinic details (report header, exercise sheet) round trip and checks."""

from __future__ import annotations

import pytest

from rehab_tracker.data.database import Database
from rehab_tracker.data.models import Setting
from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.services.container import Services
from rehab_tracker.services.settings import ClinicDetails
from tests.staff import staff


def test_round_trip_and_the_shape_report_data_reads(db: Database) -> None:
    services = Services(db, staff("tester"))
    assert services.settings.clinic_details() == ClinicDetails()
    assert services.programs.clinic_contact() is None
    kept = services.settings.set_clinic_details(
        ClinicDetails("  Riverside  Physiotherapy ", "1 River Road, Leeds LS1 1AA",
                      "+44 113 496 0000", "reception@riverside.example")
    )
    assert kept.name == "Riverside Physiotherapy"
    assert services.settings.clinic_details() == kept
    with db.reading() as session:
        row = session.get(Setting, "clinic")
        assert row is not None
        # services/report_data.py reads name, address and phone from this mapping
        assert row.value == {
            "name": "Riverside Physiotherapy",
            "address": "1 River Road, Leeds LS1 1AA",
            "phone": "+44 113 496 0000",
            "email": "reception@riverside.example",
        }
    assert services.programs.clinic_contact() == (
        "Riverside Physiotherapy - +44 113 496 0000 - reception@riverside.example"
    )
    # only a name: empty fields are left out; all empty removes the setting
    services.settings.set_clinic_details(ClinicDetails(name="Riverside"))
    assert services.programs.clinic_contact() == "Riverside"
    services.settings.set_clinic_details(ClinicDetails())
    with db.reading() as session:
        assert session.get(Setting, "clinic") is None


def test_report_header_uses_the_clinic_details(db: Database, today) -> None:  # type: ignore[no-untyped-def]
    from rehab_tracker.domain import patients as rules

    services = Services(db, staff("tester"))
    services.settings.set_clinic_details(
        ClinicDetails("Riverside", "1 River Road", "0113 496 0000", "")
    )
    pid = services.patients.enrol(
        rules.PatientDetails(
            record_number=None, given_name="Ada", family_name="Lane",
            date_of_birth=today.replace(year=today.year - 50), sex="female",
            pathway="conservative",
        ),
        None,
        today=today,
    )
    clinic = services.reports.gather(pid, today=today).clinic
    assert (clinic.name, clinic.address, clinic.phone) == (
        "Riverside", "1 River Road", "0113 496 0000"
    )


@pytest.mark.parametrize(
    ("details", "field", "words"),
    [
        (ClinicDetails(phone="0113 496 0000"), "name", "clinic name"),
        (ClinicDetails("Riverside", email="reception@"), "email", "Email"),
        (ClinicDetails("Riverside", email="a b@c.example"), "email", "Email"),
        (ClinicDetails("Riverside", phone="call us!"), "phone", "digits"),
        (ClinicDetails("Riverside", phone="12"), "phone", "at least 5 digits"),
        (ClinicDetails("R" * 121), "name", "At most 120"),
    ],
)
def test_refused_with_a_message_per_field(
    db: Database, details: ClinicDetails, field: str, words: str
) -> None:
    services = Services(db, staff("tester"))
    with pytest.raises(ValidationError) as caught:
        services.settings.set_clinic_details(details)
    assert words in caught.value.errors[field]
    assert services.settings.clinic_details() == ClinicDetails()


@pytest.mark.parametrize("instrument", ["\x00", "borg", "", "odi\x00"])
def test_removing_the_wording_of_an_unknown_questionnaire_is_refused_at_the_field(
    any_db: Database, instrument: str
) -> None:
    """A NUL in the setting's key reached PostgreSQL as a raw DataError (the input fuzz found it:
    ``remove_wording`` built the key ``wording.<instrument>`` unchecked)."""
    services = Services(any_db, staff("tester"))
    with pytest.raises(ValidationError) as refused:
        services.settings.remove_wording(instrument)
    assert "wording" in refused.value.errors
    with any_db.reading() as session:
        assert session.query(Setting).filter(Setting.key.like("wording.%")).count() == 0
    services.settings.remove_wording("odi")  # a known one with nothing loaded: nothing to remove
