"""Reports hold patient data: every PDF the app writes is 0600, a folder it creates 0700
(issue 10 item 12). The tests set the usual umask 022, so the modes are the app's doing."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from rehab_tracker.data.database import Database
from rehab_tracker.reports.batch import export_all
from rehab_tracker.reports.cli_support import run_report, terminal_progress
from rehab_tracker.services.container import Services
from tests.data.helpers import file_mode
from tests.staff import signs_in, staff

from .sample_data import TODAY, add_missed_weeks_patient, add_twelve_week_patient

#: the report commands sign in as this user
AS_TESTER = signs_in("tester")

pytestmark = [
    pytest.mark.skipif(os.name != "posix", reason="POSIX file modes"),
    pytest.mark.usefixtures("usual_umask"),
]


def test_batch_export_folder_is_0700_and_every_pdf_0600(db: Database, tmp_path: Path) -> None:
    add_twelve_week_patient(db)
    add_missed_weeks_patient(db)
    tmp_path.chmod(0o755)
    reports = Services(db, staff("tester")).reports
    result = export_all(reports, tmp_path / "out" / "nov", today=TODAY)
    assert len(result.written) == 2
    assert {file_mode(p) for p in result.written} == {0o600}
    assert file_mode(tmp_path / "out" / "nov") == 0o700 and file_mode(tmp_path / "out") == 0o700
    assert file_mode(tmp_path) == 0o755, "a folder that was there keeps its mode"


def test_one_report_is_0600_also_over_a_file_that_was_readable_by_all(
    db: Database, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_twelve_week_patient(db)
    target = tmp_path / "report.pdf"
    target.write_bytes(b"an older report")
    target.chmod(0o644)
    assert run_report(str(db_path), "RT-00001", target, sign_in=AS_TESTER, today=TODAY) == 0
    assert file_mode(target) == 0o600
    assert target.read_bytes().startswith(b"%PDF")


def test_a_report_that_cannot_be_written_leaves_no_empty_file(
    db: Database, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_twelve_week_patient(db)
    folder = tmp_path / "reports"
    folder.mkdir()
    target = folder / "a-folder-of-that-name.pdf"
    target.mkdir()
    assert run_report(str(db_path), "RT-00001", target, sign_in=AS_TESTER, today=TODAY) == 2
    assert "rehab-tracker report:" in capsys.readouterr().err
    assert [p.name for p in folder.iterdir()] == ["a-folder-of-that-name.pdf"]


def test_progress_labels_show_control_characters_as_escapes() -> None:
    for tty in (False, True):
        out = io.StringIO()
        out.isatty = lambda tty=tty: tty  # type: ignore[method-assign]
        report = terminal_progress(out)
        report(0, 1, "RT-00001 Eve\x1b[2J\nRT-99999 Forged")
        report(1, 1, "done")
        text = out.getvalue()
        assert "\x1b" not in text
        assert "RT-00001 Eve\\x1b[2J\\nRT-99999 Forged" in text
        assert text.count("\n") == 1
