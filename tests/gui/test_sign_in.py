"""The sign-in at start-up and File > Users… (issue 13 items 1, 2, 7), driven by the keyboard."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from rehab_tracker.app import Startup, start_signed_in
from rehab_tracker.data import locations
from rehab_tracker.data.database import open_database
from rehab_tracker.domain.roles import Role
from rehab_tracker.services import users
from rehab_tracker.services.users import UserForm
from tests.gui.a11y import assert_accessible

TODAY = dt.date(2026, 11, 23)
PASSWORD = "a quiet walk by the river"


def _start(qtbot, target: Path) -> Startup:  # type: ignore[no-untyped-def]
    startup = start_signed_in(target, today=TODAY)
    qtbot.addWidget(startup.dialog)
    qtbot.waitUntil(startup.dialog.ok_button.isEnabled, timeout=20_000)
    return startup


def _signed_in(qtbot, startup: Startup):  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: startup.window is not None, timeout=20_000)
    window = startup.window
    assert window is not None
    qtbot.addWidget(window)
    qtbot.waitExposed(window)
    assert window.attached and not startup.dialog.isVisible()
    return window


def _type(qtbot, field: QLineEdit, text: str) -> None:  # type: ignore[no-untyped-def]
    field.setFocus()
    qtbot.keyClicks(field, text)


def _clinic(tmp_path: Path, migrated_template: Path, *people: tuple[str, Role]) -> Path:
    target = tmp_path / "clinic.db"
    shutil.copyfile(migrated_template, target)
    db = open_database(target)
    try:
        (first, _role), *others = people
        admin = users.create_first_administrator(
            db, UserForm(first, first.title(), Role.ADMINISTRATOR, PASSWORD)
        )
        from rehab_tracker.services.container import Services

        for name, role in others:
            Services(db, admin).users.add(UserForm(name, name.title(), role, PASSWORD))
    finally:
        db.close()
    return target


def test_a_new_clinic_creates_its_administrator_first(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    startup = _start(qtbot, tmp_path / "new-clinic.db")
    dialog = startup.dialog
    assert dialog.windowTitle() == "Create the administrator"
    assert dialog.ok_button.text() == "&Create Administrator"
    assert_accessible(dialog)
    _type(qtbot, dialog.username, "owner")
    _type(qtbot, dialog.display_name, "Olive Owner")
    _type(qtbot, dialog.password, "password1234")
    _type(qtbot, dialog.again, "password1234")
    qtbot.keyClick(dialog.again, Qt.Key.Key_Return)
    # refused at the field, nothing made: a common password
    assert "common" in dialog.form.errors["password"].text()
    assert startup.window is None
    dialog.password.clear()
    dialog.again.clear()
    _type(qtbot, dialog.password, PASSWORD)
    _type(qtbot, dialog.again, PASSWORD)
    _type(qtbot, dialog.registration, "HCPC PH123456")
    qtbot.keyClick(dialog.again, Qt.Key.Key_Return)
    window = _signed_in(qtbot, startup)
    principal = window.workspace.services.principal
    assert (principal.username, principal.role) == ("owner", Role.ADMINISTRATOR)
    assert locations.last_user() == "owner"
    assert window.findChild(type(window.menus["&File"].actions()[0]), "manageUsers").isEnabled()


def test_sign_in_remembers_the_user_and_shows_a_wrong_password_at_the_field(  # type: ignore[no-untyped-def]
    qtbot, tmp_path: Path, migrated_template: Path
) -> None:
    target = _clinic(tmp_path, migrated_template, ("owner", Role.ADMINISTRATOR),
                     ("pat", Role.PHYSIOTHERAPIST))
    locations.remember_user("pat")
    startup = _start(qtbot, target)
    dialog = startup.dialog
    assert dialog.windowTitle() == "Sign in to Rehab Tracker"
    assert dialog.username.text() == "pat"
    assert not dialog.display_name.isVisible()
    assert QApplication.focusWidget() in (dialog.password, None)
    assert_accessible(dialog)
    _type(qtbot, dialog.password, "not my password at all")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.form.errors["password"].text() == users.WRONG
    assert dialog.isVisible() and startup.window is None
    dialog.password.clear()
    _type(qtbot, dialog.password, PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    window = _signed_in(qtbot, startup)
    assert window.workspace.services.principal.role is Role.PHYSIOTHERAPIST
    users_action = window.findChild(type(window.menus["&File"].actions()[0]), "manageUsers")
    assert not users_action.isEnabled()  # and the service would refuse all the same


def test_quit_on_the_sign_in_ends_without_a_window(  # type: ignore[no-untyped-def]
    qtbot, tmp_path: Path, migrated_template: Path
) -> None:
    target = _clinic(tmp_path, migrated_template, ("owner", Role.ADMINISTRATOR))
    startup = _start(qtbot, target)
    qtbot.keyClick(startup.dialog.username, Qt.Key.Key_Escape)
    assert not startup.dialog.isVisible() and startup.window is None


def test_the_administrator_adds_staff_resets_a_password_and_deactivates(  # type: ignore[no-untyped-def]
    qtbot, tmp_path: Path, migrated_template: Path, answers
) -> None:
    from PySide6.QtCore import QTimer

    from rehab_tracker.ui.shell.users import NewUserDialog, ResetPasswordDialog, UsersDialog

    target = _clinic(tmp_path, migrated_template, ("owner", Role.ADMINISTRATOR))
    startup = _start(qtbot, target)
    startup.dialog.username.setText("owner")
    _type(qtbot, startup.dialog.password, PASSWORD)
    qtbot.keyClick(startup.dialog.password, Qt.Key.Key_Return)
    window = _signed_in(qtbot, startup)
    services = window.workspace.services
    dialog = UsersDialog(services, window)
    qtbot.addWidget(dialog)
    dialog.show()
    assert_accessible(dialog)
    assert [r.username for r in dialog.model.rows] == ["owner"]

    def fill_new_user() -> None:
        new = next(w for w in QApplication.topLevelWidgets()
                   if isinstance(w, NewUserDialog) and w.isVisible())
        assert_accessible(new)
        _type(qtbot, new.username, "pat")
        _type(qtbot, new.display_name, "Pat Physio")
        _type(qtbot, new.registration, "HCPC PH123456")
        _type(qtbot, new.password, PASSWORD)
        _type(qtbot, new.again, PASSWORD)
        qtbot.keyClick(new.again, Qt.Key.Key_Return)

    QTimer.singleShot(0, fill_new_user)
    QTimer.singleShot(15_000, lambda: [w.reject() for w in QApplication.topLevelWidgets()
                                       if isinstance(w, NewUserDialog)])  # never hang
    dialog.add_button.click()
    assert [r.username for r in dialog.model.rows] == ["owner", "pat"]
    assert dialog.selected().username == "pat"
    assert users.sign_in(services.db, "pat", PASSWORD).role is Role.PHYSIOTHERAPIST

    new_password = "another quiet walk home"

    def fill_reset() -> None:
        reset = next(w for w in QApplication.topLevelWidgets()
                     if isinstance(w, ResetPasswordDialog) and w.isVisible())
        _type(qtbot, reset.password, new_password)
        _type(qtbot, reset.again, new_password)
        qtbot.keyClick(reset.again, Qt.Key.Key_Return)

    QTimer.singleShot(0, fill_reset)
    QTimer.singleShot(15_000, lambda: [w.reject() for w in QApplication.topLevelWidgets()
                                       if isinstance(w, ResetPasswordDialog)])
    dialog.reset_button.click()
    assert "reset" in dialog.status.text()
    assert users.sign_in(services.db, "pat", new_password).username == "pat"

    dialog.active_button.click()  # answers confirms
    assert answers["confirm"] and not dialog.selected().active
    assert dialog.active_button.text() == "&Reactivate"
