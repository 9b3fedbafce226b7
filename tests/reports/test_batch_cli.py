"""Batch export (progress, cancel) and the functions the CLI calls."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from rehab_tracker.data.database import Database
from rehab_tracker.reports.batch import export_all
from rehab_tracker.reports.cli_support import run_batch, run_report, terminal_progress
from rehab_tracker.services.container import Services
from tests.staff import signs_in, staff

from .conftest import pdf_text
from .sample_data import (
    TODAY,
    add_baseline_only_patient,
    add_empty_patient,
    add_missed_weeks_patient,
    add_twelve_week_patient,
)

#: the report commands sign in as this user
AS_TESTER = signs_in("tester")


def test_batch_exports_active_patients_with_progress(db: Database, tmp_path: Path) -> None:
    add_twelve_week_patient(db)
    add_missed_weeks_patient(db)
    add_empty_patient(db)  # no program: not active, no report
    seen: list[tuple[int, int, str]] = []
    result = export_all(
        Services(db, staff("tester")).reports,
        tmp_path / "out",
        today=TODAY,
        progress=lambda d, t, label: seen.append((d, t, label)),
    )
    assert result.total == 2 and len(result.written) == 2 and not result.failed
    assert [s[:2] for s in seen] == [(0, 2), (1, 2), (2, 2)]
    assert seen[0][2] == "RT-00003 Kim Gaps" and seen[-1][2] == "done"
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == [
        "RT-00001_Jensen_progress_2026-11-23.pdf",
        "RT-00003_Gaps_progress_2026-11-23.pdf",
    ]
    assert "Kim Gaps" in pdf_text(tmp_path / "out" / names[1])
    assert result.per_minute > 0


def test_batch_cancel_keeps_what_was_written(db: Database, tmp_path: Path) -> None:
    add_twelve_week_patient(db)
    add_missed_weeks_patient(db)
    add_baseline_only_patient(db)
    result = export_all(
        Services(db, staff("tester")).reports,
        tmp_path,
        today=TODAY,
        progress=lambda d, t, label: d < 1,
    )
    assert result.cancelled and len(result.written) == 1
    assert "cancelled" in result.summary()


def test_run_report_by_record_number_and_id(
    db: Database, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    patient = add_twelve_week_patient(db)
    out = tmp_path / "r.pdf"
    written = run_report(str(db_path), "RT-00001", out, "clinical", today=TODAY, sign_in=AS_TESTER)
    assert written == 0
    assert "Maria Jensen" in capsys.readouterr().out
    text = pdf_text(out)
    assert "RT-00001" in text and "Yes: clinically important improvement" in text
    assert run_report(
        str(db_path), str(patient), tmp_path / "p.pdf", "patient", today=TODAY, sign_in=AS_TESTER
    ) == 0
    assert "Your progress report" in pdf_text(tmp_path / "p.pdf")


def test_run_report_problems_are_one_line(
    db: Database, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_report(str(db_path), "RT-404", tmp_path / "x.pdf", sign_in=AS_TESTER) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no patient with record number or id 'RT-404'" in err
    assert run_report(str(db_path), "RT-404", tmp_path / "x.pdf", "surgeon", sign_in=AS_TESTER) == 2
    assert "audience" in capsys.readouterr().err
    missing = str(tmp_path / "missing.db")
    assert run_report(missing, "RT-1", tmp_path / "x.pdf", sign_in=AS_TESTER) == 2


def test_run_batch_prints_progress_lines_off_a_terminal(
    db: Database, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_twelve_week_patient(db)
    add_missed_weeks_patient(db)
    assert run_batch(str(db_path), tmp_path / "all", "patient", today=TODAY, sign_in=AS_TESTER) == 0
    out = capsys.readouterr().out
    assert "1/2 RT-00003 Kim Gaps" in out and "2/2 RT-00001 Maria Jensen" in out
    assert "2 of 2 reports written" in out and "reports a minute" in out
    assert len(list((tmp_path / "all").glob("*_patient_*.pdf"))) == 2


def test_terminal_progress_on_a_tty() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Tty()
    report = terminal_progress(stream)
    report(0, 2, "RT-1 A")
    report(1, 2, "RT-2 B")
    report(2, 2, "done")
    text = stream.getvalue()
    assert text.count("\r") == 3 and text.endswith("\n")
    assert "[############------------] 1/2 RT-2 B" in text
