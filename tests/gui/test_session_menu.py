"""The Session and Outcomes menu actions in the real main window: log a session by keyboard from
the menu, record an ODI from the menu, record a red flag's referral and clearance on the
overview."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QLabel

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "services"))
from test_sessions_support import build_patient

from rehab_tracker.domain.redflags import RED_FLAGS
from rehab_tracker.ui.outcomes.outcome_forms import OdiDialog
from rehab_tracker.ui.sessions.acknowledge import RedFlagOutcomeDialog
from rehab_tracker.ui.sessions.feature import SessionsFeature
from rehab_tracker.ui.sessions.redflag_dialog import RedFlagDialog
from rehab_tracker.ui.sessions.session_form import SessionFormDialog
from tests.gui.a11y import assert_accessible
from tests.gui.installed import installed
from tests.staff import staff


def make_window(qtbot, db, today, **build):
    from rehab_tracker.app import create_main_window

    b = build_patient(db, today, **build)
    win = create_main_window(db, today=today, principal=staff("tester"))
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
    # the day's most common action has the simplest key
    assert action.isEnabled() and action.shortcut().toString() == "Ctrl+L"

    def screen(w):
        qtbot.keyClick(w.all_no, Qt.Key.Key_Space)
        qtbot.keyClick(w.continue_button, Qt.Key.Key_Space)

    def form(w):
        for value in ("2", "1", "2", "1"):
            qtbot.keyClicks(w.focusWidget(), value)
            qtbot.keyClick(w.focusWidget(), Qt.Key.Key_Tab)
        qtbot.keyClick(w.focusWidget(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    done = drive(qtbot, win, [(RedFlagDialog, screen), (SessionFormDialog, form)])
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    qtbot.keyClick(win.patient_list.table, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
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
    """The main window on a patient whose screen was positive today (an emergency answer), and
    the overview panel."""
    b, win = make_window(qtbot, db, today)
    slot = b.services.sessions.next_slot(b.patient_id)
    b.services.sessions.record_red_flag_stop(
        b.patient_id, slot.id, {**{f.code: False for f in RED_FLAGS}, "new_both_legs": True},
        session_date=today, today=today,
    )
    win.workspace.refresh_patients(select=b.patient_id)
    return win, installed(win, SessionsFeature).panel


def fill_outcome(qtbot, w, *, advice="Ambulance called; no exercise.", downs=2):
    """Type the advice, choose the referral with the arrow keys (2: Emergency department)."""
    w.advice.setFocus()
    qtbot.keyClicks(w.advice, advice)
    qtbot.keyClick(w.advice, Qt.Key.Key_Tab)  # Tab leaves the advice for the referral
    assert w.focusWidget() is w.referred_to
    for _ in range(downs):
        qtbot.keyClick(w.referred_to, Qt.Key.Key_Down)


def test_overview_panel_records_the_referral_then_the_clearance(qtbot, db, today, answers):
    win, panel = window_with_red_flag(qtbot, db, today)
    services, patient = panel.services, panel.row.id
    text = panel.alert.text()
    assert "new pain, numbness or weakness in both legs" in text
    assert "emergency: stop the session and call emergency services" in text
    assert "Outcome not recorded; not cleared" in text
    assert win.workspace.patient_view.overview.banner.isVisibleTo(win)

    def referral(w):
        assert isinstance(w, RedFlagOutcomeDialog)
        assert_accessible(w)
        fill_outcome(qtbot, w)
        qtbot.keyClick(w.save_button, Qt.Key.Key_Space)

    done = drive(qtbot, win, [(RedFlagOutcomeDialog, referral)])
    qtbot.mouseClick(panel.outcome_button, Qt.MouseButton.LeftButton)
    assert done == ["RedFlagOutcomeDialog"]
    # the referral is recorded and shown; the flag stays open until the clearance
    assert panel.alert.isVisibleTo(win)
    assert "Referred to: Emergency department; not cleared" in panel.alert.text()
    assert "Advice given: Ambulance called; no exercise." in panel.alert.text()
    [flag] = services.sessions.open_red_flags(patient)
    assert flag.referred_to == "emergency_department"

    def clearance(w):
        assert w.advice.toPlainText() == "Ambulance called; no exercise."  # kept
        assert not w.cleared_by.isEnabled()
        w.cleared.setFocus()
        qtbot.keyClick(w.cleared, Qt.Key.Key_Space)
        assert w.cleared_by.isEnabled()
        qtbot.keyClicks(w.cleared_by, "surgeon Dr Ng")
        qtbot.keyClicks(w.clearance_note, "MRI: no compression")
        qtbot.keyClick(w.save_button, Qt.Key.Key_Space)

    done = drive(qtbot, win, [(RedFlagOutcomeDialog, clearance)])
    qtbot.mouseClick(panel.outcome_button, Qt.MouseButton.LeftButton)
    assert done == ["RedFlagOutcomeDialog"]
    assert not panel.alert.isVisibleTo(win)
    assert not win.workspace.patient_view.overview.banner.isVisibleTo(win)
    assert services.sessions.open_red_flags(patient) == []
    tab = installed(win, SessionsFeature).sessions_tab
    win.workspace.show_tab(tab)  # the tab loads when shown
    cell = tab.model.data(tab.model.index(0, 5))
    assert cell == (f"POSITIVE (emergency): referred to: Emergency department; cleared "
                    f"{today.isoformat()} by surgeon Dr Ng")


def test_outcome_dialog_shows_errors_at_the_fields_and_saves_nothing(qtbot, db, today, answers):
    win, panel = window_with_red_flag(qtbot, db, today)
    seen = {}

    def empty(w):
        w.cleared.setChecked(True)
        qtbot.keyClick(w.save_button, Qt.Key.Key_Space)
        errors = w.fields.errors
        seen.update({k: errors[k].text() for k in errors if errors[k].isVisibleTo(w)})
        seen["focus"] = w.focusWidget() is w.advice
        w.reject()

    done = drive(qtbot, win, [(RedFlagOutcomeDialog, empty)])
    qtbot.mouseClick(panel.outcome_button, Qt.MouseButton.LeftButton)
    assert done == ["RedFlagOutcomeDialog"]
    assert seen.pop("focus") is True
    assert set(seen) == {"advice", "referred_to", "cleared_by"}
    assert seen["referred_to"] == "Choose who the patient was referred to."
    [flag] = panel.services.sessions.open_red_flags(panel.row.id)
    assert flag.advice is None and flag.referred_to is None
    assert answers["error"] == []


def test_overview_outcome_failure_is_shown_not_raised(qtbot, db, today, answers, monkeypatch):
    """The outcome dialog writes through the action runner: a refusal (the stopped session is
    gone) is an error message, and the alert stays."""
    from rehab_tracker.services.errors import NotFoundError

    win, panel = window_with_red_flag(qtbot, db, today)

    def gone(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise NotFoundError("that session log no longer exists")

    monkeypatch.setattr(panel.services.sessions, "record_red_flag_outcome", gone)

    def save(w):
        fill_outcome(qtbot, w)
        qtbot.keyClick(w.save_button, Qt.Key.Key_Space)
        w.reject()

    drive(qtbot, win, [(RedFlagOutcomeDialog, save)])
    qtbot.mouseClick(panel.outcome_button, Qt.MouseButton.LeftButton)
    assert answers["error"] == [("Red-flag outcome", "that session log no longer exists")]
    assert panel.alert.isVisibleTo(win)


def test_log_session_with_an_open_red_flag_needs_the_clearance_first(
    qtbot, db, today, answers
):
    """Issue 9 item 1 with the real record: while a positive screen is not cleared, Session >
    Log Session and Log Unscheduled Session first open the flag's outcome dialog asking for the
    clearance; cancelled, neither the screen nor the form opens and progression holds; recorded
    (who cleared, when), the screen and the form follow and progression resumes."""
    b, win = make_window(qtbot, db, today)
    services, patient = b.services, b.patient_id
    services.sessions.record_red_flag_stop(
        patient, None, {**{f.code: False for f in RED_FLAGS}, "one_sided_leg": True},
        session_date=today, today=today,
    )
    win.workspace.refresh_patients(select=patient)
    [flag] = services.sessions.open_red_flags(patient)
    titles = []

    def cancel(w):
        titles.append(w.windowTitle())
        assert w.cleared.isChecked() and not w.cleared.isEnabled()  # the clearance is required
        assert "progression holds" in w.findChild(QLabel, "redFlagOutcomeSummary").text()
        qtbot.keyClick(w.cancel_button, Qt.Key.Key_Space)

    for name in ("logSession", "logUnscheduled"):
        done = drive(qtbot, win, [(RedFlagOutcomeDialog, cancel)])
        win.findChild(QAction, name).trigger()
        assert done == ["RedFlagOutcomeDialog"]
    assert titles == ["Red flag not yet cleared"] * 2
    assert services.sessions.open_red_flags(patient) == [flag]
    held = services.programs.suggestions(b.program_id, today=today)
    assert all(s.action == "hold" for s in held.values())

    def clearance(w):
        fill_outcome(qtbot, w, advice="Seen by the GP today.", downs=4)  # 4: GP
        qtbot.keyClick(w.referred_to, Qt.Key.Key_Tab)
        qtbot.keyClicks(w.referral_details, "Dr Park")
        qtbot.keyClicks(w.cleared_by, "GP Dr Park")
        qtbot.keyClick(w.save_button, Qt.Key.Key_Space)

    def screen(w):  # cleared, but the patient leaves before today's screen
        w.reject()

    done = drive(qtbot, win, [(RedFlagOutcomeDialog, clearance), (RedFlagDialog, screen)])
    win.findChild(QAction, "logUnscheduled").trigger()
    assert done == ["RedFlagOutcomeDialog", "RedFlagDialog"]
    assert services.sessions.open_red_flags(patient) == []
    # the window shows the clearance at once, though no session was logged after it
    assert not win.workspace.patient_view.overview.banner.isVisibleTo(win)
    normal = services.programs.suggestions(b.program_id, today=today)
    assert not any(s.reason.startswith("Hold: red flag") for s in normal.values())
    from rehab_tracker.data.models import SessionLog

    with db.reading() as s:
        log = s.get(SessionLog, flag.session_id)
        assert (log.red_flag_referred_to, log.red_flag_referral_details) == ("gp", "Dr Park")
        assert (log.red_flag_cleared_by, log.red_flag_cleared_on) == ("GP Dr Park", today)
        assert log.red_flag_acknowledged_by == "tester"
