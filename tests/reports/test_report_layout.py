"""The printed report's layout: no table row split across two pages, page footers."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from pathlib import Path

from pypdf import PdfReader

from rehab_tracker.data.database import Database
from rehab_tracker.reports.progress import write_pdf
from rehab_tracker.services.report_data.service import ReportDataService

from .sample_data import TODAY, add_patient, twelve_week_spec


def _page_texts(path: Path) -> list[str]:
    """Each page's text with runs of whitespace made single spaces (a wrapped cell reads on)."""
    return [
        re.sub(r"\s+", " ", unicodedata.normalize("NFKC", page.extract_text() or ""))
        for page in PdfReader(str(path)).pages
    ]


def _many_events_patient(db: Database) -> object:
    """A patient whose adverse-event table runs over pages: 40 rows of several lines each."""
    events = tuple(
        (
            dt.date(2026, 9, 1) + dt.timedelta(days=n),
            "mild",
            f"Event {n:02d} began with soreness in the lower back after the squats and the "
            f"bridges, eased with rest and heat by the next morning, end {n:02d}",
        )
        for n in range(40)
    )
    return add_patient(db, dataclasses.replace(twelve_week_spec(), adverse=events))


def test_no_table_row_is_split_across_pages(
    db: Database, report_service: ReportDataService, tmp_path: Path
) -> None:
    data = report_service.gather(_many_events_patient(db), today=TODAY)  # type: ignore[arg-type]
    for audience in ("clinical", "patient"):
        pages = _page_texts(write_pdf(data, tmp_path / f"{audience}.pdf", audience))
        holding = []
        for event in data.adverse_events:
            whole = [n for n, text in enumerate(pages) if event.description in text]
            assert whole, f"{audience}: the row of {event.description[:8]!r} is split"
            holding.extend(whole)
        assert len(set(holding)) >= 2  # the table does run over a page break


def test_moved_rows_and_headings_keep_everything_after_them(
    db: Database, report_service: ReportDataService
) -> None:
    from rehab_tracker.reports.paging import split_rows, stranded_headings
    from rehab_tracker.reports.progress import build_document

    data = report_service.gather(_many_events_patient(db), today=TODAY)  # type: ignore[arg-type]
    for audience in ("clinical", "patient"):
        doc = build_document(data, audience, figures=())  # type: ignore[arg-type]
        assert split_rows(doc) == [] and stranded_headings(doc) == []
        text = doc.toPlainText()
        # each event once in its table (the clinical summary names the latest again)
        assert text.count("bridges, eased with rest") == 40 + (audience == "clinical")
        assert "Disclaimer." in text
        # every block is laid out (a relayout after a move once left the rest of the text
        # unpainted)
        block = doc.begin()
        while block.isValid():
            if block.text().strip():
                assert block.layout().lineCount() > 0, block.text()[:30]
            block = block.next()


def test_a_signature_block_is_not_split_across_pages(qapp) -> None:  # type: ignore[no-untyped-def]
    """The walkthrough of issue 11 printed "Clinician: ___" at the foot of page 2 and
    "Signature: ___ Date: ___" alone on page 3: lines joined by line breaks stay on one page."""
    from PySide6.QtGui import QTextDocument

    from rehab_tracker.reports.paging import _line_pages, keep_rows_together, paginate

    for filler in range(30, 60):
        doc = QTextDocument()
        doc.setHtml(
            "".join(f"<p>Line {n}</p>" for n in range(filler))
            + "<p><br>Clinician: ______<br><br>Signature: ______ &nbsp; Date: ______</p>"
        )
        paginate(doc)
        keep_rows_together(doc)
        block = doc.lastBlock()
        assert "Signature" in block.text()
        pages = _line_pages(doc, block)
        assert len(set(pages)) == 1, (filler, pages)
