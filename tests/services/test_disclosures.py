"""Disclosures and access in the audit trail (issue 10 item 11): who, which patient, when, where."""

from __future__ import annotations

import datetime as dt

import pytest

from rehab_tracker.data import maintenance
from rehab_tracker.data.database import Database
from rehab_tracker.services.container import Services
from rehab_tracker.services.disclosures import ACCESS, DISCLOSE
from rehab_tracker.services.errors import ServiceError
from tests.data.tamper import some_records
from tests.staff import staff


def test_disclosures_and_accesses_are_listed_for_their_patient(any_db: Database) -> None:
    first, second, _ = some_records(any_db)
    kim, lee = Services(any_db, staff("dr.kim")), Services(any_db, staff("nurse.lee"))
    kim.disclosures.accessed(first)
    kim.disclosures.disclosed(first, "report_pdf", "/home/kim/r.pdf", audience="clinical")
    lee.disclosures.disclosed(first, "report_print", "Front desk printer")
    lee.disclosures.accessed(second)

    history = kim.disclosures.history(first)
    assert [(h.actor, h.action, h.kind, h.destination, h.audience) for h in history] == [
        ("nurse.lee", DISCLOSE, "report_print", "Front desk printer", None),
        ("dr.kim", DISCLOSE, "report_pdf", "/home/kim/r.pdf", "clinical"),
        ("dr.kim", ACCESS, "record", None, None),
    ]
    assert history[0].description == "progress report printed"
    assert all(abs(h.at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5) for h in history)
    assert [h.actor for h in kim.disclosures.history(second)] == ["nurse.lee"]
    # sealed and chained like every change: the trail still checks clean
    assert maintenance.check(any_db).ok


def test_an_unknown_kind_or_no_destination_is_refused_and_nothing_written(db: Database) -> None:
    (patient, *_) = some_records(db)
    service = Services(db, staff("dr.kim")).disclosures
    with pytest.raises(ServiceError, match="unknown kind"):
        service.disclosed(patient, "gossip", "/tmp/x.pdf")
    with pytest.raises(ServiceError, match="where it went"):
        service.disclosed(patient, "report_pdf", "  ")
    with pytest.raises(ServiceError, match="unknown kind"):
        service.accessed(patient, "everything")
    assert service.history(patient) == []
