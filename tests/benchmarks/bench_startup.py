"""Start-up benchmark: process start to main window shown, 50 patients, against a bare QMainWindow.

Run: ``.venv/bin/pytest tests/benchmarks/bench_startup.py -s -m benchmark``. Prints both times
(best of several runs, each a fresh process) and the ratio; the goal is under 2x, the test fails
only above 2.5x (noise on a busy machine).
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rehab_tracker.data.database import open_database
from rehab_tracker.domain.patients import LEVELS, PatientDetails, SurgeryDetails
from rehab_tracker.services.container import Services

TODAY = dt.date(2026, 11, 23)
RUNS = 5
GOAL = 2.0
LIMIT = 2.5

APP = """
import sys, time
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
import datetime as dt
from rehab_tracker.app import create_main_window
window = create_main_window(sys.argv[1], today=dt.date(2026, 11, 23), actor="bench")
window.show()
app.processEvents()
print(time.time())
"""

BARE = """
import sys, time
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1200, 740)
window.show()
app.processEvents()
print(time.time())
"""


def prepare(path: Path, patients: int = 50) -> None:
    db = open_database(path)
    services = Services(db, "bench")
    services.library.ensure_seeded()
    services.education.ensure_seeded()
    for i in range(patients):
        services.patients.enrol(
            PatientDetails(f"Given{i}", f"Family{i:02d}", dt.date(1960 + i % 40, 1 + i % 12, 1),
                           "female" if i % 2 else "male"),
            SurgeryDetails(TODAY - dt.timedelta(days=7 * (i % 20)), (LEVELS[3 + i % 2],)),
            today=TODAY,
        )
    db.close()


def time_to_shown(code: str, *args: str) -> float:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    start = time.time()
    out = subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, check=True
    )
    shown = float(out.stdout.strip().splitlines()[-1])
    return shown - start


@pytest.mark.benchmark
def test_startup_time_against_bare_qt(tmp_path: Path) -> None:
    db_file = tmp_path / "bench.db"
    prepare(db_file)
    time_to_shown(BARE)  # warm the file cache for both
    time_to_shown(APP, str(db_file))
    bare = [time_to_shown(BARE) for _ in range(RUNS)]
    app = [time_to_shown(APP, str(db_file)) for _ in range(RUNS)]
    bare_t, app_t = min(bare), min(app)
    ratio = app_t / bare_t
    bare_median, app_median = statistics.median(bare) * 1000, statistics.median(app) * 1000
    print(
        f"\nstart-up to window shown (best of {RUNS}; median in brackets):\n"
        f"  bare PySide6 QMainWindow:   {bare_t * 1000:5.0f} ms ({bare_median:.0f})\n"
        f"  Rehab Tracker, 50 patients: {app_t * 1000:5.0f} ms ({app_median:.0f})\n"
        f"  ratio: {ratio:.2f}x (goal < {GOAL}x; fails above {LIMIT}x) -> "
        f"{'GOAL MET' if ratio < GOAL else 'GOAL MISSED'}"
    )
    assert ratio < LIMIT
