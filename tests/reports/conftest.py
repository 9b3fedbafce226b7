"""Synthetic patients for the report tests, and reading a PDF's text with pypdf."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from rehab_tracker.data.database import Database
from rehab_tracker.services.report_data.service import ReportDataService
from tests.staff import staff


def pdf_text(path: Path) -> str:
    """All pages' text, ligatures unfolded (NFKC) and runs of whitespace made single spaces
    (line breaks and the gaps around bold runs vary with the layout)."""
    reader = PdfReader(str(path))
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text))
    return text.replace("( ", "(").replace(" )", ")")


@pytest.fixture(autouse=True)
def _qt_application(qapp):  # type: ignore[no-untyped-def]
    """pytest-qt's QApplication, made before any report code could make its own."""
    return qapp


@pytest.fixture
def report_service(db: Database) -> ReportDataService:
    return ReportDataService(db, staff("tester"))
