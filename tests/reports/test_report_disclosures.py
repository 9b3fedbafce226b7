"""Reports written by the CLI and the batch export are disclosures in the audit trail."""

from __future__ import annotations

from pathlib import Path

from rehab_tracker.data.database import Database
from rehab_tracker.reports.batch import export_all
from rehab_tracker.reports.cli_support import run_report
from rehab_tracker.services.container import Services
from tests.staff import signs_in, staff

from .sample_data import TODAY, add_missed_weeks_patient, add_twelve_week_patient

#: the report commands sign in as this user
AS_DR_KIM = signs_in("dr.kim")


def test_a_cli_report_is_a_disclosure(db: Database, db_path: Path, tmp_path: Path) -> None:
    patient = add_twelve_week_patient(db)
    out = tmp_path / "r.pdf"
    assert run_report(str(db_path), "RT-00001", out, "patient", today=TODAY, sign_in=AS_DR_KIM) == 0
    (entry,) = Services(db, staff("x")).disclosures.history(patient)
    assert (entry.actor, entry.kind, entry.destination, entry.audience) == (
        "dr.kim",
        "report_pdf",
        str(out.resolve()),
        "patient",
    )


def test_each_report_of_a_batch_is_a_disclosure(db: Database, tmp_path: Path) -> None:
    patients = [add_twelve_week_patient(db), add_missed_weeks_patient(db)]
    services = Services(db, staff("nurse.lee"))
    result = export_all(services.reports, tmp_path / "out", today=TODAY)
    assert len(result.written) == 2
    written = {str(p.resolve()) for p in result.written}
    for patient in patients:
        (entry,) = services.disclosures.history(patient)
        assert entry.actor == "nurse.lee" and entry.kind == "report_export"
        assert entry.destination in written
