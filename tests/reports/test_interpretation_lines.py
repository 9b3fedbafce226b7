"""Each interpretation line of the outcome table names its measure as the table does."""

from __future__ import annotations

import html
import re

from rehab_tracker.data.database import Database
from rehab_tracker.reports.sections import build_html
from rehab_tracker.reports.wording import plain_name
from rehab_tracker.services.report_data.service import ReportDataService

from .sample_data import TODAY, add_baseline_only_patient, add_twelve_week_patient


def _lines(page: str, heading: str) -> list[str]:
    """The items of the list under ``heading``, as plain text."""
    block = page.split(f"<b>{heading}</b></p><ul>", 1)[1].split("</ul>", 1)[0]
    return [html.unescape(re.sub(r"<[^>]+>", "", item)) for item in block.split("<li>")[1:]]


def test_each_interpretation_line_starts_with_the_measure_of_its_row(
    db: Database, report_service: ReportDataService
) -> None:
    for patient in (add_twelve_week_patient(db), add_baseline_only_patient(db)):
        data = report_service.gather(patient, today=TODAY)
        clinical = _lines(build_html(data, "clinical"), "Interpretation")
        assert len(clinical) == len(data.outcome_rows)
        for row, line in zip(data.outcome_rows, clinical, strict=True):
            assert line.startswith(f"{row.label}: "), line
        plain = _lines(build_html(data, "patient"), "In words")
        for row, line in zip(data.outcome_rows, plain, strict=True):
            assert line.startswith(f"{plain_name(row)}: "), line
