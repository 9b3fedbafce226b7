"""The report's one-page summary: what it says, on page 1 alone, agreeing with its own rows;
the clinic logo in the header and the signing clinician from the clinic settings."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QColor, QImage

from rehab_tracker.data.database import Database
from rehab_tracker.reports.progress import write_pdf
from rehab_tracker.reports.summary import headline_rows, overall_line
from rehab_tracker.services.container import Services
from rehab_tracker.services.report_data.service import ReportDataService
from rehab_tracker.services.settings import ClinicDetails, ReportSigner
from tests.staff import staff

from .sample_data import (
    TODAY,
    add_conservative_patient,
    add_empty_patient,
    add_missed_weeks_patient,
    add_twelve_week_patient,
)


def _pages(path: Path) -> list[str]:
    """Each page's text, whitespace runs single spaces, no gap inside brackets (bold runs)."""
    return [
        re.sub(r"\s+", " ", unicodedata.normalize("NFKC", p.extract_text() or ""))
        .replace("( ", "(")
        .replace(" )", ")")
        for p in PdfReader(str(path)).pages
    ]


def test_clinical_summary_is_page_one(
    db: Database, report_service: ReportDataService, tmp_path: Path
) -> None:
    data = report_service.gather(add_twelve_week_patient(db), today=TODAY)
    first, second, *_ = _pages(write_pdf(data, tmp_path / "s.pdf"))
    for words in (
        "Summary",
        "Report period",
        "Diagnosis and surgery Lumbar micro-discectomy (L5-S1",
        "Adherence 36 of 36 sessions due attended (100%), 0 missed.",
        "Red flags 1 positive screen; latest 21 Sep 2026",
        "Not cleared : exercise and progression on hold",
        "Adverse events 1 recorded; latest 30 Sep 2026 (mild): Muscle soreness after squats.",
        "Headline outcomes",
        "ODI 42% 24% -18 points (-42.9%) Yes: clinically important improvement (absolute rule)",
        "Leg pain (NPRS) 5 4 -1 (-20%) No: below the threshold",
        "6-minute walk 420 m 505 m +85 m",
        "Of 4 headline measures with a follow-up: clinically important improvement in 3 "
        "(ODI, Back pain (NPRS), 6-minute walk); a change below the threshold in 1 "
        "(Leg pain (NPRS)); none worse by at least the threshold.",
    ):
        assert words in first, words
    # the details start on the next page
    assert "Surgery and program" not in first and "Surgery and program" in second
    assert "Page 1 of" in first and "Progress report - Maria Jensen (RT-00001)" in first


def test_overall_line_agrees_with_the_rows(db: Database, report_service: ReportDataService) -> None:
    """No summary sentence contradicts its numbers: the counts and names come from the rows,
    whose own sentences say "improved" exactly when the change is clinically important."""
    for patient in (
        add_twelve_week_patient(db),
        add_missed_weeks_patient(db),
        add_conservative_patient(db),
        add_empty_patient(db),
    ):
        data = report_service.gather(patient, today=TODAY)
        rows = headline_rows(data)
        line = overall_line(rows)
        compared = [r for r in rows if r.status == "change"]
        if not compared:
            assert line.startswith("No headline measure has a follow-up yet")
            continue
        important = [r.label for r in compared if r.clinically_important]
        worse = [r.label for r in compared if r.worsened and not r.clinically_important]
        below = [r.label for r in compared if r.label not in important + worse]
        measures = "measure" if len(compared) == 1 else "measures"
        assert f"Of {len(compared)} headline {measures} with a follow-up" in line
        for names, words in (
            (important, "clinically important improvement in"),
            (worse, "worse by at least the threshold in"),
            (below, "a change below the threshold in"),
        ):
            count = f"all {len(names)}" if len(names) == len(compared) > 1 else len(names)
            if names:
                assert f"{words} {count} ({', '.join(names)})" in line
            else:  # an empty group is not counted as "0 (none)"
                assert words not in line
        assert ("none worse by at least the threshold" in line) == (not worse)
        assert "(none)" not in line and " in 0 " not in line
        for r in compared:
            assert (" improved " in r.sentence) == bool(r.clinically_important), r.sentence


def test_patient_summary_in_plain_words(
    db: Database, report_service: ReportDataService, tmp_path: Path
) -> None:
    data = report_service.gather(add_twelve_week_patient(db), today=TODAY)
    first = _pages(write_pdf(data, tmp_path / "p.pdf", "patient"))[0]
    assert "Your summary" in first
    assert "You had an operation on your lower back on 20 Jul 2026." in first
    assert "You came to 36 of the 36 sessions so far." in first
    assert "Back pain: 3 points lower than at the start (better)" in first
    assert "Please do not exercise until your therapist says you can start again." in first
    for label in ("micro-discectomy", "ODI", "NPRS", "clinically important", "USC"):
        assert label not in first, label


def _png() -> bytes:
    image = QImage(40, 20, QImage.Format.Format_RGB32)
    image.fill(QColor("#003a66"))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def test_clinic_header_logo_and_signing_clinician(db: Database, tmp_path: Path) -> None:
    services = Services(db, staff("tester"))
    patient = add_twelve_week_patient(db)
    plain = services.reports.gather(patient, today=TODAY)
    before = write_pdf(plain, tmp_path / "before.pdf")
    assert any("Clinician: ______" in p for p in _pages(before))  # a line to write on
    settings = services.settings
    loaded = settings.load()
    settings.save_clinic_settings(
        ClinicDetails("Riverside Physiotherapy", phone="0113 496 0000"),
        units=loaded.units,
        odi_max_missing=loaded.odi_max_missing,
        pain_ceiling=loaded.progression_pain_ceiling,
        threshold_overrides=loaded.threshold_overrides,
        signer=ReportSigner("Dr Ana Ruiz", "HCPC PH123456"),
    )
    settings.set_clinic_logo(_png())
    data = services.reports.gather(patient, today=TODAY)
    out = write_pdf(data, tmp_path / "after.pdf")
    pages = _pages(out)
    assert "Riverside Physiotherapy" in pages[0]
    assert any(
        "Clinician: Dr Ana Ruiz , registration number HCPC PH123456" in p
        or "Clinician: Dr Ana Ruiz, registration number HCPC PH123456" in p
        for p in pages
    )
    first_page = PdfReader(str(out)).pages[0]
    before_page = PdfReader(str(before)).pages[0]
    assert len(first_page.images) == len(before_page.images) + 1
