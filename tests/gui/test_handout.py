"""The home exercise sheet: PDF text, page count, print preview and Save as PDF from the builder."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pypdf
import pytest
from PySide6.QtCore import Qt

from rehab_tracker.domain.redflags import RED_FLAGS
from rehab_tracker.reports.handout import build_handout_document, write_handout_pdf
from rehab_tracker.ui.program.builder import ProgramBuilderDialog
from rehab_tracker.ui.widgets import print_preview

TEMPLATE = "usc-12-week"


def pdf_text(path: Path) -> tuple[int, str]:
    reader = pypdf.PdfReader(path)
    text = " ".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), re.sub(r"\s+", " ", text)


@pytest.fixture
def program(services, patient_ids, today):  # type: ignore[no-untyped-def]
    pid = services.programs.create_from_template(
        patient_ids[0], TEMPLATE, "high", today, today=today
    )
    return services.programs.program(pid)


@pytest.mark.parametrize("weeks_in", [0, 6, 10])
def test_handout_pdf_text_and_pages(qapp, program, today, tmp_path, weeks_in) -> None:  # type: ignore[no-untyped-def]
    day = today + dt.timedelta(weeks=weeks_in)
    phase = program.phase_on(day)
    assert phase is not None
    path = tmp_path / "sheet.pdf"
    pages = write_handout_pdf(program, path, today=day, clinic_contact="Riverside Physio 0123")
    count, text = pdf_text(path)
    assert 1 <= count <= 2 and pages == count
    assert "Ada Lovelace" in text and "RT-9001" in text
    assert phase.name in text
    assert "Riverside Physio 0123" in text
    for rx in phase.prescriptions:
        assert rx.exercise_name.split(",")[0] in text
    first = phase.prescriptions[0]
    assert first.dosage.plain_words().split(";")[0] in text
    for flag in RED_FLAGS:
        assert flag.label[1:] in text  # first letter is capitalised on the sheet


def test_handout_document_escapes_and_notes(qapp, program, today) -> None:  # type: ignore[no-untyped-def]
    doc = build_handout_document(program, today=today)
    text = doc.toPlainText()
    assert "Home exercise sheet" in text and "call your physiotherapy clinic" in text
    assert doc.pageCount() <= 2


def test_builder_sheet_buttons(  # type: ignore[no-untyped-def]
    qtbot, services, program, today, tmp_path, monkeypatch, answers
) -> None:
    dialog = ProgramBuilderDialog(services, lambda: today, program.patient_id)
    qtbot.addWidget(dialog)
    dialog.show()
    target = tmp_path / "out" / "sheet.pdf"
    monkeypatch.setattr(print_preview, "get_save_path", lambda parent, title, name: target)
    qtbot.mouseClick(dialog.pdf_button, Qt.MouseButton.LeftButton)
    count, text = pdf_text(target)
    assert count <= 2 and "Ada Lovelace" in text
    assert answers["inform"] and str(target) in answers["inform"][-1][1]

    shown = []
    monkeypatch.setattr(
        "PySide6.QtPrintSupport.QPrintPreviewDialog.exec",
        lambda self: shown.append(self.windowTitle()) or 0,
    )
    qtbot.mouseClick(dialog.sheet_button, Qt.MouseButton.LeftButton)
    assert shown == ["Home exercise sheet - print preview"]


def test_sheet_shows_the_clinic_details_set_in_settings(  # type: ignore[no-untyped-def]
    qtbot, services, program, today, tmp_path, monkeypatch, answers
) -> None:
    from rehab_tracker.services.settings import ClinicDetails

    services.settings.set_clinic_details(
        ClinicDetails("Riverside Physiotherapy", "1 River Road", "0113 496 0000", "")
    )
    dialog = ProgramBuilderDialog(services, lambda: today, program.patient_id)
    qtbot.addWidget(dialog)
    dialog.show()
    target = tmp_path / "sheet.pdf"
    monkeypatch.setattr(print_preview, "get_save_path", lambda parent, title, name: target)
    qtbot.mouseClick(dialog.pdf_button, Qt.MouseButton.LeftButton)
    _count, text = pdf_text(target)
    assert "Riverside Physiotherapy" in text and "0113 496 0000" in text
    assert "call your physiotherapy clinic" not in text
