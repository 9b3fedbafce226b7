"""The sign-in dialog at start-up, and the first start's "create the administrator" form.

Shown before any patient data (issue 13): the dialog appears at once (Qt only: nothing here
imports SQLAlchemy or the services), the database opens behind it from the event loop
(``app.start_signed_in``), and the Sign In button works once it is open (``ready``). On a
database without accounts the same dialog asks for the clinic's administrator instead
(``first_run``). The last user name signed in on this workstation is filled in (a practice of
one physiotherapist types only the password).

The dialog calls what it is given (``SignInHandlers``): the composition root passes the user
service's functions, so the dialog issues no SQL and tests can drive it with real ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDialog, QLineEdit, QVBoxLayout, QWidget

from rehab_tracker import APP_NAME
from rehab_tracker.ui.widgets.forms import FieldForm, save_cancel_row, text_label

if TYPE_CHECKING:
    from rehab_tracker.domain.roles import Principal

SIGN_IN_TITLE = f"Sign in to {APP_NAME}"
FIRST_RUN_TITLE = "Create the administrator"
OPENING = "Opening the clinic database…"
#: room for a user name, a full name and a field message on one or two lines
FIELD_WIDTH = 280


@dataclass(frozen=True)
class NewAdministrator:
    username: str
    display_name: str
    password: str
    registration_number: str


@dataclass
class SignInHandlers:
    """What the dialog calls: ``sign_in(name, password) -> Principal`` and, on the first start,
    ``create(new administrator) -> Principal``. Both raise the services' errors
    (``ValidationError`` for a field, ``ServiceError`` for the rest), which the dialog shows."""

    sign_in: Callable[[str, str], Principal]
    create: Callable[[NewAdministrator], Principal]


def password_field() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class SignInDialog(QDialog):
    """User name and password; on the first start the administrator's details."""

    def __init__(self, last_user: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signInDialog")
        self.setWindowTitle(SIGN_IN_TITLE)
        self.handlers: SignInHandlers | None = None
        self.principal: Principal | None = None
        #: called with the principal before the dialog closes (the main window is shown first,
        #: so the application never sees its last window closed in between)
        self.on_signed_in: Callable[[Principal], object] | None = None
        self.first = False
        layout = QVBoxLayout(self)
        self.intro = text_label("signInIntro")
        self.intro.setText("Sign in with your user name and password.")
        layout.addWidget(self.intro)
        self.form = FieldForm()
        self.username = self.form.add("username", "&User name", QLineEdit(last_user))
        self.username.setObjectName("signInUser")
        self.display_name = self.form.add("display_name", "&Full name", QLineEdit())
        self.display_name.setObjectName("signInFullName")
        self.password = self.form.add("password", "&Password", password_field())
        self.password.setObjectName("signInPassword")
        self.again = self.form.add("again", "Password a&gain", password_field())
        self.again.setObjectName("signInPasswordAgain")
        self.registration = self.form.add(
            "registration_number", "&Registration number", QLineEdit()
        )
        self.registration.setObjectName("signInRegistration")
        for key in ("display_name", "again", "registration_number"):
            self.form.set_row_visible(key, False)
        for field in self.form.fields.values():
            field.setMinimumWidth(FIELD_WIDTH)
        layout.addWidget(self.form)
        self.status = text_label("signInStatus", "Status")
        self.status.setText(OPENING)
        layout.addWidget(self.status)
        row, self.ok_button, self.quit_button = save_cancel_row(
            "&Sign In", "signIn", self.submit, self.reject
        )
        self.quit_button.setText("&Quit")
        self.quit_button.setAccessibleName("Quit")
        self.ok_button.setEnabled(False)
        layout.addLayout(row)
        (self.password if last_user else self.username).setFocus(
            Qt.FocusReason.OtherFocusReason
        )

    def ready(self, handlers: SignInHandlers, *, first_run: bool) -> None:
        """The database is open: signing in works now (on a new clinic: creating its
        administrator)."""
        self.handlers = handlers
        self.first = first_run
        if first_run:
            self.setWindowTitle(FIRST_RUN_TITLE)
            self.intro.setText(
                "This clinic database has no users yet. Create its administrator: the account "
                "that adds the staff and manages the clinic's settings and backups. A "
                "physiotherapist's registration number signs reports (optional)."
            )
            for key in ("display_name", "again", "registration_number"):
                self.form.set_row_visible(key, True)
            self.ok_button.setText("&Create Administrator")
            self.ok_button.setAccessibleName("Create Administrator")
            self.username.setFocus(Qt.FocusReason.OtherFocusReason)
            self.adjustSize()
        self.status.setText("")
        self.status.setVisible(False)
        self.ok_button.setEnabled(True)

    def submit(self) -> None:
        from rehab_tracker.domain.errors import ValidationError
        from rehab_tracker.services.errors import ServiceError

        if self.handlers is None:
            return
        self.form.show_errors({})
        name, password = self.username.text(), self.password.text()
        errors: dict[str, str] = {}
        if not name.strip():
            errors["username"] = "Enter your user name."
        if not password:
            errors["password"] = "Enter your password."
        if self.first and password and self.again.text() != password:
            errors["again"] = "The two passwords differ."
        if errors:
            self.form.show_errors(errors)
            return
        self.setCursor(Qt.CursorShape.WaitCursor)
        try:
            if self.first:
                principal = self.handlers.create(
                    NewAdministrator(
                        name, self.display_name.text() or name, password, self.registration.text()
                    )
                )
            else:
                principal = self.handlers.sign_in(name, password)
        except ValidationError as exc:
            self.form.show_errors(exc.errors)
            return
        except ServiceError as exc:
            self.form.show_errors({"password": str(exc)})
            self.password.selectAll()
            self.password.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        finally:
            self.unsetCursor()
        self.principal = principal
        if self.on_signed_in is not None:
            self.on_signed_in(principal)
        self.accept()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.reject()
        super().closeEvent(event)

