"""`rehab-tracker home export-log` at home and `rehab-tracker import-home-log` at the clinic
(issue 14): through real files, what was added and skipped printed, a refusal one line, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from rehab_tracker.data import locations
from rehab_tracker.data.home_database import open_home_database
from rehab_tracker.services.home_format import normalize_passphrase
from tests.cli.test_cli import run
from tests.services.home_pack_support import PATIENT, patient_id
from tests.services.test_home_log import WORDS, _home_entries


@pytest.mark.slow
def test_export_log_then_import_home_log(
    demo_db_path: Path, tmp_path: Path, isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pack, log = tmp_path / "home.rthp", tmp_path / "home.rthl"
    made = run("home-pack", PATIENT, "--db", str(demo_db_path), "--out", str(pack),
               "--passphrase", WORDS, home=isolated_home)
    assert made.returncode == 0, made.stderr
    laptop, home_db = tmp_path / "laptop", tmp_path / "laptop" / "home.db"
    laptop.mkdir()
    applied = run("home", "import-pack", str(pack), "--db", str(home_db), "--passphrase", WORDS,
                  home=laptop)
    assert applied.returncode == 0, applied.stderr

    monkeypatch.setenv(locations.HOME_ENV, str(laptop))  # the patient logs at home
    home = open_home_database(home_db, normalize_passphrase(WORDS))
    try:
        from rehab_tracker.data.database import open_database

        clinic = open_database(demo_db_path)
        try:
            pid = patient_id(clinic, PATIENT)
        finally:
            clinic.close()
        _home_entries(home, pid)
    finally:
        home.close()

    exported = run("home", "export-log", "--db", str(home_db), "--out", str(log),
                   "--db-passphrase", WORDS, home=laptop)
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout.startswith("wrote home log number 1 (")
    assert "2 session logs, 1 exercise logs, 2 set logs, 1 outcome assessments" in exported.stdout

    first = run("import-home-log", str(log), "--db", str(demo_db_path), home=isolated_home)
    assert first.returncode == 0, first.stderr
    assert "session logs: 2 added, 0 already imported or skipped" in first.stdout
    assert "RED FLAG: 1 positive home screen" in first.stdout
    again = run("import-home-log", str(log), "--db", str(demo_db_path), home=isolated_home)
    assert again.returncode == 0, again.stderr
    assert "session logs: 0 added, 2 already imported or skipped" in again.stdout

    cut = tmp_path / "cut.rthl"
    cut.write_bytes(log.read_bytes()[:-5])
    refused = run("import-home-log", str(cut), "--db", str(demo_db_path), home=isolated_home)
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr.count("\n") == 1 and "(truncated)" in refused.stderr
