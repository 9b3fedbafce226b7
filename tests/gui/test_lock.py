"""The automatic lock (issue 13 item 3): idle time on a fake clock, the lock screen, unlock,
and another user signing in while the first user's form is kept as a draft."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QDialog, QLabel, QLineEdit, QWidget

from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.domain.roles import Role
from rehab_tracker.services import users
from rehab_tracker.services.container import Services
from rehab_tracker.services.settings import LOCK_DEFAULT
from rehab_tracker.services.users import UserForm
from rehab_tracker.ui.shell.lock import LOCKED_TITLE
from rehab_tracker.ui.widgets.fields import DraftAutosaver
from tests.staff import staff

PASSWORD = "a quiet walk by the river"


def _texts(root: QWidget) -> list[str]:
    """Every text a widget under ``root`` shows (labels, fields, item views' cells)."""
    found = [root.windowTitle()]
    for widget in root.findChildren(QWidget):
        if isinstance(widget, QLabel | QLineEdit):
            found.append(widget.text())
        if isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            for row in range(model.rowCount()):
                for column in range(model.columnCount()):
                    found.append(str(model.index(row, column).data() or ""))
    return found


@pytest.fixture
def accounts(db):  # type: ignore[no-untyped-def]
    """'tester' (the window's principal) and 'second', with real passwords."""
    admin = users.create_first_administrator(
        db, UserForm("tester", "Tess Tester", Role.ADMINISTRATOR, PASSWORD)
    )
    Services(db, admin).users.add(UserForm("second", "Sam Second", Role.PHYSIOTHERAPIST, PASSWORD))


def _fake_clock(window):  # type: ignore[no-untyped-def]
    now = [0.0]
    lock = window.idle_lock
    lock.clock = lambda: now[0]
    lock.last_input = 0.0
    lock._read_at = 0.0
    return now


def test_locks_after_the_idle_time_and_hides_every_patient(qtbot, window, accounts) -> None:  # type: ignore[no-untyped-def]
    assert any("Shaw" in t for t in _texts(window))
    now = _fake_clock(window)
    assert window.idle_lock.timer.isActive()  # the QTimer calls check() once a second
    assert window.idle_lock.limit_minutes == LOCK_DEFAULT
    now[0] = LOCK_DEFAULT * 60 - 1
    window.idle_lock.check()
    assert not window.idle_lock.locked
    qtbot.keyClick(window.patient_list.find_edit, Qt.Key.Key_Shift)  # input restarts the wait
    assert window.idle_lock.last_input == now[0]
    now[0] += LOCK_DEFAULT * 60
    window.idle_lock.check()
    assert window.idle_lock.locked
    assert window.windowTitle() == LOCKED_TITLE
    texts = _texts(window)
    for name in ("Shaw", "Ritchie", "Carol", "RT-9003"):
        assert not any(name in t for t in texts), name
    assert not window.menuBar().isEnabled()
    assert not window.findChild(type(window.open_patient), "lockNow").isEnabled()
    window.selection_changed()  # a refresh behind the lock enables no action
    assert not window.open_patient.isEnabled()
    assert not window.statusBar().currentMessage()


def test_wrong_password_refused_at_the_field_right_one_unlocks(qtbot, window, accounts) -> None:  # type: ignore[no-untyped-def]
    window.patient_list.table.selectRow(0)
    selected = window.patient_list.selected_id()
    title = window.windowTitle()
    window.lock_now()
    screen = window.idle_lock.screen
    assert screen is not None and screen.username.text() == "tester"
    qtbot.keyClicks(screen.password, "not my password")
    qtbot.keyClick(screen.password, Qt.Key.Key_Return)
    assert window.idle_lock.locked
    assert "not right" in screen.form.errors["password"].text()
    screen.password.clear()
    qtbot.keyClicks(screen.password, PASSWORD)
    qtbot.keyClick(screen.password, Qt.Key.Key_Return)
    assert not window.idle_lock.locked
    assert window.centralWidget() is window.splitter
    assert window.windowTitle() == title
    assert window.patient_list.selected_id() == selected
    assert window.menuBar().isEnabled()
    assert window.workspace.services.principal.username == "tester"


def test_another_user_signs_in_and_the_open_form_is_a_draft(qtbot, window, accounts) -> None:  # type: ignore[no-untyped-def]
    services = window.workspace.services
    form = QDialog(window)
    saver = DraftAutosaver(services.drafts, "session:new:test", lambda: {"notes": "half typed"},
                           form)
    form.show()
    saver.touch()
    window.lock_now()
    assert not form.isVisible()
    assert services.drafts.load("session:new:test").payload == {"notes": "half typed"}
    screen = window.idle_lock.screen
    qtbot.mouseClick(screen.switch_button, Qt.MouseButton.LeftButton)
    assert not screen.username.isReadOnly()
    qtbot.keyClicks(screen.username, "second")
    qtbot.keyClicks(screen.password, PASSWORD)
    qtbot.keyClick(screen.password, Qt.Key.Key_Return)
    assert not window.idle_lock.locked
    assert window.workspace.services.principal.username == "second"
    assert window.workspace.services.principal.role is Role.PHYSIOTHERAPIST


def test_idle_time_setting_is_checked(db) -> None:  # type: ignore[no-untyped-def]
    settings = Services(db, staff()).settings
    assert settings.lock_minutes() == LOCK_DEFAULT
    for bad in (0, 121, 2.5, True):
        with pytest.raises(ValidationError) as caught:
            settings.set_lock_minutes(bad)  # type: ignore[arg-type]
        assert "lock_minutes" in caught.value.errors
    settings.set_lock_minutes(30)
    assert settings.lock_minutes() == 30


def test_idle_time_refused_at_the_field_of_the_settings_form(qtbot, services, answers) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QPushButton

    from rehab_tracker.ui.clinic.settings_dialog import SettingsDialog

    dialog = SettingsDialog(services)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.lock_minutes.text() == str(LOCK_DEFAULT)
    assert f"clinic default {LOCK_DEFAULT}" in dialog.form.labels["lock_minutes"].text()
    save = dialog.findChild(QPushButton, "saveSettings")
    for bad in ("0", "121", "ten"):
        dialog.lock_minutes.setText(bad)
        qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
        assert "1-120 minutes" in dialog.form.errors["lock_minutes"].text()
        assert dialog.isVisible()
    assert services.settings.lock_minutes() == LOCK_DEFAULT
    dialog.lock_minutes.setText("25")
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert services.settings.lock_minutes() == 25


def test_an_open_session_form_becomes_its_authors_draft(qtbot, db, today, accounts) -> None:  # type: ignore[no-untyped-def]
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "services"))
    from test_sessions_support import build_patient

    from rehab_tracker.domain.redflags import RED_FLAGS
    from rehab_tracker.services.drafts import session_key
    from rehab_tracker.ui.sessions.session_form import SessionFormDialog
    from tests.gui.conftest import open_window

    built = build_patient(db, today)
    window = open_window(qtbot, db, today)
    services = window.workspace.services
    slot = services.sessions.next_slot(built.patient_id)
    form = services.sessions.new_form(built.patient_id, slot.id, today=today)
    dialog = SessionFormDialog(services, form, lambda: today,
                               red_flags={f.code: False for f in RED_FLAGS}, parent=window)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.notes, "stiff this morning")
    window.lock_now()  # before the autosave's timer: the lock saves the draft itself
    assert not dialog.isVisible()
    screen = window.idle_lock.screen
    qtbot.mouseClick(screen.switch_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(screen.username, "second")
    qtbot.keyClicks(screen.password, PASSWORD)
    qtbot.keyClick(screen.password, Qt.Key.Key_Return)
    assert window.workspace.services.principal.username == "second"
    draft = window.workspace.services.drafts.load(session_key(built.patient_id, slot.id))
    assert draft is not None and draft.updated_by == "tester"
    assert "stiff this morning" in str(draft.payload)
