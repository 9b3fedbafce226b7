"""File > Change My Password… through the real dialog: errors at their fields and nothing saved
on error; a good change signs in with the new password only and is in the audit trail."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QLineEdit
from sqlalchemy import select

from rehab_tracker.data.models import AuditEntry
from rehab_tracker.domain.roles import Role
from rehab_tracker.services import users
from rehab_tracker.services.container import Services
from rehab_tracker.services.users import UserForm
from rehab_tracker.ui.shell.change_password import ChangePasswordDialog
from tests.gui.a11y import assert_accessible

OLD = "a quiet walk by the river"
NEW = "seven herons over the weir"


def _type(qtbot, field: QLineEdit, text: str) -> None:  # type: ignore[no-untyped-def]
    field.setFocus()
    field.clear()
    qtbot.keyClicks(field, text)


@pytest.fixture
def assistant(db):  # type: ignore[no-untyped-def]
    admin = users.create_first_administrator(
        db, UserForm("owner", "Olive Owner", Role.ADMINISTRATOR, OLD))
    Services(db, admin).users.add(UserForm("kim", "Kim Assistant", Role.ASSISTANT, OLD))
    return users.sign_in(db, "kim", OLD)


def _hash(db, name: str) -> str:  # type: ignore[no-untyped-def]
    from rehab_tracker.data.models import User

    with db.reading() as session:
        return session.scalars(select(User.password_hash).where(User.username == name)).one()


def test_errors_at_the_fields_and_nothing_saved_then_the_change_is_audited(
    qtbot, db, assistant  # type: ignore[no-untyped-def]
) -> None:
    before = _hash(db, "kim")
    dialog = ChangePasswordDialog(Services(db, assistant))
    qtbot.addWidget(dialog)
    dialog.show()
    assert_accessible(dialog)
    errors = dialog.form.errors
    # a wrong current password, a too common new one typed twice differently
    _type(qtbot, dialog.current, "not my password at all")
    _type(qtbot, dialog.new, "password1234")
    _type(qtbot, dialog.repeat, "password12345")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert errors["current"].text() == "This is not your current password."
    assert "common" in errors["new"].text()
    assert errors["repeat"].text() == "The two new passwords differ."
    assert dialog.isVisible() and dialog.result() == 0
    assert _hash(db, "kim") == before
    # too short
    _type(qtbot, dialog.current, OLD)
    _type(qtbot, dialog.new, "short")
    _type(qtbot, dialog.repeat, "short")
    qtbot.keyClick(dialog.repeat, Qt.Key.Key_Return)
    assert errors["new"].text() and not errors["current"].text()
    assert _hash(db, "kim") == before
    # good
    _type(qtbot, dialog.new, NEW)
    _type(qtbot, dialog.repeat, NEW)
    qtbot.keyClick(dialog.repeat, Qt.Key.Key_Return)
    assert dialog.result() == 1
    assert _hash(db, "kim") != before
    with pytest.raises(users.SignInError):
        users.sign_in(db, "kim", OLD)
    assert users.sign_in(db, "kim", NEW).username == "kim"
    assert users.sign_in(db, "owner", OLD).username == "owner"  # only one's own
    with db.reading() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "password_changed")).one()
        assert entry.actor == "kim"
        assert NEW not in str(entry.__dict__) and OLD not in str(entry.__dict__)


def test_read_only_staff_reach_it_from_the_file_menu(qtbot, db, today) -> None:  # type: ignore[no-untyped-def]
    from rehab_tracker.app import create_main_window

    admin = users.create_first_administrator(
        db, UserForm("owner", "Olive Owner", Role.ADMINISTRATOR, OLD))
    Services(db, admin).users.add(UserForm("rory", "Rory Reader", Role.READ_ONLY, OLD))
    win = create_main_window(db, today=today, principal=users.sign_in(db, "rory", OLD))
    qtbot.addWidget(win)
    action = win.findChild(QAction, "changeMyPassword")
    assert action in win.menus["&File"].actions() and action.isEnabled()
    seen: list[str] = []

    def answer() -> None:
        w = QApplication.activeModalWidget()
        if not isinstance(w, ChangePasswordDialog):
            QTimer.singleShot(50, answer)
            return
        seen.append(w.windowTitle())
        w.reject()

    QTimer.singleShot(0, answer)
    action.trigger()
    assert seen == ["Change My Password"]
