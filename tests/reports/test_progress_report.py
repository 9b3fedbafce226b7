"""The progress report PDF: its text read back with pypdf, for both audiences and partial data."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from rehab_tracker.data.database import Database
from rehab_tracker.reports.progress import report_file_name, write_pdf
from rehab_tracker.reports.sections import build_html
from rehab_tracker.services.report_data.service import ReportDataService
from tests.staff import staff

from .conftest import pdf_text
from .sample_data import (
    TODAY,
    add_baseline_only_patient,
    add_empty_patient,
    add_missed_weeks_patient,
    add_twelve_week_patient,
)


def test_clinical_report_text(
    db: Database, report_service: ReportDataService, tmp_path: Path
) -> None:
    data = report_service.gather(add_twelve_week_patient(db), today=TODAY)
    out = write_pdf(data, tmp_path / "r.pdf", "clinical", "Doing well.\nReview in 6 weeks.")
    text = pdf_text(out)
    reader = PdfReader(str(out))
    assert len(reader.pages) >= 3
    assert "Progress report" in text
    assert "Maria Jensen" in text and "RT-00001" in text
    assert "Lumbar micro-discectomy" in text and "L5-S1" in text
    assert "Attended 36 of 36 sessions" in text
    # outcome table: baseline, latest, change, interpretation, threshold with its source
    assert "42%" in text and "24%" in text and "-18 points (-42.9%)" in text
    assert "Yes: clinically important improvement (absolute rule)" in text
    assert "No: below the threshold" in text  # leg pain 5 -> 4
    assert (
        "ODI: improved 18 points (from 42 to 24), more than the 10-point threshold (absolute rule)."
    ) in text
    assert (
        "Leg pain (NPRS): changed by 1 point, 20% (from 5 to 4), below the 2-point and 30% "
        "thresholds."
    ) in text
    # the notes say how the thresholds are used, and where each comes from
    assert "The 30% rule is never applied to worsening" in text
    assert "lumbar fusion cohort tested 6 months after surgery" in text
    assert "the 5-minute walk was not responsive" in text
    assert "10-point or 30% [1]" in text
    assert "Ostelo et al. 2008" in text and "Jakobsson et al. 2019" in text
    assert "predicted 583.7 m" in text and "lower limit of normal 444.7 m" in text
    # events, notes, signature, attributions, disclaimer
    assert "21 Sep 2026 pain or numbness in both legs (earlier question" in text
    assert "not recorded Not cleared : exercise and progression on hold" in text
    assert "Muscle soreness after squats" in text
    assert "Doing well." in text and "Review in 6 weeks." in text
    assert "Signature:" in text
    assert "Mapi Research Trust" in text and "Fairbank" in text
    assert "Enright & Sherrill" in text
    assert "Disclaimer." in text and "does not replace it" in text
    assert reader.metadata is not None and "Maria Jensen" in (reader.metadata.title or "")


def test_patient_version_uses_plain_words(
    db: Database, report_service: ReportDataService, tmp_path: Path
) -> None:
    data = report_service.gather(add_twelve_week_patient(db), today=TODAY)
    text = pdf_text(write_pdf(data, tmp_path / "p.pdf", "patient"))
    assert "Your progress report" in text
    assert "How much your back affects everyday activities" in text
    assert "18 points lower (better)" in text
    assert (
        "Back pain: 3 points lower than at the start (better) — from 6 to 3. "
        "Yes: a big enough improvement to make a real difference."
    ) in text
    assert "Leg pain: 1 point lower than at the start (better)" in text
    assert "Yes: a big enough improvement to make a real difference" in text
    assert "Not yet: a smaller change than one that usually makes a real difference" in text
    assert "You came to 36 of the 36 sessions" in text
    assert "It is not a diagnosis" in text and "urgent medical help" in text
    # no clinical jargon in the patient version (the sources are still cited)
    assert "Ostelo et al. 2008" in text
    for jargon in ("clinically important", "Threshold used", "Back pain (NPRS)", "Interpretation"):
        assert jargon not in text, jargon


def test_baseline_only_is_honest(
    db: Database, report_service: ReportDataService, tmp_path: Path
) -> None:
    data = report_service.gather(add_baseline_only_patient(db), today=TODAY)
    text = pdf_text(write_pdf(data, tmp_path / "b.pdf"))
    assert "No follow-up yet: change cannot be computed" in text
    assert "38%" in text
    assert "Leg pain (NPRS): not recorded yet" in text
    assert "Not charted, nothing recorded yet: Walking tests" in text
    # no 6-minute walk recorded: no sentence about its predicted distance either (issue 11's
    # walkthrough: the reference was printed beside no walk at all)
    assert "predicted 6-minute walk" not in text
    patient = pdf_text(write_pdf(data, tmp_path / "bp.pdf", "patient"))
    assert "Measured once so far: too early to compare" in patient
    assert "Daily-activities score: measured once so far (38%); too early to compare." in patient
    assert "Leg pain: not measured yet." in patient


def test_missed_weeks_are_named(
    db: Database, report_service: ReportDataService, tmp_path: Path
) -> None:
    data = report_service.gather(add_missed_weeks_patient(db), today=TODAY)
    text = pdf_text(write_pdf(data, tmp_path / "m.pdf"))
    assert "Attended 27 of 36 sessions due so far (75%); 9 missed" in text
    assert "Weeks with no session attended: 5, 6, 7." in text


def test_empty_patient_report(
    db: Database, report_service: ReportDataService, tmp_path: Path
) -> None:
    data = report_service.gather(add_empty_patient(db), today=TODAY)
    out = write_pdf(data, tmp_path / "e.pdf")
    text = pdf_text(out)
    assert "Nia Empty" in text
    assert "No exercise program has been set up yet." in text
    assert "No exercise sessions were due yet, so attendance cannot be given." in text
    assert "ODI: not recorded yet, so its change cannot be computed." in text
    assert "No positive red-flag screens in this period." in text
    assert "No adverse events recorded in this period." in text
    assert "Charts" not in text.split("Not charted")[0].split("Clinician notes")[1]
    assert len(PdfReader(str(out)).pages) <= 2


def test_html_escapes_and_rejects_unknown_audience(
    db: Database, report_service: ReportDataService
) -> None:
    data = report_service.gather(add_twelve_week_patient(db), today=TODAY)
    html = build_html(data, "clinical", "<script>x</script> & more")
    assert "&lt;script&gt;" in html and "<script>" not in html
    with pytest.raises(ValueError):
        build_html(data, "surgeon")  # type: ignore[arg-type]
    assert report_file_name(data) == "RT-00001_Jensen_progress_2026-11-23.pdf"
    assert report_file_name(data, "patient").endswith("_patient_2026-11-23.pdf")


_METRE_DISTANCE = r"\d m\b"


@pytest.mark.parametrize("audience", ["clinical", "patient"])
def test_imperial_clinic_reads_feet_everywhere(
    db: Database, report_service: ReportDataService, tmp_path: Path, audience: str
) -> None:
    """An imperial clinic: the outcome table, sentences, 6-minute walk reference and cited
    sources speak feet (values stay metres in the data: 420 m = 1,378 ft, 505 m = 1,657 ft)."""
    import re

    from rehab_tracker.services.settings import SettingsService

    SettingsService(db, staff("test")).set_units("imperial")
    data = report_service.gather(add_twelve_week_patient(db), today=TODAY)
    assert data.units == "imperial"
    walk = data.row("walk_6min")
    assert walk is not None and walk.baseline == 420.0  # SI inside
    text = pdf_text(write_pdf(data, tmp_path / "r.pdf", audience))  # type: ignore[arg-type]
    assert "1,378 ft" in text and "1,657 ft" in text
    if audience == "clinical":
        assert "+279 ft" in text  # the change column: 85 m
        assert "98.4 ft [" in text  # the threshold used: 30 m (not 98: see domain.scoring)
        assert "predicted 1,915 ft" in text and "lower limit of normal 1,459 ft" in text
        assert "McIlroy et al. 2025" in text
        assert "85-115 ft, 3 months after surgery for lumbar spinal stenosis" in text
    else:
        assert "279 ft higher (better)" in text
        assert "expected 6-minute walk is about 1,915 ft" in text
        assert "walk about 10 feet" in text
    assert re.findall(_METRE_DISTANCE, text) == []


def test_metric_clinic_keeps_metres(
    db: Database, report_service: ReportDataService, tmp_path: Path
) -> None:
    import re

    data = report_service.gather(add_twelve_week_patient(db), today=TODAY)
    text = pdf_text(write_pdf(data, tmp_path / "r.pdf", "clinical"))
    assert "420 m" in text and "505 m" in text and "+85 m" in text and "30 m [" in text
    assert "26-35 m, 3 months after surgery for lumbar spinal stenosis" in text
    assert " ft" not in text
    assert re.findall(_METRE_DISTANCE, text)


@pytest.mark.parametrize(
    ("status", "important", "worsened", "rule", "clinical", "patient"),
    [
        ("no_data", None, None, None, "Not recorded yet", "Not measured yet"),
        ("no_follow_up", None, None, None, "No follow-up yet: change cannot be computed",
         "Measured once so far: too early to compare"),
        ("change", True, False, "absolute",
         "Yes: clinically important improvement (absolute rule)",
         "Yes: a big enough improvement to make a real difference"),
        ("change", True, False, "relative",
         "Yes: clinically important improvement (relative rule)",
         "Yes: a big enough improvement to make a real difference"),
        # the thresholds were set for improvement: a worsening reaches the absolute one or nothing
        ("change", False, True, "absolute", "Worse by at least the threshold (absolute rule)",
         "Worse by enough to discuss with your therapist"),
        ("change", False, False, None, "No: below the threshold",
         "Not yet: a smaller change than one that usually makes a real difference"),
    ],
)
def test_important_cell_in_both_audiences_words(
    status: str,
    important: bool | None,
    worsened: bool | None,
    rule: str | None,
    clinical: str,
    patient: str,
) -> None:
    from rehab_tracker.reports.wording import important_text
    from rehab_tracker.services.report_data.model import OutcomeRow

    row = OutcomeRow(
        "odi", "odi", "ODI", "%", "lower_better", 40.0, None, 20.0, None, -20.0, -50.0,
        important, worsened, "10-point or 30%", "source", "", status, rule=rule,
    )
    assert important_text(row, "clinical") == clinical
    assert important_text(row, "patient") == patient


def test_red_flags_are_listed_with_outcome_and_clearance_in_both_versions(
    db: Database, report_service: ReportDataService
) -> None:
    """The old screen (earlier question set) is listed as not cleared; a cleared one shows the
    advice, the referral and who cleared exercise, when."""
    import dataclasses
    import datetime as dt
    import re

    from rehab_tracker.services.report_data.model import RedFlagEvent

    data = report_service.gather(add_twelve_week_patient(db), today=TODAY)
    [old] = data.red_flags
    cleared = RedFlagEvent(
        on=dt.date(2026, 10, 1), items=("calf pain or swelling",), acknowledged=True,
        action="emergency", advice="Ambulance called.", referred_to="emergency_services",
        referral_details="Taken to St Mary's", cleared_by="vascular surgeon Dr Ng",
        cleared_on=dt.date(2026, 10, 3), clearance_note="Scan clear",
    )
    data = dataclasses.replace(data, red_flags=(cleared, old))
    clinical = re.sub(r"<[^>]+>", " ", build_html(data, "clinical"))
    assert "calf pain or swelling" in clinical and "emergency" in clinical
    assert "Ambulance called." in clinical
    assert "Referred to: Emergency services called (Taken to St Mary&#x27;s)" in clinical
    assert "03 Oct 2026 by vascular surgeon Dr Ng" in clinical and "Scan clear" in clinical
    assert "pain or numbness in both legs (earlier question, not asked as new)" in clinical
    assert "Not cleared : exercise and progression on hold" in clinical
    assert "not recorded" in clinical  # the old screen's outcome
    patient = re.sub(r"<[^>]+>", " ", build_html(data, "patient"))
    # the patient reads who they were sent to, not the clinician's own (clinical) advice text
    assert (
        "You were sent to: the emergency services (an ambulance was called). "
        "Cleared to exercise again on 03 Oct 2026."
    ) in patient
    assert "Advice:" not in patient
    assert "Not yet cleared to exercise again." in patient
