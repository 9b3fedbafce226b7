"""The report's discharge summary (issue 11 item 11): how a completed or stopped program ended,
the sessions attended of those planned, and baseline -> latest outcomes with their change; none
while the program runs."""

from __future__ import annotations

import datetime as dt
import re
import sys
import uuid
from pathlib import Path

from rehab_tracker.data.database import Database
from rehab_tracker.reports.progress import write_pdf
from rehab_tracker.reports.sections import build_html
from rehab_tracker.services.container import Services
from rehab_tracker.services.report_data.service import ReportDataService

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "services"))
from test_sessions_support import build_patient

from tests.staff import staff

from .conftest import pdf_text
from .sample_data import END, TODAY, add_missed_weeks_patient, add_twelve_week_patient


def _text(html: str) -> str:
    """The words of the HTML: bold runs kept in their sentence, other tags a space."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(r"</?b>", "", html)))


def _program(db: Database, patient_id: uuid.UUID):  # type: ignore[no-untyped-def]
    program = Services(db, staff("tester")).programs.current_program_for(patient_id)
    assert program is not None
    return program


def test_no_discharge_summary_while_the_program_runs(
    db: Database, report_service: ReportDataService
) -> None:
    data = report_service.gather(add_twelve_week_patient(db), today=TODAY)
    assert "Discharge summary" not in build_html(data, "clinical")
    assert "How your program ended" not in build_html(data, "patient")


def test_completed_program_gets_a_discharge_summary(
    db: Database, report_service: ReportDataService, tmp_path: Path
) -> None:
    patient_id = add_twelve_week_patient(db)
    program = _program(db, patient_id)
    Services(db, staff("tester")).programs.complete(
        program.id, ended_on=END, note="Goals met", expected_version=program.version, today=TODAY
    )
    data = report_service.gather(patient_id, today=TODAY)
    clinical = _text(build_html(data, "clinical"))
    assert "Discharge summary" in clinical
    assert "Program completed on 16 Nov 2026" in clinical
    assert "Note: Goals met" in clinical
    assert "Sessions: attended 36 of the 36 planned (100%); 0 missed." in clinical
    # the headline outcomes first, baseline -> latest with the outcome table's change cells
    start = clinical.index("Discharge summary")  # the one-page summary before it has its own
    summary = clinical[start : clinical.index("Adherence", start)]
    assert summary.index("ODI") < summary.index("Back pain") < summary.index("Leg pain")
    assert "-18 points (-42.9%)" in summary
    assert "Yes: clinically important improvement (absolute rule)" in summary
    assert "status completed" in clinical
    patient = _text(build_html(data, "patient"))
    assert "Your program finished on 16 Nov 2026" in patient
    assert "You came to 36 of the 36 sessions planned" in patient
    text = pdf_text(write_pdf(data, tmp_path / "d.pdf"))
    assert "Discharge summary" in text and "Program completed on 16 Nov 2026" in text


def test_stopped_program_summary_names_the_reason_and_the_sessions_due(
    db: Database, report_service: ReportDataService
) -> None:
    patient_id = add_missed_weeks_patient(db)
    services = Services(db, staff("tester"))
    program = _program(db, patient_id)
    services.programs.stop(
        program.id,
        ended_on=TODAY,
        reason="Recurrent herniation: surgical review",
        expected_version=program.version,
        today=TODAY,
    )
    data = report_service.gather(patient_id, today=TODAY)
    clinical = _text(build_html(data, "clinical"))
    assert "Program stopped early on 23 Nov 2026" in clinical
    assert "Reason for stopping: Recurrent herniation: surgical review" in clinical
    assert "Sessions: attended 27 of the 36 planned (75%); 9 missed." in clinical
    assert "status stopped early" in clinical
    patient = _text(build_html(data, "patient"))
    assert "Your program stopped early on 23 Nov 2026" in patient
    assert "Why: Recurrent herniation" in patient


def test_a_program_stopped_in_week_4_counts_only_the_sessions_due_before_the_end(
    db: Database, report_service: ReportDataService, today: dt.date
) -> None:
    b = build_patient(db, today, weeks_ago=4)
    program = b.services.programs.program(b.program_id)
    b.services.programs.stop(
        b.program_id,
        ended_on=today,
        reason="Moved away",
        expected_version=program.version,
        today=today,
    )
    clinical = _text(build_html(report_service.gather(b.patient_id, today=today), "clinical"))
    due = sum(1 for s in program.sessions if s.kind == "exercise" and s.date < today)
    assert (
        f"Sessions: attended 0 of the 36 planned; {due} were due before the end (0%), {due} missed."
    ) in clinical
