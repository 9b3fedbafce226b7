"""A patient with hostile names and long fields gets a report, or the app's own refusal
(issue 10 item 4, the report paths).

The surgical patient of the fuzz clinic (tests/services/fuzz_entry_points.py) is edited with
fuzzed details, then :meth:`ReportDataService.gather` reads the report over a fuzzed period and
:func:`write_pdf` renders it for a drawn audience, on a SQLite file and on PostgreSQL. Nothing
but a ``ValidationError`` or a ``ServiceError`` escapes, and a PDF is written whose text shows
the name as typed (markup in a name is text, not HTML). Records typed before the domain refused
control characters (written straight into the tables, as an older version did) render too.
Rendering takes seconds, so the examples are few; the figures are printed.
"""

from __future__ import annotations

import os
import re
import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "services"))
import fuzz_entry_points as fuzz

from rehab_tracker.data.models import Patient
from rehab_tracker.reports.progress import write_pdf
from tests.reports.conftest import pdf_text
from tests.services.test_input_fuzz import world  # noqa: F401 (the module's fuzz clinic)

#: rendered reports per backend (REHAB_TRACKER_FUZZ_EXAMPLES raises it for a long hunt)
EXAMPLES = max(5, int(os.environ.get("REHAB_TRACKER_FUZZ_EXAMPLES", "0")) // 3)
#: names a renderer may stumble on, mixed into the fuzzed ones
HOSTILE = (
    "<b>Bold</b>",
    "</td></tr></table><h1>x",
    "&amp; &lt;",
    "<img src='file:///etc/passwd'>",
    'O\'Brien "Jr"',
    "Nguyễn",
    "محمد",
    "🙂" * 50,
    "W" * 100,
    "Zoë-Ægir",
)


@pytest.mark.figures
def test_a_hostile_patient_gets_a_pdf_or_the_apps_refusal(
    world: fuzz.World,  # noqa: F811
    qapp: object,
    tmp_path: Path,
) -> None:
    figures = {"calls": 0, "refused": 0, "rendered": 0}

    @settings(
        max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(st.data())
    def run(data: st.DataObject) -> None:
        draw = data.draw
        fuzz._WILD[0] = draw(st.sampled_from([10, 30]))
        figures["calls"] += 1
        services = world.services
        record = services.patients.record(world.patient)
        names = st.one_of(st.sampled_from(HOSTILE), fuzz.texts("Ada"))
        details = fuzz.person(
            record_number=record.details.record_number,
            given_name=draw(names),
            family_name=draw(names),
            address=draw(fuzz.maybe_texts("1 High St\nTown")),
            notes=draw(fuzz.maybe_texts()),
        )
        try:
            services.patients.update(
                world.patient,
                details,
                record.surgery,
                expected_version=record.version,
                today=fuzz.TODAY,
            )
            report = services.reports.gather(
                world.patient,
                today=fuzz.TODAY,
                period_start=draw(st.one_of(st.none(), fuzz.dates())),
                period_end=draw(st.one_of(st.none(), fuzz.dates())),
            )
        except fuzz.REFUSALS:
            figures["refused"] += 1
            return
        audience = draw(st.sampled_from(["clinical", "patient"]))
        path = write_pdf(report, tmp_path / "report.pdf", audience, draw(fuzz.texts("")), dpi=60)
        figures["rendered"] += 1
        text = pdf_text(path)
        family = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", details.family_name.strip()))
        if family.isascii() and family.isprintable():
            assert family in text, (family, text[:300])

    try:
        run()
    finally:
        print(
            f"\n== report fuzz ({'SQLite file' if world.db.is_sqlite else 'PostgreSQL'}) ==\n"
            f"fuzzed report calls:           {figures['calls']} (update, gather, write_pdf)\n"
            f"  rendered / refused:          {figures['rendered']} / {figures['refused']}\n"
            "  unexpected exceptions:       0"
        )
    assert figures["rendered"] > 0


def test_a_record_typed_before_the_bounds_renders_escaped(
    world: fuzz.World,  # noqa: F811
    qapp: object,
    tmp_path: Path,
) -> None:
    """Control characters and a 10,000-character note, stored by an older version, neither stop
    the report nor reach the PDF as control characters."""
    with world.db.unit_of_work("older-version") as session:
        patient = Patient(
            record_number="RT-OLD1",
            given_name="Eve\x1b[2J",
            family_name="Line\nBreak\u202e",
            date_of_birth=fuzz.BORN,
            sex="female",
            pathway="conservative",
            notes="word " * 2000 + "\x07 bell",
        )
        session.add(patient)
        session.flush()
        patient_id = patient.id
    report = world.services.reports.gather(patient_id, today=fuzz.TODAY)
    for audience in ("clinical", "patient"):
        text = pdf_text(write_pdf(report, tmp_path / f"{audience}.pdf", audience, dpi=60))
        assert "Eve" in text
        assert "\x1b" not in text and "\u202e" not in text
