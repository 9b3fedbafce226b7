"""Start-up: the window shows its patients before SQLAlchemy loads, then attaches its services.

Also: the start-up path stays light (no matplotlib or report code, before or after attach), and a
database that cannot be opened exits with code 2 and one line on stderr.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QAction

from rehab_tracker.data.database import quick_check
from rehab_tracker.data.patient_list import read_sqlite
from rehab_tracker.ui.program.feature import ProgramFeature
from rehab_tracker.ui.shell.main_window import OPENING_MESSAGE
from tests.gui.installed import installed
from tests.staff import staff

CODE = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
from rehab_tracker.app import start_window
from rehab_tracker.domain.roles import Principal, Role
from rehab_tracker.domain.roles import Principal, Role

def heavy():
    return ",".join(sorted(
        m for m in sys.modules
        if m.split(".")[0] == "matplotlib" or m.startswith("rehab_tracker.reports")
        or m.startswith("rehab_tracker.charts")))

def shown(window):
    print("SHOWN:" + str(window.attached) + ":" + str("sqlalchemy" in sys.modules) + ":" + heavy())
    QTimer.singleShot(0, lambda: attached(window))

def attached(window):
    print("ATTACHED:" + str(window.attached) + ":" + heavy())
    app.quit()

window = start_window(sys.argv[1], principal=Principal("test", Role.ADMINISTRATOR), on_shown=shown)
app.exec()
"""


def run_app(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-c", code, *args], env=env,
                          capture_output=True, text=True, timeout=120)


def test_shown_without_sqlalchemy_and_no_matplotlib_or_reports(db_path: Path) -> None:
    out = run_app(CODE, str(db_path))
    assert out.returncode == 0, out.stderr
    lines = [x for x in out.stdout.splitlines() if x.startswith(("SHOWN:", "ATTACHED:"))]
    assert lines == ["SHOWN:False:False:", "ATTACHED:True:"], out.stdout


def action(window, name: str) -> QAction:  # type: ignore[no-untyped-def]
    found = window.findChild(QAction, name)
    assert found is not None, name
    return found


def test_start_window_shows_rows_then_attaches(qtbot, demo_db_path, today, answers) -> None:  # type: ignore[no-untyped-def]
    from rehab_tracker.app import start_window

    window = start_window(demo_db_path, today=today, principal=staff("tester"))
    qtbot.addWidget(window)
    # first stage: the rows from the file, database actions disabled, focus in Find
    assert not window.attached
    assert window.patient_list.model.rowCount() == 9
    assert window.statusBar().currentMessage() == OPENING_MESSAGE
    assert window.focusWidget() is window.patient_list.find_edit
    for name in ("newPatient", "editPatient", "buildProgram", "exerciseLibrary", "education",
                 "backupDatabase"):
        assert not action(window, name).isEnabled(), name
    for name in ("findPatientAction", "quit", "about"):
        assert action(window, name).isEnabled(), name
    qtbot.keyClicks(window.patient_list.find_edit, "okafor")
    assert window.patient_list.model.rowCount() == 1
    window.patient_list.table.selectRow(0)
    assert window.selected_patient() is not None
    assert not action(window, "editPatient").isEnabled()  # still no database

    # second stage, from the event loop
    qtbot.waitUntil(lambda: window.attached, timeout=20000)
    assert window.statusBar().currentMessage() != OPENING_MESSAGE
    assert window.patient_list.model.rowCount() == 1  # the search is kept
    selected = window.selected_patient()
    assert selected is not None and selected.name == "Maren Okafor"  # and the selection
    assert "Maren Okafor" in window.workspace.patient_view.overview.title.text()
    for name in ("newPatient", "editPatient", "buildProgram", "backupDatabase", "logSession",
                 "progressReport", "recordOutcome"):
        assert action(window, name).isEnabled(), name
    view = window.workspace.patient_view
    assert view.count() >= 5  # overview, program, charts, sessions, outcomes
    assert view.widget(1) is installed(window, ProgramFeature).tab
    window.patient_list.find_edit.clear()
    assert window.patient_list.model.rowCount() == 9


