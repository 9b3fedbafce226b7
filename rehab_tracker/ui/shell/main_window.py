"""The clinic workstation's main window: patient list | patient view, menus, status bar.

Adding a feature is a few lines, from app.py or the feature's own install function::

    action = window.add_action("&Session", "Log session", self.log_session, "logSession",
                               shortcut="Ctrl+Shift+L")
    window.patient_view.add_tab(SessionsTab(window.services, window.today), "&Sessions")

``window.menus`` maps the menu titles (``"&File"``, ``"&Patient"``, ``"&Program"``, ``"&Session"``,
``"&Outcomes"``, ``"&Reports"``, ``"&Tools"``, ``"&Help"``) to their QMenu.

The window starts in two stages so it can be on screen before SQLAlchemy is imported: built
without services it shows the patient list (``show_rows``: rows read straight from the file), the
menus (actions that need the database disabled) and a placeholder for the patient view;
``attach(services)`` then builds the patient view and every feature (their imports happen there),
enables the actions and reloads the list through the service, keeping the selection. Nothing this
module imports at the top loads SQLAlchemy or the services.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMenu, QSplitter, QToolButton, QWidget

from rehab_tracker import APP_NAME, __version__
from rehab_tracker.data.patient_list import PatientRow
from rehab_tracker.ui.patients.patient_list import PatientList
from rehab_tracker.ui.shell import settings as gui_settings
from rehab_tracker.ui.shell.actions import run_action
from rehab_tracker.ui.widgets import dialogs

if TYPE_CHECKING:
    from rehab_tracker.services.container import Services
    from rehab_tracker.ui.patients.patient_view import PatientView
    from rehab_tracker.ui.program.program_tab import ProgramTab
    from rehab_tracker.ui.reports.charts_view import ChartsTab
    from rehab_tracker.ui.sessions.feature import SessionFeature

MENU_TITLES = (
    "&File", "&Patient", "&Program", "&Session", "&Outcomes", "&Reports", "&Tools", "&Help"
)
#: what the menu bar shows where it differs from the key in ``window.menus``: Alt+P opens
#: Patient, Alt+G Program (both menus on Alt+P made the key cycle between them)
MENU_BAR_TEXT = {"&Program": "Pro&gram"}
#: below this many logical pixels (a 1280x800 screen at 200% is 640) the patient list and the
#: patient view take turns filling the window instead of sitting side by side
NARROW_WIDTH = 760

Shortcut = str | QKeySequence | QKeySequence.StandardKey


#: the status bar's message until the database is open
OPENING_MESSAGE = "Opening the database…"


class MainWindow(QMainWindow):
    # set by attach(): the window works without them until then (see the module docstring)
    services: Services
    patient_view: PatientView
    program_tab: ProgramTab
    charts_tab: ChartsTab
    session_feature: SessionFeature

    def __init__(
        self,
        today: Callable[[], dt.date],
        database_label: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_NAME)
        self.today = today
        self.settings = gui_settings.load()
        self.attached = False
        #: set by the app when the deferred database open failed (run_gui exits 2)
        self.startup_failed = False

        self.patient_list = PatientList(today)
        self.placeholder = QLabel(OPENING_MESSAGE)
        self.placeholder.setObjectName("patientViewPlaceholder")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setAccessibleName("Patient")
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.patient_list)
        self.splitter.addWidget(self.placeholder)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.setCentralWidget(self.splitter)

        self.database_label = QLabel(f"Database: {database_label}")
        self.database_label.setObjectName("databaseLabel")
        self.statusBar().addPermanentWidget(self.database_label)
        self.statusBar().showMessage(OPENING_MESSAGE)
        self.setCursor(Qt.CursorShape.BusyCursor)

        self.menus: dict[str, QMenu] = {}
        for title in MENU_TITLES:
            menu = self.menuBar().addMenu(MENU_BAR_TEXT.get(title, title))
            menu.setObjectName(title.replace("&", "").lower() + "Menu")
            self.menus[title] = menu
        self._build_actions()

        self.patient_list.patient_selected.connect(self._on_patient_selected)
        # narrow layout: Enter (or a double click) on a patient opens the patient view
        self.patient_list.table.activated.connect(lambda _i: self.show_patient_view())
        self.narrow = False
        self._restore_geometry()
        self.patient_list.find_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_rows(self, rows: Sequence[PatientRow]) -> None:
        """Show patient rows read before the services exist (the fast start-up read)."""
        self.patient_list.set_rows(rows)
        self._on_patient_selected(self.patient_list.selected_id())

    def attach(self, services: Services) -> None:
        """Second stage: the patient view, every feature, enabled actions, the list reloaded."""
        from rehab_tracker.ui.patients.patient_view import PatientView
        from rehab_tracker.ui.program.program_tab import ProgramTab
        from rehab_tracker.ui.reports.charts_view import install as install_charts_and_reports
        from rehab_tracker.ui.sessions.feature import install as install_sessions

        if self.attached:
            raise RuntimeError("the main window is already attached to its services")
        self.services = services
        today = self.today
        self.patient_view = PatientView(services, today)
        self.program_tab = ProgramTab(services, today, on_saved=self._program_saved)
        self.patient_view.add_tab(self.program_tab, "Progra&m")
        sizes = self.splitter.sizes()
        self.splitter.replaceWidget(1, self.patient_view)
        if not self.settings.splitter_state:
            # share the width as the splitter would have between the list and the real view
            hints = [self.patient_list.sizeHint().width(), self.patient_view.sizeHint().width()]
            total = sum(sizes)
            first = total * hints[0] // max(sum(hints), 1)
            sizes = [first, total - first]
        self.splitter.setSizes(sizes)
        self.placeholder.deleteLater()
        self.back_button = QToolButton()
        self.back_button.setObjectName("backToListButton")
        self.back_button.setText("Patient l&ist")
        self.back_button.setAccessibleName("Patient list")
        self.back_button.setToolTip("Back to the patient list (Alt+Left)")
        self.back_button.clicked.connect(self.show_patient_list)
        self.patient_view.setCornerWidget(self.back_button, Qt.Corner.TopLeftCorner)
        self.back_button.setVisible(self.narrow)
        self.patient_view.setVisible(not self.narrow or self._showing_view)
        self.database_label.setText(f"Database: {services.db.display_name}")
        self.attached = True
        self.charts_tab = install_charts_and_reports(self)
        self.session_feature = install_sessions(self)
        self.refresh_patients()
        if self.statusBar().currentMessage() == OPENING_MESSAGE:
            self.statusBar().clearMessage()
        self.unsetCursor()

    # --- extension points -----------------------------------------------------------------

    def add_action(
        self,
        menu: str,
        text: str,
        slot: Callable[[], object],
        object_name: str,
        *,
        shortcut: Shortcut | None = None,
        fallback: str | None = None,
        needs_patient: bool = False,
        needs_services: bool = True,
    ) -> QAction:
        """Add an action to a named menu (``"&Session"``...); its accessible name is its text.

        ``shortcut`` is a key text ("Ctrl+L") or a QKeySequence.StandardKey (then ``fallback``
        is used where the platform binds none). ``needs_patient`` actions are enabled only while
        a patient is selected; ``needs_services`` ones only once the window is attached.
        """
        action = QAction(text, self)
        action.setObjectName(object_name)
        plain = text.replace("&", "").rstrip(".…")
        action.setStatusTip(plain)
        if isinstance(shortcut, QKeySequence.StandardKey):
            # some platforms bind no key to a standard action (Quit on Windows): use ``fallback``
            bindings = QKeySequence.keyBindings(shortcut)
            action.setShortcuts(bindings or [QKeySequence(fallback or "")])
        elif shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        self._needs[action] = (needs_patient, needs_services)
        action.setEnabled(self._may_enable(action))
        self.menus[menu].addAction(action)
        self.addAction(action)  # shortcuts work even with the menu bar hidden
        return action

    def selected_patient(self) -> PatientRow | None:
        return self.patient_list.selected_row()

    def refresh_patients(self, select: uuid.UUID | None = None) -> None:
        """Reload the patient list (one service call) and refresh the patient view."""
        if not self.attached:
            return
        self.patient_list.set_rows(self.services.patients.list_patients(today=self.today()))
        if select is not None:
            self.patient_list.select(select)
        self._on_patient_selected(self.patient_list.selected_id())

    # --- actions --------------------------------------------------------------------------

    def _build_actions(self) -> None:
        self._needs: dict[QAction, tuple[bool, bool]] = {}
        add = self.add_action
        add("&Patient", "&New Patient…", self.new_patient, "newPatient",
            shortcut=QKeySequence.StandardKey.New, fallback="Ctrl+N")
        add("&Patient", "&Edit Patient…", self.edit_patient, "editPatient",
            shortcut="Ctrl+E", needs_patient=True)
        add("&Patient", "&Find Patient", self.focus_find, "findPatientAction",
            shortcut=QKeySequence.StandardKey.Find, fallback="Ctrl+F", needs_services=False)
        add("&Patient", "Back to Patient &List", self.show_patient_list, "backToList",
            shortcut=QKeySequence.StandardKey.Back, fallback="Alt+Left", needs_services=False)
        add("&Patient", "&Open Patient", self.show_patient_view, "openPatient",
            needs_patient=True)
        add("&Program", "&Build Program…", self.open_program_builder, "buildProgram",
            needs_patient=True)
        add("&Tools", "Exercise &Library", self.open_library, "exerciseLibrary",
            shortcut="Ctrl+L")
        add("&Tools", "&Education", self.open_education, "education")
        add("&File", "&Backup Database", self.backup_database, "backupDatabase",
            shortcut="Ctrl+B")
        self.menus["&File"].addSeparator()
        add("&File", "&Quit", self.close, "quit", shortcut=QKeySequence.StandardKey.Quit,
            fallback="Ctrl+Q", needs_services=False)
        add("&Help", "&About Rehab Tracker", self.about, "about", needs_services=False)

    def new_patient(self) -> None:
        from rehab_tracker.ui.patients.patient_dialog import PatientDialog

        dialog = PatientDialog(self.services, self.today, parent=self)
        if dialog.exec() and dialog.saved_id is not None:
            self.refresh_patients(select=dialog.saved_id)
            self.statusBar().showMessage("Patient saved", 5000)

    def edit_patient(self) -> None:
        patient_id = self.patient_list.selected_id()
        if patient_id is None:
            return
        from rehab_tracker.ui.patients.patient_dialog import PatientDialog

        dialog = PatientDialog(self.services, self.today, patient_id, parent=self)
        if dialog.exec():
            self.refresh_patients(select=patient_id)
            self.statusBar().showMessage("Patient saved", 5000)

    def focus_find(self) -> None:
        self.show_patient_list()
        self.patient_list.find_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.patient_list.find_edit.selectAll()

    def open_program_builder(self) -> None:
        patient_id = self.patient_list.selected_id()
        if patient_id is None:
            return
        from rehab_tracker.ui.program.builder import open_program_builder

        if open_program_builder(self, self.services, self.today, patient_id):
            self._program_saved(patient_id)
        else:
            self.patient_view.refresh()

    def _program_saved(self, patient_id: uuid.UUID) -> None:
        self.refresh_patients(select=patient_id)
        self.statusBar().showMessage("Program saved", 5000)

    def open_library(self) -> None:
        from rehab_tracker.ui.library.library_view import LibraryDialog

        LibraryDialog(self.services, parent=self).exec()

    def open_education(self) -> None:
        from rehab_tracker.ui.education.education_view import EducationDialog

        EducationDialog(self.services, parent=self).exec()

    def backup_database(self) -> None:
        done = run_action(self, lambda: self.services.db.backup("manual"), title="Backup database")
        if not done:
            return
        made = done.value
        self.statusBar().showMessage(f"Backup written to {made}", 10000)
        dialogs.inform(self, "Backup database", f"Backup written to {made}")

    def about(self) -> None:
        dialogs.inform(
            self,
            f"About {APP_NAME}",
            f"{APP_NAME} {__version__}\nThe 12-week rehabilitation program after lumbar "
            "micro-discectomy, for physiotherapists.",
        )

    # --- internals ------------------------------------------------------------------------

    def _may_enable(self, action: QAction) -> bool:
        needs_patient, needs_services = self._needs[action]
        if needs_services and not self.attached:
            return False
        return not needs_patient or self.patient_list.selected_id() is not None

    def _on_patient_selected(self, _patient_id: uuid.UUID | None = None) -> None:
        for action in self._needs:
            action.setEnabled(self._may_enable(action))
        if self.attached:
            self.patient_view.set_patient(self.patient_list.selected_row())

    # --- narrow screens ---------------------------------------------------------------------

    def set_narrow(self, narrow: bool) -> None:
        """One pane at a time (narrow) or the list beside the patient view (wide).

        Narrow: the list fills the window; Enter on a patient (or Patient > Open Patient) shows
        the patient view, Patient > Back to Patient List (Alt+Left) or Ctrl+F the list again.
        """
        self.narrow = narrow
        self._showing_view = False
        self._show_panes()
        if self.attached:
            self.back_button.setVisible(narrow)

    def show_patient_list(self) -> None:
        self._showing_view = False
        self._show_panes()
        self.patient_list.table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def show_patient_view(self) -> None:
        if not self.attached or self.patient_list.selected_id() is None:
            return
        self._showing_view = True
        self._show_panes()
        self.patient_view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _show_panes(self) -> None:
        view: QWidget = self.patient_view if self.attached else self.placeholder
        self.patient_list.setVisible(not self.narrow or not self._showing_view)
        view.setVisible(not self.narrow or self._showing_view)

    def _restore_geometry(self) -> None:
        if self.settings.window_geometry:
            self.restoreGeometry(QByteArray.fromBase64(self.settings.window_geometry.encode()))
        else:
            self.resize(1200, 740)
        if self.settings.splitter_state:
            self.splitter.restoreState(QByteArray.fromBase64(self.settings.splitter_state.encode()))
        self.set_narrow(dialogs.is_narrow_screen(self, NARROW_WIDTH))
        self.fit_screen()

    def fit_screen(self) -> None:
        """Never larger than the available screen (a geometry saved at 100% restored at 200%)."""
        screen = self.screen()
        if screen is None:
            return
        available = screen.availableGeometry()
        frame = self.frameGeometry().size() - self.geometry().size()
        width = min(self.width(), available.width() - frame.width())
        height = min(self.height(), available.height() - frame.height())
        if self.isMaximized() or (width, height) == (self.width(), self.height()):
            return
        self.resize(width, height)
        self.move(
            max(available.left(), min(self.x(), available.right() - self.frameGeometry().width())),
            max(available.top(), min(self.y(), available.bottom() - self.frameGeometry().height())),
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        self.settings.window_geometry = bytes(self.saveGeometry().toBase64().data()).decode()
        self.settings.splitter_state = bytes(self.splitter.saveState().toBase64().data()).decode()
        gui_settings.save(self.settings)
        super().closeEvent(event)
