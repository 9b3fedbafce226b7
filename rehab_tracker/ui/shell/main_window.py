"""The clinic workstation's main window: patient list | patient view, menus, status bar.

Where things are: ``ui/shell/`` is this window, its settings, the action runner and the exception
hook; ``ui/widgets/`` the widgets several features share; every other folder under ``ui/`` is one
feature (patients, program, sessions, outcomes, library, education, reports, clinic) and holds
everything its menus, tabs and dialogs do.

Adding a feature: give its folder a ``feature.py`` with one ``install(window: MainWindow) ->
ItsFeature`` and add that install to the tuple in :mod:`rehab_tracker.ui.features` (the order
there is the order of the patient view's tabs and of the actions in a shared menu)::

    class SessionsFeature:
        def __init__(self, window: MainWindow) -> None:
            self.window = window
            window.add_action("&Session", "&Log Session…", self.log_session, "logSession",
                              shortcut="Ctrl+L", needs_patient=True)

        def attach(self, workspace: Workspace) -> None:   # the database is open
            from rehab_tracker.ui.sessions.session_tab import SessionsTab

            self.workspace = workspace
            self.sessions_tab = SessionsTab(workspace.services, workspace.today,
                                            on_change=workspace.refresh)
            workspace.patient_view.add_tab(self.sessions_tab, "Sessio&ns")

    def install(window: MainWindow) -> SessionsFeature:
        return SessionsFeature(window)

(:mod:`rehab_tracker.ui.shell.feature` states the contract.) ``window.menus`` maps the menu
titles (``"&File"``, ``"&Patient"``, ``"&Program"``, ``"&Session"``, ``"&Outcomes"``,
``"&Reports"``, ``"&Tools"``, ``"&Help"``) to their QMenu. The window's own actions are the
database backup and restore (``ui/shell/restore.py``), Quit, About and moving between the two
panes (Find, Back to List, Open).

The window starts in two stages so it can be on screen before SQLAlchemy is imported: built
without services it installs the features (their actions are created, those that need the
database disabled), shows the patient list (``show_rows``: rows read straight from the file) and a
placeholder for the patient view; ``attach(services)`` then builds the
:class:`~rehab_tracker.ui.shell.workspace.Workspace` (the services and the patient view), calls
every feature's ``attach`` (the feature modules are imported there), enables the actions and
reloads the list through the service, keeping the selection. One rule says what is usable before
that: an action added with ``needs_services`` (the default) is disabled until ``attach``; the
window itself reaches the patient view only through the workspace. Nothing this module or a
``feature.py`` imports at the top loads SQLAlchemy or the services.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QWidget,
)

from rehab_tracker import APP_NAME
from rehab_tracker.data.patient_list import FirstPage, PatientRow
from rehab_tracker.domain.roles import Permission, refusal
from rehab_tracker.ui.patients.patient_list import PatientList
from rehab_tracker.ui.shell import settings as gui_settings
from rehab_tracker.ui.shell.actions import run_action
from rehab_tracker.ui.shell.feature import Feature, Install
from rehab_tracker.ui.widgets import dialogs, focus_ring

if TYPE_CHECKING:
    from rehab_tracker.domain.roles import Principal
    from rehab_tracker.services.container import Services
    from rehab_tracker.ui.shell.integrity import BackgroundCheck
    from rehab_tracker.ui.shell.lock import IdleLock
    from rehab_tracker.ui.shell.welcome import WelcomePage
    from rehab_tracker.ui.shell.workspace import Workspace

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
#: ``open_services(database, principal)``: app.open_services (open, upgrade, seed; the services
#: for the signed-in principal)
OpenServices = Callable[[str, "Principal"], "Services"]


#: the status bar's message until the database is open
OPENING_MESSAGE = "Opening the database…"


#: the patient list's largest share of the window's width when no layout was saved
LIST_SHARE = 0.4
#: a new window's share of the available screen, and the least share a restored one keeps
DEFAULT_SHARE = 0.85
MIN_RESTORED_SHARE = 0.5


def restored_size(
    saved: tuple[int, int], saved_screen: tuple[int, int] | None, available: tuple[int, int]
) -> tuple[int, int]:
    """The size to restore a window saved at ``saved`` (logical pixels) on a screen whose
    available area was ``saved_screen``, now that it is ``available``: the same share of the
    screen when the screen (or its scaling: 100% and 200% halve the logical size) changed, and
    never under MIN_RESTORED_SHARE of the screen nor larger than it. A size saved at 100% on a
    large screen opened as a small window at 200% and the other way round (issue 11)."""
    width, height = saved
    if saved_screen is not None and saved_screen != available and min(saved_screen) > 0:
        width = round(width * available[0] / saved_screen[0])
        height = round(height * available[1] / saved_screen[1])
    width = max(width, round(available[0] * MIN_RESTORED_SHARE))
    height = max(height, round(available[1] * MIN_RESTORED_SHARE))
    return min(width, available[0]), min(height, available[1])


def _screen_text(size: QSize) -> str:
    return f"{size.width()}x{size.height()}"


def _parse_screen(text: str) -> tuple[int, int] | None:
    width, _, height = text.partition("x")
    return (int(width), int(height)) if width.isdigit() and height.isdigit() else None


class MainWindow(QMainWindow):
    #: the selected patient changed (PatientRow or None); the patient view listens once attached
    patient_changed = Signal(object)
    #: one pane at a time (True) or side by side; the patient view's back button listens
    narrow_changed = Signal(bool)
    #: File > Backup Database wrote a backup (its path): the full check follows it
    database_backed_up = Signal(object)
    #: built by attach(); only actions and slots that run after it use it (the module docstring)
    workspace: Workspace
    #: the background check of every page of an SQLite file (after attach; None when done)
    page_check: BackgroundCheck | None = None
    #: the automatic lock (ui.shell.lock), made on the first attach
    idle_lock: IdleLock | None = None

    def __init__(
        self,
        today: Callable[[], dt.date],
        database_label: str,
        features: Sequence[Install] = (),
        parent: QWidget | None = None,
        *,
        open_services: OpenServices | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_NAME)
        self.today = today
        #: the composition root's way to open a database (File > Restore reopens with it)
        self.open_services = open_services
        self.settings = gui_settings.load()
        self.attached = False
        #: set by the app when the deferred database open failed (run_gui exits 2)
        self.startup_failed = False
        self._needs: dict[QAction, tuple[bool, bool]] = {}
        self._permissions: dict[QAction, Permission] = {}
        #: a feature's own condition on an action (``allow``), beside the one rule
        self._allowed: dict[QAction, bool] = {}
        #: each action's own tip (its text), shown unless the role refuses it
        self._tips: dict[QAction, str] = {}
        #: the patient the window last showed (the status message belongs to them)
        self._shown_patient: uuid.UUID | None = None
        #: the home page in the patient pane (set_home), in front of the patient view
        self.home: QWidget | None = None
        self.home_pages: QStackedWidget | None = None
        self._keeping_page = False
        self._build_panes(database_label)
        self._build_menus()
        #: the installed features, in install order (rehab_tracker.ui.features.FEATURES)
        self.features: tuple[Feature, ...] = tuple(install(self) for install in features)
        self._build_actions()

        self.patient_list.patient_selected.connect(self.selection_changed)
        self.patient_list.patient_selected.connect(self._patient_picked)
        # narrow layout: Enter (or a double click) on a patient opens the patient view
        self.patient_list.table.activated.connect(lambda _i: self.show_patient_view())
        self.patient_list.open_requested.connect(self.show_patient_view)
        self.narrow = False
        self._restore_geometry()
        self.patient_list.find_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _build_panes(self, database_label: str) -> None:
        self.patient_list = PatientList(self.today)
        placeholder = QLabel(OPENING_MESSAGE)
        placeholder.setObjectName("patientViewPlaceholder")
        placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        placeholder.setAccessibleName("Patient")
        #: the right-hand pane: this placeholder until attach, then the patient view
        self.pane: QWidget = placeholder
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.setChildrenCollapsible(False)
        ring = focus_ring.WIDTH  # the focus ring around the list and the tabs stays on screen
        self.splitter.setContentsMargins(ring, ring, ring, ring)
        self.splitter.addWidget(self.patient_list)
        self.splitter.addWidget(placeholder)
        # width the window gains or loses goes to the patient pane: the list keeps its share
        # (LIST_SHARE) and the patient's tables get the room when the window is maximised
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        #: the user dragged the divider: their split is kept from then on
        self._divider_moved = False
        self.splitter.splitterMoved.connect(self._note_divider_moved)
        self.setCentralWidget(self.splitter)

        self.database_label = QLabel(f"Database: {database_label}")
        self.database_label.setObjectName("databaseLabel")
        self.statusBar().addPermanentWidget(self.database_label)
        self.statusBar().showMessage(OPENING_MESSAGE)
        self.setCursor(Qt.CursorShape.BusyCursor)

    def _build_menus(self) -> None:
        self.menus: dict[str, QMenu] = {}
        for title in MENU_TITLES:
            menu = self.menuBar().addMenu(MENU_BAR_TEXT.get(title, title))
            menu.setObjectName(title.replace("&", "").lower() + "Menu")
            menu.setToolTipsVisible(True)  # a greyed-out action says why on hover
            self.menus[title] = menu

    def show_page(self, page: FirstPage) -> None:
        """Show the list's first page read before the services exist (the fast start-up read)."""
        self.patient_list.model.source = page.source  # Find works before the services
        self.patient_list.show_page(page.summary, page.found, page.rows)
        self.selection_changed()

    def attach(self, services: Services) -> None:
        """Second stage: the workspace, every feature's attach, enabled actions, the list
        reloaded."""
        if self.attached:
            raise RuntimeError("the main window is already attached to its services")
        self._attach(services)

    def reopen(self, services: Services) -> None:
        """Attach to ``services`` in place of the current ones (after a restore): a new
        workspace and patient view, every feature attached to it, the list reloaded. The
        caller has closed the old services' database."""
        old = self.workspace
        self.patient_changed.disconnect(old.patient_view.set_patient)
        self.narrow_changed.disconnect(self.back_button.setVisible)
        self.attached = False
        self._attach(services)

    def _attach(self, services: Services) -> None:
        from rehab_tracker.ui.shell.workspace import Workspace

        app = QApplication.instance()
        if isinstance(app, QApplication):
            focus_ring.install(app)  # every control shows where the keyboard is (after start-up)
        self.workspace = workspace = Workspace(self, services)
        self._place_patient_view(workspace)
        self.database_label.setText(f"Database: {services.db.display_name}")
        self.attached = True
        self.patient_list.model.source = services.patients  # read by refresh_patients below
        for feature in self.features:
            feature.attach(workspace)
        workspace.refresh_patients()
        for action in self._needs:  # the signed-in role's actions enabled, the others say why
            self._update(action)
        if self.statusBar().currentMessage() == OPENING_MESSAGE:
            self.statusBar().clearMessage()
        self.unsetCursor()
        self._check_every_page(services)
        self._start_idle_lock()

    def _start_idle_lock(self) -> None:
        """The automatic lock after the clinic's idle time (issue 13 item 3)."""
        if self.idle_lock is not None:
            self.idle_lock.refresh_minutes()
            return
        from rehab_tracker.ui.shell.lock import IdleLock

        self.idle_lock = IdleLock(self, lambda: self.workspace.services.settings.lock_minutes())
        self.idle_lock.sign_in = self._sign_in_again
        self.idle_lock.on_switched = self._switch_user

    def _sign_in_again(self, username: str, password: str) -> Principal:
        from rehab_tracker.services import users

        services = self.workspace.services
        return users.sign_in(services.db, username, password, os_name=services.principal.os_user)

    def _switch_user(self, principal: Principal) -> None:
        """Another user signed in at the lock screen: the services rebuilt for them."""
        from rehab_tracker.services.container import Services

        self.reopen(Services(self.workspace.services.db, principal))
        self.statusBar().showMessage(f"Signed in as {principal.username}", 10000)

    def lock_now(self) -> None:
        """File > Lock Now."""
        if self.idle_lock is not None:
            self.idle_lock.lock()

    def _check_every_page(self, services: Services) -> None:
        """SQLite's check of every page, in the background now that the window is usable
        (``ui.shell.integrity``); the one of the services attached before is stopped."""
        self._stop_page_check()
        if services.db.path is not None:
            from rehab_tracker.ui.shell import integrity

            self.page_check = integrity.start(self, services.db.path)

    def _stop_page_check(self) -> None:
        check = getattr(self, "page_check", None)
        if check is not None:
            check.stop()
            self.page_check = None

    def _place_patient_view(self, workspace: Workspace) -> None:
        """The patient view takes the placeholder's place (same share of the width)."""
        view = workspace.patient_view
        #: the first start's page, in the pane's pages while there are no patients
        self.welcome: WelcomePage | None = None
        self.home = self.home_pages = None  # a new pane: the features set their home again
        placeholder, self.pane = self.pane, view
        sizes = self.splitter.sizes()
        self.splitter.replaceWidget(1, view)
        if not self.settings.splitter_state:
            sizes = self._shared_width(sum(sizes), view)
        self.splitter.setSizes(sizes)
        placeholder.deleteLater()
        self.back_button = QToolButton()
        self.back_button.setObjectName("backToListButton")
        self.back_button.setText("Patient l&ist")
        self.back_button.setAccessibleName("Patient list")
        self.back_button.setToolTip("Back to the patient list (Alt+Left)")
        self.back_button.clicked.connect(self.show_patient_list)
        view.setCornerWidget(self.back_button, Qt.Corner.TopLeftCorner)
        self.back_button.setVisible(self.narrow)
        self.narrow_changed.connect(self.back_button.setVisible)
        view.setVisible(not self.narrow or self._showing_view)
        self.patient_changed.connect(view.set_patient)

    def _shared_width(self, total: int, view: QWidget) -> list[int]:
        """Share the width as the splitter would have between the list and the real view, the
        list at most LIST_SHARE of it: the patient's tables need the room more than the list's
        last columns (which scroll)."""
        hints = [self.patient_list.sizeHint().width(), view.sizeHint().width()]
        total = total or 1000  # not shown yet: the splitter scales the proportions
        wanted = max(
            total * hints[0] // max(sum(hints), 1), self.patient_list.key_columns_width()
        )
        first = min(wanted, int(total * LIST_SHARE))
        return [first, total - first]

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Until the user moves the divider (or a layout was saved), the list keeps the share
        :meth:`_shared_width` gives it at any window size: the splitter alone gave all the new
        width to the pane, and the list stayed cut inside its week columns (issue 11)."""
        super().resizeEvent(event)
        if self.attached and not self.settings.splitter_state and not self._divider_moved:
            self.splitter.setSizes(self._shared_width(sum(self.splitter.sizes()), self.pane))

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
        permission: Permission | None = None,
    ) -> QAction:
        """Add an action to a named menu (``"&Session"``...); its accessible name is its text.

        ``shortcut`` is a key text ("Ctrl+L") or a QKeySequence.StandardKey (then ``fallback``
        is used where the platform binds none). ``needs_patient`` actions are enabled only while
        a patient is selected; ``needs_services`` ones only once the window is attached;
        ``permission`` ones only for a signed-in role that has it (the services refuse the
        others all the same).
        """
        action = QAction(text, self)
        action.setObjectName(object_name)
        plain = text.replace("&", "").rstrip(".…")
        action.setStatusTip(plain)
        action.setToolTip(plain)
        self._tips[action] = plain
        if isinstance(shortcut, QKeySequence.StandardKey):
            # some platforms bind no key to a standard action (Quit on Windows): use ``fallback``
            bindings = QKeySequence.keyBindings(shortcut)
            action.setShortcuts(bindings or [QKeySequence(fallback or "")])
        elif shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        self._needs[action] = (needs_patient, needs_services)
        if permission is not None:
            self._permissions[action] = permission
        self._update(action)
        self.menus[menu].addAction(action)
        self.addAction(action)  # shortcuts work even with the menu bar hidden
        return action

    def allow(self, action: QAction, allowed: bool) -> None:
        """A feature's own condition on one of its actions (a program's status allows a
        change): the action is enabled when this and the one rule (services, patient, role)
        allow it."""
        self._allowed[action] = allowed
        self._update(action)

    def welcome_shown(self) -> bool:
        """Whether the patient pane shows the welcome page (the database has no patients)."""
        welcome = getattr(self, "welcome", None)
        pages = self.home_pages
        return welcome is not None and pages is not None and pages.currentWidget() is welcome

    def update_welcome(self) -> None:
        """The welcome page in the patient pane while the database has no patients (the first
        start), then the home page (or the patient view) once it has some; the page's module
        loads only when needed."""
        empty = self.patient_list.model.total() == 0
        if empty and self.welcome is None:
            from rehab_tracker.ui.shell.welcome import WelcomePage

            self.welcome = WelcomePage(self)
            self._pages().addWidget(self.welcome)
        if self.welcome is None or self.home_pages is None:
            return
        showing = self.welcome_shown()
        if empty and not showing:
            self.home_pages.setCurrentWidget(self.welcome)
            self.pane.setVisible(True)
            if self.narrow:
                self._showing_view = True  # the page, not an empty list, fills a narrow window
                self._show_panes()
            self.welcome.add_patient.setFocus(Qt.FocusReason.OtherFocusReason)
        elif not empty and showing:
            self.home_pages.setCurrentWidget(self.home or self.workspace.patient_view)
            if self.narrow and self.home is None:
                self.show_patient_list()

    def _pages(self) -> QStackedWidget:
        """The patient pane's pages: the home page's (set_home), or made around the patient
        view when no feature set a home page."""
        return self.home_pages if self.home_pages is not None else self._new_pages()

    def _new_pages(self) -> QStackedWidget:
        """Pages holding the patient view in the pane's place (the same share of the width)."""
        view = self.workspace.patient_view
        sizes = self.splitter.sizes()
        pages = QStackedWidget()
        pages.setObjectName("patientPane")
        index = self.splitter.indexOf(self.pane)
        self.splitter.replaceWidget(index, pages)
        self.splitter.setStretchFactor(index, 1)  # as the pane it replaces
        pages.addWidget(view)
        if not self.settings.splitter_state:
            sizes = self._shared_width(sum(sizes), view)
        self.splitter.setSizes(sizes)
        self.pane = self.home_pages = pages
        return pages

    def selected_patient(self) -> PatientRow | None:
        return self.patient_list.selected_row()

    def selection_changed(self, _patient_id: uuid.UUID | None = None) -> None:
        """Enable the actions for the selection and tell the patient view (once attached).

        Another patient also clears the status bar's message: "Session saved" was about the
        patient before."""
        for action in self._needs:
            self._update(action)
        selected = self.patient_list.selected_id()
        if selected != self._shown_patient:
            self._shown_patient = selected
            if self.statusBar().currentMessage() != OPENING_MESSAGE:
                self.statusBar().clearMessage()
        workspace = getattr(self, "workspace", None)
        if workspace is None:
            self.patient_changed.emit(self.patient_list.selected_row())
            return
        with workspace.services.snapshot():  # the panes read each row once (issue 12 item 4)
            self.patient_changed.emit(self.patient_list.selected_row())

    # --- the window's own actions ---------------------------------------------------------

    def _build_actions(self) -> None:
        """After the features' actions: the panes, the backup, Quit and About."""
        add = self.add_action
        add("&Patient", "&Find Patient", self.focus_find, "findPatientAction",
            shortcut=QKeySequence.StandardKey.Find, fallback="Ctrl+F", needs_services=False)
        add("&Patient", "Back to Patient &List", self.show_patient_list, "backToList",
            shortcut=QKeySequence.StandardKey.Back, fallback="Alt+Left", needs_services=False)
        self.open_patient = add("&Patient", "&Open Patient", self.show_patient_view,
                                "openPatient", needs_patient=True)
        add("&File", "&Backup Database", self.backup_database, "backupDatabase",
            shortcut="Ctrl+B", permission=Permission.BACKUPS)
        if self.open_services is not None:
            add("&File", "&Restore from Backup…", self.restore_from_backup, "restoreDatabase",
                permission=Permission.BACKUPS)
        add("&File", "&Users…", self.manage_users, "manageUsers", permission=Permission.USERS)
        add("&File", "Loc&k Now", self.lock_now, "lockNow", shortcut="Ctrl+Alt+L")
        add("&File", "Change My &Password…", self.change_password, "changeMyPassword")
        self.menus["&File"].addSeparator()
        add("&File", "&Quit", self.close, "quit", shortcut=QKeySequence.StandardKey.Quit,
            fallback="Ctrl+Q", needs_services=False)
        add("&Help", "&User Guide", self.user_guide, "userGuide",
            shortcut=QKeySequence.StandardKey.HelpContents, fallback="F1", needs_services=False)
        add("&Help", "&Keyboard Shortcuts", self.keyboard_shortcuts, "keyboardShortcuts",
            shortcut="Ctrl+/", needs_services=False)
        add("&Help", "&About Rehab Tracker", self.about, "about", needs_services=False)

    def focus_find(self) -> None:
        self.show_patient_list()
        self.patient_list.find_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.patient_list.find_edit.selectAll()

    def backup_database(self) -> None:
        db = self.workspace.services.db
        done = run_action(self, lambda: db.backup("manual"), title="Backup database")
        if not done:
            return
        made = done.value
        self.statusBar().showMessage(f"Backup written to {made}", 10000)
        self.database_backed_up.emit(made)
        dialogs.inform(self, "Backup database", f"Backup written to {made}")

    def manage_users(self) -> None:
        """File > Users…: the administrator's list of staff accounts."""
        from rehab_tracker.ui.shell.users import UsersDialog

        UsersDialog(self.workspace.services, self).exec()

    def change_password(self) -> None:
        """File > Change My Password…: any signed-in user, their own password."""
        from rehab_tracker.ui.shell.change_password import ChangePasswordDialog

        dialog = ChangePasswordDialog(self.workspace.services, self)
        try:
            if dialog.exec():
                self.statusBar().showMessage("Your password was changed.", 10000)
        finally:
            dialog.deleteLater()

    def restore_from_backup(self) -> None:
        """File > Restore from Backup…: choose, confirm, restore with progress, reopen."""
        from rehab_tracker.ui.shell import restore

        path = self.workspace.services.db.path
        if path is None:
            dialogs.error(self, restore.TITLE, "A PostgreSQL database is restored on its "
                          "server (pg_restore), not here.")
            return
        dialog = restore.RestoreDialog(path, self)
        try:
            chosen = dialog.chosen if dialog.exec() else None
        finally:
            dialog.deleteLater()
        if chosen is None or not dialogs.confirm(
            self, restore.TITLE, restore.confirmation(path, chosen)
        ):
            return
        self._stop_page_check()  # it reads the file the restore replaces
        self._restore(path, chosen.path)

    def _restore(self, path: Path, backup: Path) -> None:
        from rehab_tracker.data.restore import restore_backup
        from rehab_tracker.ui.shell import restore

        services = self.workspace.services
        services.db.close()  # this window's connections: the in-use check must see only others'
        progress, step = restore.progress_dialog(self)
        try:
            done = run_action(
                self,
                lambda: restore_backup(path, backup, actor=services.actor, progress=step),
                title=restore.TITLE,
            )
        finally:
            progress.close()
            progress.deleteLater()
        if not done:
            return  # told why; the current file is unchanged and stays open
        assert self.open_services is not None
        opener = self.open_services
        reopened = run_action(self, lambda: opener(str(path), services.principal),
                              title=restore.TITLE)
        if not reopened:
            return
        self.reopen(reopened.value)
        text = f"Restored the backup {backup.name}."
        if done.value.replaced is not None:
            text += f"\nThe replaced database was kept as {done.value.replaced}."
        self.statusBar().showMessage(f"Restored the backup {backup.name}", 10000)
        dialogs.inform(self, restore.TITLE, text)

    def about(self) -> None:
        from rehab_tracker.ui.shell.help import AboutDialog

        database = self.workspace.services.db.display_name if self.attached else (
            self.database_label.text().removeprefix("Database: "))
        self._show_help(AboutDialog(database, self))

    def user_guide(self) -> None:
        from rehab_tracker.ui.shell.help import GuideDialog

        self._show_help(GuideDialog(self))

    def keyboard_shortcuts(self) -> None:
        from rehab_tracker.ui.shell.help import ShortcutsDialog

        self._show_help(ShortcutsDialog(self))

    def _show_help(self, dialog: QDialog) -> None:
        """Help windows stay open beside the work (not modal); one of each kind at a time."""
        name = dialog.objectName()
        for old in self.findChildren(QDialog, name):
            if old is not dialog:
                old.close()
                old.deleteLater()
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    # --- internals ------------------------------------------------------------------------

    def principal(self) -> Principal | None:
        """Who is signed in (None until the window is attached)."""
        return self.workspace.services.principal if self.attached else None

    def _update(self, action: QAction) -> None:
        """Enable ``action`` by the one rule; one the role refuses is disabled (never hidden)
        and its tooltip and status tip say why (``domain.roles.refusal``)."""
        action.setEnabled(self._may_enable(action))
        permission = self._permissions.get(action)
        principal = self.principal()
        tip = self._tips[action]
        if permission is not None and principal is not None and not principal.may(permission):
            tip = refusal(principal.role, permission)
        action.setToolTip(tip)
        action.setStatusTip(tip)

    def _may_enable(self, action: QAction) -> bool:
        """The one rule: database actions wait for attach, patient actions for a selection."""
        needs_patient, needs_services = self._needs[action]
        if needs_services and not self.attached:
            return False
        if self.idle_lock is not None and self.idle_lock.locked:
            return False  # a refresh behind the lock screen enables nothing
        if not self._allowed.get(action, True):
            return False
        permission = self._permissions.get(action)
        if permission is not None and not (
            self.attached and self.workspace.services.principal.may(permission)
        ):
            return False
        return not needs_patient or self.patient_list.selected_id() is not None

    # --- narrow screens ---------------------------------------------------------------------

    def set_narrow(self, narrow: bool) -> None:
        """One pane at a time (narrow) or the list beside the patient view (wide).

        Narrow: the list fills the window; Enter on a patient (or Patient > Open Patient) shows
        the patient view, Patient > Back to Patient List (Alt+Left) or Ctrl+F the list again.
        """
        self.narrow = narrow
        # the welcome page (no patients yet) stays in view; otherwise the list comes first
        self._showing_view = self.welcome_shown()
        self._show_panes()
        self.narrow_changed.emit(narrow)

    def show_patient_list(self) -> None:
        self._showing_view = False
        self._show_panes()
        self.patient_list.table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def show_patient_view(self) -> None:
        if not self.open_patient.isEnabled():  # the one rule: attached, a patient selected
            return
        self.show_patient_page()
        self._showing_view = True
        self._show_panes()
        self.workspace.patient_view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _show_panes(self) -> None:
        self.patient_list.setVisible(not self.narrow or not self._showing_view)
        self.pane.setVisible(not self.narrow or self._showing_view)

    # --- the home page -----------------------------------------------------------------------

    def set_home(self, home: QWidget) -> None:
        """Put ``home`` (the Today view) in the patient pane in front of the patient view: it is
        what the pane shows until a patient is picked in the list, and again on
        :meth:`show_home`. A feature's ``attach`` calls it (again after a restore, when the pane
        is new)."""
        pages = self._new_pages()
        pages.insertWidget(0, home)
        pages.setCurrentWidget(home)
        self.home = home
        self._show_panes()

    def show_home(self) -> None:
        """The home page in the patient pane (in a narrow window: instead of the list)."""
        if self.home_pages is None or self.home is None:
            return
        self.home_pages.setCurrentWidget(self.home)
        if self.narrow:
            self._showing_view = True
            self._show_panes()
        self.home.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def show_patient_page(self) -> None:
        """The patient view in the patient pane (where the home page was)."""
        if self.home_pages is not None:
            self.home_pages.setCurrentWidget(self.workspace.patient_view)

    def showing_home(self) -> bool:
        return self.home_pages is not None and self.home_pages.currentWidget() is self.home

    @contextlib.contextmanager
    def keep_page(self) -> Iterator[None]:
        """Selections made inside (a list reload, the home page choosing a patient to act on)
        leave the pane on the page it shows."""
        keeping, self._keeping_page = self._keeping_page, True
        try:
            yield
        finally:
            self._keeping_page = keeping

    def _patient_picked(self, patient_id: uuid.UUID | None) -> None:
        """A patient picked in the list is shown (the home page makes way)."""
        if patient_id is not None and not self._keeping_page:
            self.show_patient_page()

    def _restore_geometry(self) -> None:
        screen = self.screen()
        available = screen.availableGeometry().size() if screen is not None else QSize(1200, 740)
        avail = (available.width(), available.height())
        if self.settings.window_geometry:
            self.restoreGeometry(QByteArray.fromBase64(self.settings.window_geometry.encode()))
            if not self.isMaximized():
                saved = _parse_screen(self.settings.window_screen)
                size = _parse_screen(self.settings.window_size) or (self.width(), self.height())
                self.resize(*restored_size(size, saved, avail))
        else:  # a sensible share of this screen, whatever its size and scaling
            self.resize(round(avail[0] * DEFAULT_SHARE), round(avail[1] * DEFAULT_SHARE))
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

    def _note_divider_moved(self, *_args: object) -> None:
        self._divider_moved = True

    def closeEvent(self, event: QCloseEvent) -> None:
        self._stop_page_check()
        self.settings.window_geometry = bytes(self.saveGeometry().toBase64().data()).decode()
        screen = self.screen()
        if screen is not None:
            self.settings.window_screen = _screen_text(screen.availableGeometry().size())
        self.settings.window_size = _screen_text(self.normalGeometry().size())
        self.settings.splitter_state = bytes(self.splitter.saveState().toBase64().data()).decode()
        gui_settings.save(self.settings)
        super().closeEvent(event)
