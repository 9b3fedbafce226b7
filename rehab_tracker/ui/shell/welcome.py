"""The first start: what the patient pane shows while the database has no patients.

Three ways in: add the first patient (Patient > New Patient), open the demo clinic (the same
``services.demo.seed_demo`` as ``rehab-tracker demo``, with a progress bar) and connect to a
clinic server (a PostgreSQL address tried by ``services.connection.check_server``, then saved for
this workstation with ``data.locations.save_database``, as the command line reads it too).

Imported only when a database without patients is shown: never on a normal start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from rehab_tracker.ui.shell.actions import run_action
from rehab_tracker.ui.widgets import dialogs
from rehab_tracker.ui.widgets.forms import buddy_label, push_button, text_label

if TYPE_CHECKING:
    from rehab_tracker.services.connection import ServerCheck
    from rehab_tracker.ui.shell.main_window import MainWindow

TITLE = "Welcome to Rehab Tracker"
DEMO_TITLE = "Open the demo clinic"
SERVER_TITLE = "Connect to a clinic server"


class WelcomePage(QWidget):
    """The three ways in, each a button with a line saying what it does."""

    def __init__(self, window: MainWindow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.window_ = window
        self.setObjectName("welcomePage")
        self.setAccessibleName(TITLE)
        title = QLabel(TITLE)
        title.setObjectName("welcomeTitle")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        title.setFont(font)
        self.intro = text_label("welcomeIntro", description="Welcome")
        self.add_patient = push_button("Add the first patie&nt…", "welcomeAddPatient")
        self.open_demo = push_button("Open the de&mo clinic", "welcomeDemo")
        self.connect_server = push_button("&Connect to a clinic server…", "welcomeServer")
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(title)
        layout.addWidget(self.intro)
        for button, text in (
            (self.add_patient, "Name, date of birth and the surgery; then build the program."),
            (
                self.open_demo,
                "Fill this database with synthetic patients at different weeks of "
                "the program, to try the app (the same as `rehab-tracker demo`).",
            ),
            (
                self.connect_server,
                "Several workstations share one PostgreSQL database: type "
                "its address, test it, and use it from now on.",
            ),
        ):
            layout.addSpacing(8)
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
            note = QLabel(text)
            note.setWordWrap(True)
            button.setAccessibleDescription(text)
            layout.addWidget(note)
        layout.addStretch(2)
        self.add_patient.clicked.connect(self._add_patient)
        self.open_demo.clicked.connect(self._open_demo)
        self.connect_server.clicked.connect(self._connect_server)
        self.refresh()

    def refresh(self) -> None:
        database = self.window_.workspace.services.db.display_name
        self.intro.setText(
            f"The database {database} has no patients yet. Choose how to begin; Help > User "
            "Guide explains the rest."
        )

    def _add_patient(self) -> None:
        action = self.window_.findChild(QAction, "newPatient")
        if action is not None and action.isEnabled():
            action.trigger()

    def _open_demo(self) -> None:
        from rehab_tracker.services.demo import seed_demo

        window = self.window_
        services = window.workspace.services
        db = services.db
        if not dialogs.confirm(
            window,
            DEMO_TITLE,
            f"Add synthetic demo patients to {db.display_name}?\n\nThey are made up, to try "
            "the app with; keep real patients in a database of their own.",
        ):
            return
        progress, step = dialogs.progress_dialog(
            window, DEMO_TITLE, "Adding the demo patients…", "demoProgress"
        )
        try:
            done = run_action(
                window,
                lambda: seed_demo(
                    db, today=window.today(), progress=step, principal=services.principal
                ),
                title=DEMO_TITLE,
            )
        finally:
            progress.close()
            progress.deleteLater()
        if done:
            window.workspace.refresh_patients()
            window.statusBar().showMessage(f"Added {len(done.value)} demo patients", 10000)

    def _connect_server(self) -> None:
        dialog = ServerDialog(self.window_)
        try:
            chosen = dialog.chosen if dialog.exec() else None
        finally:
            dialog.deleteLater()
        if chosen is not None:
            switch_to(self.window_, chosen)


class ServerDialog(QDialog):
    """The server's address, a connection test with its one-line result, and Use this server
    once the address shown was tested and answered."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("serverDialog")
        self.setWindowTitle(SERVER_TITLE)
        self.address = QLineEdit()
        self.address.setObjectName("serverAddress")
        self.address.setPlaceholderText("postgresql://user@server/rehab")
        label = buddy_label("Server &address:", self.address)
        self.test_button = push_button("&Test connection", "testConnection")
        self.answer = text_label("connectionResult", description="Connection test")
        self.answer.setTextFormat(Qt.TextFormat.PlainText)
        self.answer.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.use_button = self.buttons.addButton(
            "&Use this server", QDialogButtonBox.ButtonRole.AcceptRole
        )
        assert isinstance(self.use_button, QPushButton)
        self.use_button.setObjectName("useServer")
        self.use_button.setAccessibleName("Use this server")
        self.use_button.setEnabled(False)
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAccessibleName("Cancel")
        row = QHBoxLayout()
        row.addWidget(label)
        row.addWidget(self.address, 1)
        row.addWidget(self.test_button)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "The address your administrator gave you. The choice is saved for this "
            "workstation; the command line uses it too."
        )
        intro.setWordWrap(True)  # the dialog fits a 200% screen
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.answer)
        layout.addWidget(self.buttons)
        #: the address that passed the test, in the form it is saved in
        self.chosen: str | None = None
        self._tested: ServerCheck | None = None
        self.test_button.clicked.connect(self.test)
        self.address.returnPressed.connect(self.test)
        self.address.textChanged.connect(self._changed)
        self.buttons.accepted.connect(self._use)
        self.buttons.rejected.connect(self.reject)
        self.test_button.setDefault(True)
        dialogs.fit_to_screen(self, 640, 200)

    def test(self) -> None:
        from rehab_tracker.services.connection import check_server

        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            found = check_server(self.address.text())
        finally:
            QApplication.restoreOverrideCursor()
        self._tested = found
        self.answer.setText(found.message)
        self.answer.setStyleSheet("" if found.ok else "color: #b00020;")
        self.use_button.setEnabled(found.ok)
        if found.ok:
            self.use_button.setDefault(True)

    def _changed(self, _text: str) -> None:
        self._tested = None
        self.use_button.setEnabled(False)
        self.test_button.setDefault(True)
        self.answer.setText("")

    def _use(self) -> None:
        if self._tested is None or not self._tested.ok:
            return
        self.chosen = self._tested.url
        self.accept()


def switch_to(window: MainWindow, url: str) -> bool:
    """Open ``url``'s database for this window and save it as this workstation's choice; the
    current database stays open when the new one cannot be opened."""
    from rehab_tracker.data.locations import save_database

    opener = window.open_services
    if opener is None:
        return False
    old = window.workspace.services
    opened = run_action(window, lambda: opener(url, old.principal), title=SERVER_TITLE)
    if not opened:
        return False
    saved = run_action(window, lambda: save_database(url), title=SERVER_TITLE)
    window.reopen(opened.value)
    old.db.close()
    shown = opened.value.db.display_name
    window.statusBar().showMessage(f"Connected to {shown}", 10000)
    if saved:
        dialogs.inform(window, SERVER_TITLE, f"This workstation now uses {shown}.")
    return True
