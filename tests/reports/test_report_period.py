"""A report for a chosen date range: its data, outcome table, events and summary restricted to
the range, from the service, the command line and checked."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from rehab_tracker.data.database import Database
from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.reports.cli_support import run_report
from rehab_tracker.services.report_data.service import ReportDataService
from tests.staff import signs_in

from .conftest import pdf_text
from .sample_data import END, MID, TODAY, add_twelve_week_patient

#: the report commands sign in as this user
AS_TESTER = signs_in("tester")


def test_range_restricts_data_table_and_events(
    db: Database, report_service: ReportDataService
) -> None:
    patient = add_twelve_week_patient(db)
    whole = report_service.gather(patient, today=TODAY)
    assert whole.red_flags and whole.adverse_events  # in September
    data = report_service.gather(patient, today=TODAY, period_start=MID, period_end=END)
    assert (data.period_start, data.period_end, data.generated_on) == (MID, END, TODAY)
    for series in (*data.outcomes, *data.walks):
        assert all(MID <= p.on <= END for p in series.points)
    assert all(MID <= p.on <= END for p in data.session_pain)
    assert data.red_flags == () and data.adverse_events == ()
    # the change within the range: ODI 30 (5 Oct) -> 24 (16 Nov), below the threshold
    odi = data.row("odi")
    assert odi is not None and (odi.baseline, odi.latest) == (30.0, 24.0)
    assert odi.clinically_important is False
    # attendance: the weeks of the range only, totals counted from them
    assert all(w.start_date + dt.timedelta(days=6) >= MID for w in data.adherence.weeks)
    assert data.adherence.planned_to_date == sum(w.planned for w in data.adherence.weeks)
    assert data.adherence.planned_to_date < whole.adherence.planned_to_date
    # ended early: nothing after the end
    early = report_service.gather(patient, today=TODAY, period_end=MID)
    assert all(p.on <= MID for s in (*early.outcomes, *early.walks) for p in s.points)
    assert early.generated_on == TODAY and early.period_end == MID


def test_range_is_checked(db: Database, report_service: ReportDataService) -> None:
    patient = add_twelve_week_patient(db)
    with pytest.raises(ValidationError) as refused:
        report_service.gather(patient, today=TODAY, period_end=TODAY + dt.timedelta(days=1))
    assert "period_end" in refused.value.errors
    with pytest.raises(ValidationError) as refused:
        report_service.gather(patient, today=TODAY, period_start=END, period_end=MID)
    assert "period_start" in refused.value.errors


def test_the_report_says_its_range(db: Database, db_path: Path, tmp_path: Path) -> None:
    add_twelve_week_patient(db)
    out = tmp_path / "r.pdf"
    code = run_report(
        str(db_path),
        "RT-00001",
        out,
        "clinical",
        today=TODAY,
        sign_in=AS_TESTER,
        period_start=MID,
        period_end=END,
    )
    assert code == 0
    text = pdf_text(out)
    assert "Report period 05 Oct 2026 to 16 Nov 2026" in text
    assert "Period covered: 05 Oct 2026 to 16 Nov 2026." in text
    assert "No positive red-flag screen in the period." in text


def test_cli_from_and_to(db: Database, db_path: Path, tmp_path: Path) -> None:
    add_twelve_week_patient(db)
    out = tmp_path / "r.pdf"

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "rehab_tracker",
                "report",
                "RT-00001",
                "--db",
                str(db_path),
                "--out",
                str(out),
                *args,
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )

    done = cli("--from", "2026-10-05", "--to", "2026-11-16")
    assert done.returncode == 0, done.stderr
    assert "Period covered: 05 Oct 2026 to 16 Nov 2026." in pdf_text(out)
    for args, words in (
        (("--from", "2026-13-01"), "--from: not a date"),
        (("--from", "2026-11-16", "--to", "2026-10-05"), "start on or before its end"),
    ):
        refused = cli(*args)
        assert refused.returncode == 2, refused.stderr
        assert words in refused.stderr and refused.stderr.count("\n") == 1, refused.stderr
