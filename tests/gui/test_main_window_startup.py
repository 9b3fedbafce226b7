"""The start-up path stays light: no matplotlib or report code imported by create_main_window."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CODE = """
import sys
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
from rehab_tracker.app import create_main_window
window = create_main_window(sys.argv[1], actor="test")
window.show()
app.processEvents()
heavy = sorted(m for m in sys.modules
               if m.split(".")[0] == "matplotlib" or m.startswith("rehab_tracker.reports")
               or m.startswith("rehab_tracker.charts"))
print("HEAVY:" + ",".join(heavy))
"""


def test_no_matplotlib_or_reports_on_startup(db_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run(
        [sys.executable, "-c", CODE, str(db_path)],
        env=env, capture_output=True, text=True, check=True, timeout=120,
    )
    line = next(x for x in out.stdout.splitlines() if x.startswith("HEAVY:"))
    assert line == "HEAVY:", line


def test_run_gui_reports_a_bad_database_and_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "not-a-db.db"
    bad.write_bytes(b"this is not sqlite at all, just text" * 10)
    code = (
        "import sys\n"
        "from rehab_tracker.ui import dialogs\n"
        "dialogs.error = lambda p, t, x: print('ERROR:' + x)\n"
        "from rehab_tracker.app import run_gui\n"
        "sys.exit(run_gui(sys.argv[1]))\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", code, str(bad)], env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 2
    # offscreen nobody could click a modal dialog away: one line on stderr instead
    assert "ERROR:" not in out.stdout
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "not an SQLite database" in lines[0] and str(bad) in lines[0]
    assert bad.read_bytes().startswith(b"this is not sqlite")  # left untouched
