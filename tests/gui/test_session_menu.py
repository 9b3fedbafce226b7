"""The Session and Outcomes menu actions in the real main window: log a session by keyboard from
the menu, record an ODI from the menu, acknowledge a red flag on the overview."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "services"))
from test_sessions_support import build_patient

from rehab_tracker.domain.redflags import RED_FLAGS
from rehab_tracker.ui.outcomes.outcome_forms import OdiDialog
from rehab_tracker.ui.sessions.feature import SessionsFeature
from rehab_tracker.ui.sessions.redflag_dialog import RedFlagDialog
from rehab_tracker.ui.sessions.session_form import SessionFormDialog
from tests.gui.installed import installed


def make_window(qtbot, db, today):
    from rehab_tracker.app import create_main_window

    b = build_patient(db, today)
    win = create_main_window(db, today=today, actor="tester")
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.workspace.refresh_patients(select=b.patient_id)
    return b, win


def drive(qtbot, owner, steps):
    """Run each step on the modal dialog of its type once it is up and active."""
    done = []

    def run(i=0):
        if i >= len(steps):
            return
        kind, action = steps[i]
        w = QApplication.activeModalWidget()
        if not isinstance(w, kind):
            QTimer.singleShot(50, lambda: run(i))
            return
        if not w.isActiveWindow():
            w.activateWindow()
            QTimer.singleShot(50, lambda: run(i))
            return
        action(w)
        done.append(kind.__name__)
        QTimer.singleShot(50, lambda: run(i + 1))

    def give_up():
        w = QApplication.activeModalWidget()
        if w is not None:
            w.reject()

    QTimer.singleShot(50, run)
    QTimer.singleShot(10000, owner, give_up)
    return done


def test_log_session_from_the_menu_by_keyboard(qtbot, db, today, answers):
    b, win = make_window(qtbot, db, today)
    action = win.findChild(QAction, "logSession")
    assert action.isEnabled() and action.shortcut().toString() == "Ctrl+Shift+L"

    def screen(w):
        qtbot.keyClick(w.all_no, Qt.Key.Key_Space)
        qtbot.keyClick(w.continue_button, Qt.Key.Key_Space)

    def form(w):
        for value in ("2", "1", "2", "1"):
            qtbot.keyClicks(w.focusWidget(), value)
            qtbot.keyClick(w.focusWidget(), Qt.Key.Key_Tab)
        qtbot.keyClick(w.focusWidget(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    done = drive(qtbot, win, [(RedFlagDialog, screen), (SessionFormDialog, form)])
    action.trigger()
    assert done == ["RedFlagDialog", "SessionFormDialog"]
    rows = b.services.sessions.history(b.patient_id)
    assert rows and rows[-1].pain_back_before == 2 and rows[-1].pain_leg_after == 1
    tab = installed(win, SessionsFeature).sessions_tab
    assert win.workspace.patient_view.currentWidget() is tab and tab.model.rows


def test_record_odi_from_the_menu(qtbot, db, today, answers):
    b, win = make_window(qtbot, db, today)

    def odi(w):
        for field in w.sections:
            qtbot.keyClicks(field, "1")
        qtbot.mouseClick(w.save_button, Qt.MouseButton.LeftButton)

    done = drive(qtbot, win, [(OdiDialog, odi)])
    win.findChild(QAction, "recordOutcome").trigger()
    assert done == ["OdiDialog"]
    assert b.services.outcomes.history(b.patient_id)[0].value == 20


def window_with_red_flag(qtbot, db, today):
    """The main window on a patient whose screen was positive today, and the overview panel."""
    b, win = make_window(qtbot, db, today)
    slot = b.services.sessions.next_slot(b.patient_id)
    b.services.sessions.record_red_flag_stop(
        b.patient_id, slot.id, {**{f.code: False for f in RED_FLAGS}, "both_legs": True},
        session_date=today, today=today,
    )
    win.workspace.refresh_patients(select=b.patient_id)
    return win, installed(win, SessionsFeature).panel


def test_overview_panel_acknowledges_red_flag(qtbot, db, today, answers):
    win, panel = window_with_red_flag(qtbot, db, today)
    assert panel.alert.isVisibleTo(win) and "both legs" in panel.alert.text()
    assert win.workspace.patient_view.overview.banner.isVisibleTo(win)
    qtbot.mouseClick(panel.acknowledge_button, Qt.MouseButton.LeftButton)
    assert not panel.alert.isVisibleTo(win)
    assert not win.workspace.patient_view.overview.banner.isVisibleTo(win)
    assert "Baseline" in panel.assessments.text() or "nothing due" in panel.assessments.text()


def test_overview_acknowledge_failure_is_shown_not_raised(qtbot, db, today, answers, monkeypatch):
    """The overview's Acknowledge goes through the action runner, as the Sessions tab's does: a
    refusal (the stopped session is gone) is an error message, and the alert stays."""
    from rehab_tracker.services.errors import NotFoundError

    win, panel = window_with_red_flag(qtbot, db, today)

    def gone(_session_id):  # type: ignore[no-untyped-def]
        raise NotFoundError("that session log no longer exists")

    monkeypatch.setattr(panel.services.sessions, "acknowledge_red_flag", gone)
    qtbot.mouseClick(panel.acknowledge_button, Qt.MouseButton.LeftButton)
    assert answers["error"] == [("Acknowledge red flag", "that session log no longer exists")]
    assert panel.alert.isVisibleTo(win)


def test_log_session_with_an_open_red_flag_needs_the_clearance_first(
    qtbot, db, today, answers, monkeypatch
):
    """Issue 9 item 1: while a positive screen is not cleared, Session > Log Session and Log
    Unscheduled Session first show the flag (its date, what was answered yes) and offer to record
    the clearance or cancel; without the clearance neither the screen nor the form opens."""
    b, win = make_window(qtbot, db, today)
    services, patient = b.services, b.patient_id
    services.sessions.record_red_flag_stop(
        patient, None, {**{f.code: False for f in RED_FLAGS}, "both_legs": True},
        session_date=today, today=today,
    )
    win.workspace.refresh_patients(select=patient)
    [flag] = services.sessions.open_red_flags(patient)
    screens = []
    real_exec = RedFlagDialog.exec
    monkeypatch.setattr(RedFlagDialog, "exec", lambda w: screens.append(w) or w.reject())

    answers["confirm_reply"] = [False]  # cancel
    for name in ("logSession", "logUnscheduled"):
        win.findChild(QAction, name).trigger()
    assert screens == [] and len(answers["confirm"]) == 2
    title, text = answers["confirm"][0]
    assert title == "Red flag not yet cleared"
    assert f"red flag on {today.isoformat()} not yet cleared" in text.lower()
    assert "pain or numbness in both legs" in text
    assert services.sessions.open_red_flags(patient) == [flag]

    monkeypatch.setattr(RedFlagDialog, "exec", real_exec)
    answers["confirm_reply"] = [True]  # record the clearance

    def screen(w):
        qtbot.keyClick(w.all_no, Qt.Key.Key_Space)
        qtbot.keyClick(w.continue_button, Qt.Key.Key_Space)

    done = drive(qtbot, win, [(RedFlagDialog, screen), (SessionFormDialog, lambda w: w.reject())])
    win.findChild(QAction, "logUnscheduled").trigger()
    assert done == ["RedFlagDialog", "SessionFormDialog"]
    assert services.sessions.open_red_flags(patient) == []
    from rehab_tracker.data.models import SessionLog

    with db.reading() as s:
        log = s.get(SessionLog, flag.session_id)
        assert log.red_flag_acknowledged_by == "tester"
        assert log.red_flag_acknowledged_at is not None
