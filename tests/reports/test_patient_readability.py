"""The patient version reads at about a 12-year-old's level and uses no clinical labels.

The readability helper (tests/reports/readability.py) is a small Flesch-Kincaid grade
computed here rather than a new test dependency; the prose checked is everything the patient
reads outside the tables, up to the sources ("About the measures" cites studies, by name)."""

from __future__ import annotations

import re

import pytest

from rehab_tracker.data.database import Database
from rehab_tracker.reports.progress import build_document
from rehab_tracker.services.report_data.service import ReportDataService

from .readability import grade, syllables
from .sample_data import (
    TODAY,
    add_baseline_only_patient,
    add_conservative_patient,
    add_missed_weeks_patient,
    add_twelve_week_patient,
)

#: labels a patient should not meet unexplained (instruments, thresholds, diagnoses, jargon)
CLINICAL_LABELS = (
    "ODI",
    "RMDQ",
    "NPRS",
    "MCID",
    "MIC",
    "PSFS",
    "GRC",
    "TUG",
    "Oswestry",
    "Roland",
    "clinically important",
    "threshold",
    "baseline",
    "adherence",
    "discectomy",
    "cauda equina",
    "radicul",
    "sciatica",
    "USC model",
    "absolute rule",
    "relative rule",
    "intensity",
)


def prose(data, audience: str = "patient") -> str:  # type: ignore[no-untyped-def]
    """A version's text outside tables, up to its sources section."""
    doc = build_document(data, audience, figures=())  # type: ignore[arg-type]
    lines = []
    block = doc.begin()
    while block.isValid():
        text = block.text().strip()
        if block.blockFormat().headingLevel() and text in (
            "About the measures",
            "Instruments and sources",
        ):
            break
        if text and doc.frameAt(block.position()) == doc.rootFrame():
            lines.append(text if text.endswith((".", ":", "?", "!")) else f"{text}.")
        block = block.next()
    return " ".join(lines)


def test_syllable_counter() -> None:
    assert [syllables(w) for w in ("back", "exercise", "came", "sessions", "42%", "walk")] == [
        1,
        3,
        1,
        2,
        1,
        1,
    ]


@pytest.mark.parametrize(
    "make",
    [
        add_twelve_week_patient,
        add_baseline_only_patient,
        add_missed_weeks_patient,
        add_conservative_patient,
    ],
)
def test_patient_version_reads_at_about_grade_7(
    db: Database,
    report_service: ReportDataService,
    make,  # type: ignore[no-untyped-def]
) -> None:
    data = report_service.gather(make(db), today=TODAY)
    text = prose(data)
    assert len(text.split()) > 80
    assert grade(text) <= 7.0, (round(grade(text), 1), text)
    for label in CLINICAL_LABELS:
        assert not re.search(rf"\b{re.escape(label)}", text, re.IGNORECASE), label
    # the measure tells the versions apart: the clinical one reads harder
    assert grade(text) < grade(prose(data, "clinical"))
