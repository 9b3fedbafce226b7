"""The first start on an empty database: the welcome page and its three ways in."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from rehab_tracker.data import locations
from rehab_tracker.domain.patients import PatientDetails
from rehab_tracker.ui.patients.patient_dialog import PatientDialog
from rehab_tracker.ui.shell.main_window import MainWindow
from rehab_tracker.ui.shell.welcome import ServerDialog, WelcomePage
from tests.gui.a11y import assert_accessible


def page(window: MainWindow) -> WelcomePage:
    assert window.welcome is not None
    return window.welcome


def test_an_empty_database_opens_on_the_welcome_page(empty_window: MainWindow) -> None:
    welcome = page(empty_window)
    assert welcome.isVisible() and not empty_window.workspace.patient_view.isVisible()
    assert welcome.add_patient.hasFocus()  # Enter or Space: the most likely first step
    assert str(empty_window.workspace.services.db.display_name) in welcome.intro.text()
    assert_accessible(welcome)
    for button in (welcome.add_patient, welcome.open_demo, welcome.connect_server):
        assert button.accessibleName() == button.text().replace("&", "").rstrip("…")


def test_a_database_with_patients_never_loads_the_page(window: MainWindow) -> None:
    assert window.welcome is None


def test_add_the_first_patient_opens_new_patient_then_the_page_goes(
    empty_window: MainWindow, qtbot, today
) -> None:
    welcome = page(empty_window)
    seen = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        seen.append(type(dialog))
        dialog.reject()

    QTimer.singleShot(100, answer)
    qtbot.keyClick(welcome.add_patient, Qt.Key.Key_Space)
    assert seen == [PatientDialog]
    assert welcome.isVisible()  # cancelled: still no patient
    services = empty_window.workspace.services
    patient = services.patients.enrol(
        PatientDetails("Ada", "Lovelace", dt.date(1980, 5, 1), "female", pathway="conservative"),
        None,
        today=today,
    )
    empty_window.workspace.refresh_patients(select=patient)
    assert not welcome.isVisible()
    assert empty_window.workspace.patient_view.isVisible()


def test_open_the_demo_clinic_with_progress(
    empty_window: MainWindow, qtbot, answers, monkeypatch
) -> None:
    from rehab_tracker.services import demo

    steps: list[tuple[int, int]] = []
    real = demo.seed_demo

    def seed(db, **kwargs):  # type: ignore[no-untyped-def]
        shown = kwargs["progress"]

        def step(done: int, total: int) -> None:
            steps.append((done, total))
            shown(done, total)

        return real(db, **{**kwargs, "progress": step})

    monkeypatch.setattr(demo, "seed_demo", seed)
    welcome = page(empty_window)
    qtbot.mouseClick(welcome.open_demo, Qt.MouseButton.LeftButton)
    assert answers["confirm"] and "synthetic demo patients" in answers["confirm"][0][1]
    total = len(demo.CAST)
    assert steps[0] == (0, total) and steps[-1] == (total, total) and len(steps) == total + 1
    assert empty_window.patient_list.model.rowCount() == total
    assert not welcome.isVisible()
    assert empty_window.statusBar().currentMessage() == f"Added {total} demo patients"


def test_the_demo_asks_first(empty_window: MainWindow, qtbot, answers) -> None:
    answers["confirm_reply"].append(False)
    qtbot.mouseClick(page(empty_window).open_demo, Qt.MouseButton.LeftButton)
    assert empty_window.patient_list.model.rowCount() == 0


def server_dialog(qtbot) -> ServerDialog:  # type: ignore[no-untyped-def]
    dialog = ServerDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_a_wrong_address_says_why_in_one_line(qtbot) -> None:
    dialog = server_dialog(qtbot)
    assert_accessible(dialog)
    qtbot.keyClicks(dialog.address, "clinic.db")
    qtbot.keyClick(dialog.address, Qt.Key.Key_Return)  # Enter tests
    assert dialog.answer.text().startswith("A clinic server's address starts with postgresql://")
    assert not dialog.use_button.isEnabled()
    dialog.address.clear()
    qtbot.keyClicks(dialog.address, "postgresql://rehab:secret@127.0.0.1:1/clinic")
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    text = dialog.answer.text()
    assert text.startswith("No connection to 127.0.0.1:1, database clinic:")
    assert "\n" not in text and "secret" not in text
    assert not dialog.use_button.isEnabled()


@pytest.mark.postgres
def test_connect_to_a_clinic_server_tests_saves_and_switches(
    empty_window: MainWindow, qtbot, pg_url: str, answers
) -> None:
    def fill(dialog: ServerDialog) -> None:
        qtbot.keyClicks(dialog.address, pg_url)
        qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
        assert "no Rehab Tracker records there yet" in dialog.answer.text()
        assert dialog.use_button.isEnabled()
        qtbot.keyClick(dialog.address, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClick(dialog.address, Qt.Key.Key_End)
        qtbot.keyClicks(dialog.address, "x")  # an edit after the test: test again first
        assert not dialog.use_button.isEnabled()
        qtbot.keyClick(dialog.address, Qt.Key.Key_Backspace)
        qtbot.keyClick(dialog.address, Qt.Key.Key_Return)
        qtbot.waitUntil(dialog.use_button.isEnabled)
        qtbot.mouseClick(dialog.use_button, Qt.MouseButton.LeftButton)

    def run() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ServerDialog)
        fill(dialog)

    QTimer.singleShot(100, run)
    qtbot.mouseClick(page(empty_window).connect_server, Qt.MouseButton.LeftButton)
    db = empty_window.workspace.services.db
    assert db.path is None  # a server now, not a file
    assert locations.saved_database() is not None
    assert locations.saved_database() == db.url
    assert empty_window.database_label.text() == f"Database: {db.display_name}"
    assert answers["inform"][-1][1] == f"This workstation now uses {db.display_name}."
    assert page(empty_window).isVisible()  # the server has no patients yet either


LAZY = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
from rehab_tracker.app import start_window
from rehab_tracker.domain.roles import Principal, Role

def attached(window):
    if not window.attached:
        QTimer.singleShot(20, lambda: attached(window))
        return
    print("LOADED:" + ",".join(sorted(m for m in sys.modules if m in (
        "rehab_tracker.ui.shell.welcome", "rehab_tracker.ui.shell.help",
        "rehab_tracker.services.about", "rehab_tracker.services.connection",
        "rehab_tracker.services.demo", "packaging.requirements"))))
    app.quit()

window = start_window(
    sys.argv[1], principal=Principal("test", Role.ADMINISTRATOR), on_shown=lambda w: attached(w)
)
app.exec()
"""


def test_welcome_and_help_load_only_when_used(demo_db_path) -> None:  # type: ignore[no-untyped-def]
    """Start-up does not get slower: a database with patients never imports the welcome page,
    the help windows or their services."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run(
        [sys.executable, "-c", LAZY, str(demo_db_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert "LOADED:\n" in out.stdout + "\n", out.stdout


def test_the_page_fills_a_narrow_window(empty_window: MainWindow) -> None:
    """At 200% (one pane at a time) the page, not an empty list, is what the window shows."""
    empty_window.set_narrow(True)
    assert page(empty_window).isVisible() and not empty_window.patient_list.isVisible()
    empty_window.set_narrow(False)
    assert page(empty_window).isVisible() and empty_window.patient_list.isVisible()