def test_a_new_file_takes_the_normal_path(qtbot, tmp_path: Path, today, answers) -> None:  # type: ignore[no-untyped-def]
    from rehab_tracker.app import start_window

    target = tmp_path / "new-clinic.db"
    window = start_window(target, today=today, principal=staff("tester"))
    qtbot.addWidget(window)
    assert window.attached  # opened (created, migrated, seeded) before it was shown
    assert window.isVisible() and target.exists()
    assert action(window, "newPatient").isEnabled()
    assert window.patient_list.model.rowCount() == 0


def corrupt_a_page_the_list_does_not_read(path: Path) -> None:
    """Overwrite the audit trail's root page: the list still reads, quick_check fails."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'audit_log'").fetchone()[0]
    conn.close()
    with open(path, "r+b") as handle:
        handle.seek((root - 1) * page_size)
        handle.write(b"\xa5" * page_size)


def test_a_database_failing_the_full_open_exits_2(demo_db_path, today) -> None:  # type: ignore[no-untyped-def]
    path = demo_db_path
    corrupt_a_page_the_list_does_not_read(path)
    assert read_sqlite(path, today) is not None  # the fast path shows the window first...
    assert quick_check(path) is not None  # ...and the full open refuses the file
    before = path.read_bytes()
    code = (
        "import sys\n"
        "from rehab_tracker.ui.widgets import dialogs\n"
        "dialogs.error = lambda p, t, x: print('ERROR:' + x)\n"
        "from rehab_tracker.app import run_gui\n"
        "sys.exit(run_gui(sys.argv[1]))\n"
    )
    out = run_app(code, str(path))
    assert out.returncode == 2, out.stderr
    assert "ERROR:" not in out.stdout  # offscreen: no dialog nobody could close
    lines = [x for x in out.stderr.strip().splitlines() if "propagateSizeHints" not in x]
    assert len(lines) == 1 and "not a usable Rehab Tracker database" in lines[0], lines
    assert path.read_bytes() == before  # left untouched


def test_run_gui_reports_a_bad_database_and_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "not-a-db.db"
    bad.write_bytes(b"this is not sqlite at all, just text" * 10)
    code = (
        "import sys\n"
        "from rehab_tracker.ui.widgets import dialogs\n"
        "dialogs.error = lambda p, t, x: print('ERROR:' + x)\n"
        "from rehab_tracker.app import run_gui\n"
        "sys.exit(run_gui(sys.argv[1]))\n"
    )
    out = run_app(code, str(bad))
    assert out.returncode == 2
    # offscreen nobody could click a modal dialog away: one line on stderr instead
    assert "ERROR:" not in out.stdout
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "not an SQLite database" in lines[0] and str(bad) in lines[0]
    assert bad.read_bytes().startswith(b"this is not sqlite")  # left untouched


FEATURES_LOADED = """
import sys
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
from rehab_tracker.app import start_window
from rehab_tracker.domain.roles import Principal, Role

def loaded(prefix):
    return ",".join(sorted(m for m in sys.modules if m.startswith(prefix)))

def shown(window):
    print("SHOWN:" + loaded("rehab_tracker.ui."))
    app.quit()

window = start_window(sys.argv[1], principal=Principal("test", Role.ADMINISTRATOR), on_shown=shown)
app.exec()
"""
#: the feature folders under ui/ (the shell and the shared widgets are not features)
FEATURE_FOLDERS = ("patients", "program", "sessions", "outcomes", "library", "education",
                   "reports", "clinic")


def test_only_the_feature_entries_load_before_the_window_is_shown(db_path: Path) -> None:
    """Every feature is installed (its actions exist) before the window is shown, but of each
    feature folder only its light ``feature.py`` is imported then; the rest loads at attach.
    The patient list is the one exception: it is what the window shows first."""
    out = run_app(FEATURES_LOADED, str(db_path))
    assert out.returncode == 0, out.stderr
    line = next(x for x in out.stdout.splitlines() if x.startswith("SHOWN:"))
    modules = line.removeprefix("SHOWN:").split(",")
    in_features = {m for m in modules if m.split(".")[2] in FEATURE_FOLDERS}
    expected = {f"rehab_tracker.ui.{f}" for f in FEATURE_FOLDERS}
    expected |= {f"rehab_tracker.ui.{f}.feature" for f in FEATURE_FOLDERS}
    expected.add("rehab_tracker.ui.patients.patient_list")
    assert in_features == expected
    assert "rehab_tracker.ui.shell.workspace" not in modules
