"""The automatic lock (issue 13 item 3): after the clinic's idle time the window hides every
patient behind a lock screen.

:class:`IdleLock` watches the whole application's key and mouse input (an event filter) and
checks, once a second (a QTimer), an injectable monotonic ``clock`` against the time of the last
input: tests move a fake clock instead of waiting ten minutes. Locking takes the window's
central widget out (the patient list and view are no longer in the window's widget tree), puts
the :class:`LockScreen` in its place, disables every action and the menu bar, hides the docks and
closes any open form (its draft is saved first: the forms keep what was typed as a draft), and
sets the title to the app's name alone. The same user unlocks with their password (the user
service's ``sign_in``, with its growing delays after failures); "Sign in as someone else" signs
in another user and rebuilds the services for them. The lock is the window's own: nothing here
issues SQL (the window's ``unlock_handler`` is the composition root's sign-in).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from rehab_tracker import APP_NAME
from rehab_tracker.ui.shell.sign_in import password_field
from rehab_tracker.ui.widgets.fields import DraftAutosaver
from rehab_tracker.ui.widgets.forms import FieldForm, text_label

if TYPE_CHECKING:
    from rehab_tracker.domain.roles import Principal
    from rehab_tracker.ui.shell.main_window import MainWindow

#: how often the idle time is checked (ms)
CHECK_MS = 1000
#: the input that counts as the user being there
INPUT_EVENTS = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
    QEvent.Type.Wheel, QEvent.Type.TouchBegin,
})
#: how often the idle time setting is read again (seconds of the clock)
REREAD_S = 60.0
LOCKED_TITLE = f"{APP_NAME} — locked"

#: ``sign_in(username, password) -> Principal``; raises the services' errors
SignIn = Callable[[str, str], "Principal"]


class LockScreen(QWidget):
    """The window's central area while locked: who is signed in, their password, Unlock, and
    Sign in as someone else."""

    def __init__(self, username: str, on_unlock: Callable[[], None],
                 on_switch: Callable[[], None]) -> None:
        super().__init__()
        self.setObjectName("lockScreen")
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        box = QWidget()
        box.setMaximumWidth(480)
        layout = QVBoxLayout(box)
        heading = QLabel(f"{APP_NAME} is locked")
        heading.setObjectName("lockHeading")
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        heading.setFont(font)
        layout.addWidget(heading)
        self.intro = text_label("lockIntro")
        layout.addWidget(self.intro)
        self.form = FieldForm()
        self.username = self.form.add("username", "&User name", QLineEdit(username))
        self.username.setObjectName("lockUser")
        self.password = self.form.add("password", "&Password", password_field())
        self.password.setObjectName("lockPassword")
        layout.addWidget(self.form)
        row = QHBoxLayout()
        self.unlock_button = QPushButton("&Unlock")
        self.unlock_button.setObjectName("unlockButton")
        self.unlock_button.setAccessibleName("Unlock")
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(on_unlock)
        self.switch_button = QPushButton("Sign in as &someone else")
        self.switch_button.setObjectName("switchUserButton")
        self.switch_button.setAccessibleName("Sign in as someone else")
        self.switch_button.clicked.connect(on_switch)
        row.addStretch(1)
        row.addWidget(self.switch_button)
        row.addWidget(self.unlock_button)
        layout.addLayout(row)
        self.password.returnPressed.connect(self.unlock_button.click)
        self.username.returnPressed.connect(self.password.setFocus)
        self.set_switching(False, username)
        centre = QHBoxLayout()
        centre.addStretch(1)
        centre.addWidget(box)
        centre.addStretch(1)
        outer.addLayout(centre)
        outer.addStretch(2)

    def set_switching(self, switching: bool, username: str = "") -> None:
        """Unlock as ``username`` (the name read-only) or sign in as anyone."""
        self.switching = switching
        self.username.setReadOnly(not switching)
        self.form.show_errors({})
        self.password.clear()
        if switching:
            self.intro.setText("Sign in with your user name and password. The open forms of "
                               "the user before are kept as drafts.")
            self.username.clear()
            self.unlock_button.setText("&Sign In")
            self.unlock_button.setAccessibleName("Sign In")
            self.switch_button.setVisible(False)
            self.username.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.intro.setText(f"Locked after a time without use. {username}: enter your "
                               "password to go on where you were.")
            self.username.setText(username)
            self.password.setFocus(Qt.FocusReason.OtherFocusReason)


class IdleLock(QObject):
    """Locks ``window`` after ``minutes()`` without key or mouse input in the application."""

    def __init__(
        self,
        window: MainWindow,
        minutes: Callable[[], int],
        *,
        clock: Callable[[], float] = time.monotonic,
        check_ms: int = CHECK_MS,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.minutes = minutes
        self.clock = clock
        self.last_input = clock()
        self.limit_minutes = 0
        self._read_at = 0.0
        self.refresh_minutes()
        self.screen: LockScreen | None = None
        self._central: QWidget | None = None
        self._title = ""
        self._actions: dict[QAction, bool] = {}
        self._docks: list[QDockWidget] = []
        #: the sign-in the lock screen calls (the composition root's; set by the window)
        self.sign_in: SignIn | None = None
        #: called with the new principal after another user signed in
        self.on_switched: Callable[[Principal], None] | None = None
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self.timer = QTimer(self)
        self.timer.setInterval(check_ms)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    @property
    def locked(self) -> bool:
        return self.screen is not None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in INPUT_EVENTS:
            self.last_input = self.clock()
        return False

    def check(self) -> None:
        """Lock once the idle time has passed (the timer calls it; tests call it too)."""
        if self.locked or not self.window.attached:
            return
        now = self.clock()
        if now - self._read_at >= REREAD_S:
            self.refresh_minutes()
        if now - self.last_input >= self.limit_minutes * 60:
            self.lock()

    def refresh_minutes(self) -> None:
        """Read the clinic's idle time again (at most once a minute: a read per check would be
        a server round trip a second on PostgreSQL)."""
        from rehab_tracker.data.errors import DatabaseError
        from rehab_tracker.services.settings import LOCK_DEFAULT

        self._read_at = self.clock()
        try:
            self.limit_minutes = self.minutes() if self.window.attached else LOCK_DEFAULT
        except DatabaseError:  # the database is unreachable: the last value (or default) holds
            self.limit_minutes = self.limit_minutes or LOCK_DEFAULT

    def lock(self) -> None:
        """Hide every patient behind the lock screen (File > Lock Now, or the idle time)."""
        if self.locked or not self.window.attached:
            return
        window = self.window
        self.keep_drafts()
        self._title = window.windowTitle()
        window.setWindowTitle(LOCKED_TITLE)
        window.statusBar().clearMessage()  # "Session saved for ..." would name the patient
        self._actions = {a: a.isEnabled() for a in window.findChildren(QAction)}
        for action in self._actions:
            action.setEnabled(False)
        window.menuBar().setEnabled(False)
        self._docks = [d for d in window.findChildren(QDockWidget) if d.isVisible()]
        for dock in self._docks:
            dock.hide()
        self._central = window.takeCentralWidget()
        self.screen = LockScreen(window.workspace.services.principal.username,
                                 self.submit, self.switch_user)
        window.setCentralWidget(self.screen)
        self.screen.password.setFocus(Qt.FocusReason.OtherFocusReason)

    def keep_drafts(self) -> None:
        """Every open form's draft saved now and the form closed (it keeps the draft)."""
        for dialog in self.window.findChildren(QDialog):
            if not dialog.isVisible():
                continue
            for saver in dialog.findChildren(DraftAutosaver):
                saver.flush()
            dialog.reject()

    def submit(self) -> None:
        from rehab_tracker.domain.errors import ValidationError
        from rehab_tracker.services.errors import ServiceError

        screen = self.screen
        if screen is None or self.sign_in is None:
            return
        screen.form.show_errors({})
        name, password = screen.username.text().strip(), screen.password.text()
        if not name:
            screen.form.show_errors({"username": "Enter your user name."})
            return
        if not password:
            screen.form.show_errors({"password": "Enter your password."})
            return
        try:
            principal = self.sign_in(name, password)
        except ValidationError as exc:
            screen.form.show_errors(exc.errors)
            return
        except ServiceError as exc:
            screen.form.show_errors({"password": str(exc)})
            screen.password.selectAll()
            screen.password.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        same = principal.username.lower() == (
            self.window.workspace.services.principal.username.lower())
        self.unlock()
        if not same and self.on_switched is not None:
            self.on_switched(principal)

    def switch_user(self) -> None:
        if self.screen is not None:
            self.screen.set_switching(True)

    def unlock(self) -> None:
        """The window as it was before the lock."""
        screen, self.screen = self.screen, None
        if screen is None:
            return
        window = self.window
        window.takeCentralWidget()
        screen.deleteLater()
        if self._central is not None:
            window.setCentralWidget(self._central)
        self._central = None
        window.menuBar().setEnabled(True)
        for action, enabled in self._actions.items():
            action.setEnabled(enabled)
        self._actions = {}
        for dock in self._docks:
            dock.show()
        self._docks = []
        window.setWindowTitle(self._title)
        self.last_input = self.clock()
