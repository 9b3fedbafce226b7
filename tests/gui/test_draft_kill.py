"""A real app process is killed (SIGKILL) mid-entry; on restart the draft is back.

The test runs this file twice as a child process (QT_QPA_PLATFORM=offscreen):
``type``  opens the app on the database, opens the next session's form through the Sessions tab,
          types pain scores and a note, prints DRAFT-SAVED once the autosave has written, waits;
``check`` opens the app again, resumes the unsaved draft and prints what the form shows (JSON).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.staff import staff

HERE = Path(__file__).resolve()
TODAY = dt.date(2026, 11, 23)


def _child(mode: str, db_path: str) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from rehab_tracker.app import create_main_window
    from rehab_tracker.domain.redflags import RED_FLAGS
    from rehab_tracker.ui.sessions.feature import SessionsFeature
    from rehab_tracker.ui.sessions.session_form import SessionFormDialog

    app = QApplication([])
    window = create_main_window(db_path, today=TODAY, principal=staff("killtest"))
    window.show()
    feature = next(f for f in window.features if isinstance(f, SessionsFeature))
    patient = window.workspace.services.patients.list_patients(today=TODAY)[0]
    window.workspace.refresh_patients(select=patient.id)

    if mode == "type":
        tab = feature.sessions_tab
        slot = window.workspace.services.sessions.next_slot(patient.id)

        def drive() -> None:
            dialog = QApplication.activeModalWidget()
            if not isinstance(dialog, SessionFormDialog):
                QTimer.singleShot(50, drive)
                return
            dialog.autosave.saved.connect(lambda: print("DRAFT-SAVED", flush=True))
            QTest.keyClicks(dialog.pain["pain_back_before"], "7")
            QTest.keyClicks(dialog.pain["pain_leg_before"], "5")
            QTest.keyClicks(dialog.notes, "typed before the crash")

        QTimer.singleShot(0, lambda: tab.open_form(slot, {f.code: False for f in RED_FLAGS}))
        QTimer.singleShot(50, drive)
        return app.exec()  # killed by the parent

    def check() -> None:
        offered = window.statusBar().currentMessage()
        dialog = feature.resume_draft()
        assert dialog is not None
        print(
            "RESULT "
            + json.dumps(
                {
                    "offered": offered,
                    "back": dialog.pain["pain_back_before"].text(),
                    "leg": dialog.pain["pain_leg_before"].text(),
                    "notes": dialog.notes.toPlainText(),
                    "status": dialog.status.text(),
                }
            ),
            flush=True,
        )
        app.quit()

    QTimer.singleShot(200, check)
    return app.exec()


def _run(mode: str, db_path: Path) -> subprocess.Popen[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.Popen(
        [sys.executable, str(HERE), mode, str(db_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


@pytest.mark.slow
def test_sigkill_mid_entry_keeps_the_draft(db, db_path, today):
    sys.path.insert(0, str(HERE.parents[1] / "services"))
    from test_sessions_support import build_patient

    build_patient(db, today)
    db.close()

    child = _run("type", db_path)
    deadline = time.monotonic() + 60
    assert child.stdout is not None
    line = ""
    while time.monotonic() < deadline:
        line = child.stdout.readline()
        if "DRAFT-SAVED" in line or not line:
            break
    assert "DRAFT-SAVED" in line, child.stderr.read() if child.stderr else ""
    time.sleep(0.7)  # let the last keystroke's autosave land too
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=10)
    assert child.returncode == -signal.SIGKILL

    again = _run("check", db_path)
    out, err = again.communicate(timeout=60)
    result_line = next((x for x in out.splitlines() if x.startswith("RESULT ")), None)
    assert result_line is not None, err
    result = json.loads(result_line[len("RESULT ") :])
    assert result["back"] == "7" and result["leg"] == "5"
    assert result["notes"] == "typed before the crash"
    assert "restored" in result["status"]
    assert "unsaved form" in result["offered"]


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1], sys.argv[2]))
