"""File > Users…: the administrator adds staff, resets a forgotten password, deactivates.

Every change goes through ``services.users.UserService`` (which checks the role again: the menu
entry is only enabled for an administrator, the service refuses anyone else all the same).
"""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from rehab_tracker.domain.roles import ROLE_LABELS, Role
from rehab_tracker.services.container import Services
from rehab_tracker.services.users import UserForm, UserRow
from rehab_tracker.ui.shell.actions import run_action
from rehab_tracker.ui.shell.sign_in import password_field
from rehab_tracker.ui.widgets import dialogs
from rehab_tracker.ui.widgets.forms import FieldForm, push_button, save_cancel_row, text_label
from rehab_tracker.ui.widgets.table_model import RowsTableModel
from rehab_tracker.ui.widgets.tables import row_table

TITLE = "Users"


class UsersModel(RowsTableModel[UserRow]):
    headers = ("User name", "Name", "Role", "Registration number", "Active", "Last sign-in")

    def cell(self, row: UserRow, column: int, role: int) -> Any:
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return None
        last = row.last_sign_in_at.astimezone().strftime("%Y-%m-%d %H:%M") if (
            row.last_sign_in_at
        ) else "never"
        values = (row.username, row.display_name, row.role.label,
                  row.registration_number or "", "yes" if row.active else "no", last)
        return values[column]


class NewUserDialog(QDialog):
    """Add a member of staff: user name, name, role, registration number, first password."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.setObjectName("newUserDialog")
        self.setWindowTitle("Add User")
        self.user_id: uuid.UUID | None = None
        layout = QVBoxLayout(self)
        self.form = FieldForm()
        self.username = self.form.add("username", "&User name", QLineEdit())
        self.display_name = self.form.add("display_name", "&Full name", QLineEdit())
        self.role = self.form.add("role", "&Role", QComboBox())
        for value, label in ROLE_LABELS.items():
            self.role.addItem(label, value.value)
        self.role.setCurrentIndex(list(ROLE_LABELS).index(Role.PHYSIOTHERAPIST))
        self.registration = self.form.add(
            "registration_number", "Re&gistration number", QLineEdit()
        )
        self.password = self.form.add("password", "&Password", password_field())
        self.again = self.form.add("again", "Password &again", password_field())
        layout.addWidget(self.form)
        row, self.save_button, _cancel = save_cancel_row(
            "A&dd User", "newUser", self.save, self.reject
        )
        layout.addLayout(row)

    def save(self) -> None:
        if self.again.text() != self.password.text():
            self.form.show_errors({"again": "The two passwords differ."})
            return
        form = UserForm(
            self.username.text(),
            self.display_name.text(),
            Role(self.role.currentData()),
            self.password.text(),
            self.registration.text(),
        )
        done = run_action(self, lambda: self.services.users.add(form), form=self.form)
        if done:
            self.user_id = done.value
            self.accept()


class ResetPasswordDialog(QDialog):
    """A new password for a user who forgot theirs (audited as ``password_reset``)."""

    def __init__(self, services: Services, user: UserRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.user = user
        self.setObjectName("resetPasswordDialog")
        self.setWindowTitle(f"Reset Password of {user.username}")
        layout = QVBoxLayout(self)
        self.form = FieldForm()
        self.password = self.form.add("password", "New &password", password_field())
        self.again = self.form.add("again", "Password &again", password_field())
        layout.addWidget(self.form)
        row, _save, _cancel = save_cancel_row(
            "&Reset Password", "resetPassword", self.save, self.reject
        )
        layout.addLayout(row)

    def save(self) -> None:
        if self.again.text() != self.password.text():
            self.form.show_errors({"again": "The two passwords differ."})
            return
        user_id, password = self.user.id, self.password.text()
        done = run_action(
            self, lambda: self.services.users.reset_password(user_id, password), form=self.form
        )
        if done:
            self.accept()


class UsersDialog(QDialog):
    """The clinic's accounts, with Add User…, Reset Password… and Deactivate/Reactivate."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.setObjectName("usersDialog")
        self.setWindowTitle(TITLE)
        layout = QVBoxLayout(self)
        self.model = UsersModel(self)
        self.table = row_table(self.model, "usersTable", "Users")
        self.table.setEditTriggers(self.table.EditTrigger.NoEditTriggers)
        layout.addWidget(self.table)
        self.status = text_label("usersStatus", "Status")
        layout.addWidget(self.status)
        buttons = QHBoxLayout()
        self.add_button = push_button("&Add User…", "addUser")
        self.add_button.clicked.connect(self.add_user)
        self.reset_button = push_button("&Reset Password…", "resetPassword")
        self.reset_button.clicked.connect(self.reset_password)
        self.active_button = push_button("&Deactivate", "toggleActive")
        self.active_button.clicked.connect(self.toggle_active)
        close = push_button("&Close", "closeUsers")
        close.clicked.connect(self.accept)
        for button in (self.add_button, self.reset_button, self.active_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.resize(760, 360)
        self.reload()

    def reload(self, select: uuid.UUID | None = None) -> None:
        done = run_action(self, self.services.users.list_users, title=TITLE)
        if not done:
            return
        self.model.set_rows(done.value)
        self.table.resizeColumnsToContents()
        rows = [i for i, r in enumerate(self.model.rows) if r.id == select]
        self.table.selectRow(rows[0] if rows else 0)
        self._selection_changed()

    def selected(self) -> UserRow | None:
        indexes = self.table.selectionModel().selectedRows()
        if not indexes:
            return None
        row = self.table.model().index(indexes[0].row(), 0)
        return self.model.row_at(row.row())

    def _selection_changed(self, *_args: object) -> None:
        user = self.selected()
        self.reset_button.setEnabled(user is not None)
        self.active_button.setEnabled(user is not None)
        text = "&Reactivate" if user is not None and not user.active else "&Deactivate"
        self.active_button.setText(text)
        self.active_button.setAccessibleName(text.replace("&", ""))

    def add_user(self) -> None:
        dialog = NewUserDialog(self.services, self)
        if dialog.exec() and dialog.user_id is not None:
            self.status.setText(f"Added {dialog.username.text().strip()}.")
            self.reload(dialog.user_id)

    def reset_password(self) -> None:
        user = self.selected()
        if user is None:
            return
        if ResetPasswordDialog(self.services, user, self).exec():
            self.status.setText(f"The password of {user.username} was reset.")
            self.reload(user.id)

    def toggle_active(self) -> None:
        user = self.selected()
        if user is None:
            return
        word = "Reactivate" if not user.active else "Deactivate"
        if user.active and not dialogs.confirm(
            self, TITLE, f"Deactivate {user.username}? They can no longer sign in."
        ):
            return
        done = run_action(
            self, lambda: self.services.users.set_active(user.id, not user.active), title=TITLE
        )
        if done:
            self.status.setText(f"{word}d {user.username}.")
            self.reload(user.id)
