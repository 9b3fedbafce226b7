"""File > Change My Password…: the signed-in user's own new password (current, new, again).

The service (``UserService.change_own_password``) checks the current password and the rules of
a new account's password (length, the common passwords) and audits the change as
``password_changed``; its messages appear under their fields and nothing is saved on error.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QVBoxLayout, QWidget

from rehab_tracker.services.container import Services
from rehab_tracker.ui.shell.actions import run_action
from rehab_tracker.ui.shell.sign_in import password_field
from rehab_tracker.ui.widgets.forms import FieldForm, save_cancel_row, text_label

TITLE = "Change My Password"


class ChangePasswordDialog(QDialog):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.setObjectName("changePasswordDialog")
        self.setWindowTitle(TITLE)
        layout = QVBoxLayout(self)
        who = text_label("changePasswordUser", "Signed in as")
        who.setText(f"Signed in as {services.principal.username}.")
        layout.addWidget(who)
        self.form = FieldForm()
        self.current = self.form.add("current", "&Current password", password_field())
        self.new = self.form.add("new", "&New password", password_field())
        self.repeat = self.form.add("repeat", "New password &again", password_field())
        layout.addWidget(self.form)
        row, self.save_button, _cancel = save_cancel_row(
            "C&hange Password", "changePassword", self.save, self.reject
        )
        layout.addLayout(row)
        # room for the password rules' messages under the fields (they wrap, never cut)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 64)
        self.current.setFocus()

    def save(self) -> None:
        self.form.show_errors({})
        current, new, repeat = self.current.text(), self.new.text(), self.repeat.text()
        done = run_action(
            self,
            lambda: self.services.users.change_own_password(current, new, repeat),
            title=TITLE,
            form=self.form,
        )
        if done:
            self.accept()
