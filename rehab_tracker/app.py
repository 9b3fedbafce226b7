"""The composition root: open the database, sign in, seed it, build the services and the window.

The app's start-up path (``start_signed_in``, the one ``run_gui`` takes) shows the sign-in
dialog at once, before any patient data (issue 13); the database opens behind it from the event
loop, and the signed-in principal's services and main window follow. Nothing patient-related is
shown to someone who has not signed in.

``start_window`` and ``create_main_window`` build the window for a principal the caller has
signed in already (tests, benchmarks, scripts). ``start_window`` is progressive: for an existing
SQLite file at the newest schema the main window is shown with the first page of its patients
read straight from the file (``data.patient_list.read_sqlite``, standard library only) before
SQLAlchemy and the models are imported; the open (a check bounded whatever the file's size,
migrations, backups), seeding and the services follow from the event loop, and
``MainWindow.attach`` completes the window. Anything else (PostgreSQL, a new file, an older
schema) opens synchronously first. Once the window is usable, SQLite's ``quick_check`` of every
page runs in the background (``ui.shell.integrity``); a failure is told in the window, without a
modal dialog.

Nothing here imports matplotlib or report code: those load on first use.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from rehab_tracker.data.database import Database
    from rehab_tracker.domain.roles import Principal
    from rehab_tracker.services.container import Services
    from rehab_tracker.ui.shell.main_window import MainWindow
    from rehab_tracker.ui.shell.sign_in import SignInDialog

#: run_gui's exit code when the database cannot be opened
EXIT_DATABASE = 2

Today = dt.date | Callable[[], dt.date] | None


def _clock(today: Today) -> Callable[[], dt.date]:
    if today is None:
        return dt.date.today
    if isinstance(today, dt.date):
        fixed = today
        return lambda: fixed
    return today


def open_services(
    database: str | os.PathLike[str] | Database | None, principal: Principal
) -> Services:
    """Open ``database`` (path, URL or an open Database), seed it on first run, build the services
    for ``principal`` (signed in by the caller: the sign-in dialog, the command line, a test).

    Raises DatabaseError / ResourceError for problems the user can act on.
    """
    from rehab_tracker.data.database import Database, open_database
    from rehab_tracker.services.container import Services

    db = database if isinstance(database, Database) else open_database(database)
    services = Services(db, principal)
    services.library.ensure_seeded()
    services.education.ensure_seeded()
    return services


def create_main_window(
    database: str | os.PathLike[str] | Database | None,
    *,
    today: Today = None,
    principal: Principal,
) -> MainWindow:
    """Open ``database`` (path, URL or an open Database), seed it on first run, build the window.

    ``today`` fixes the date (tests); by default it is the workstation's date, asked each time.
    The window comes back attached to its services (synchronous; for tests and scripts).
    """
    from rehab_tracker.ui.features import FEATURES
    from rehab_tracker.ui.shell.main_window import MainWindow

    services = open_services(database, principal)
    window = MainWindow(_clock(today), services.db.display_name, FEATURES,
                        open_services=open_services)
    window.attach(services)
    return window


def existing_sqlite_file(database: str | os.PathLike[str] | None) -> Path | None:
    """The SQLite file ``database`` names if it is a plain path (or the default) that exists.

    Mirrors ``data.database.resolve_target`` for file paths without importing SQLAlchemy; URLs
    (PostgreSQL, or an explicit sqlite:// URL) give None and take the normal way in.
    """
    from rehab_tracker.data import locations

    if database is None or str(database) == "":
        database = os.environ.get(locations.DB_ENV) or locations.saved_database()
    if database is None:
        path = locations.default_database_path()
    elif "://" in str(database):
        return None
    else:
        path = Path(str(database)).expanduser().resolve()
    return path if path.is_file() else None


def start_window(
    database: str | os.PathLike[str] | None,
    *,
    today: Today = None,
    principal: Principal,
    on_shown: Callable[[MainWindow], object] | None = None,
) -> MainWindow:
    """Show the main window as early as possible; the app's start-up path.

    Raises DatabaseError / ResourceError when the normal (synchronous) way in fails. On the fast
    path the window is shown with the rows read from the file, and once it has been exposed (its
    first paint is on screen) the database is opened from the event loop and the window attached;
    a failure there prints one line on stderr, shows an error dialog on a real screen, closes the
    window and ends the event loop with exit code 2. ``on_shown(window)`` is called once the
    window is on screen, before the deferred stage (the start-up benchmark times it).
    """
    from rehab_tracker.data.patient_list import read_sqlite

    clock = _clock(today)
    path = existing_sqlite_file(database)
    page = read_sqlite(path, clock()) if path is not None else None
    if path is None or page is None:
        window = create_main_window(database, today=clock, principal=principal)
        if on_shown is not None:
            _after_first_expose(window, lambda: on_shown(window))
        window.show()
        return window

    from rehab_tracker.ui.features import FEATURES
    from rehab_tracker.ui.shell.main_window import MainWindow

    window = MainWindow(clock, str(path), FEATURES, open_services=open_services)
    window.show_page(page)

    def second_stage() -> None:
        if on_shown is not None:
            on_shown(window)
        _finish_start(window, database, principal)

    _after_first_expose(window, second_stage)
    window.show()
    return window


#: if the window system never says the window is exposed (minimised start...), go on anyway
EXPOSE_TIMEOUT_MS = 1000


def _after_first_expose(window: QWidget, callback: Callable[[], object]) -> None:
    """Run ``callback`` from the event loop once ``window`` has been exposed and painted.

    The deferred stage blocks the GUI thread (importing SQLAlchemy): started earlier, a real
    screen would show an empty frame instead of the patient list meanwhile.
    """
    from PySide6.QtCore import QEvent, QObject, QTimer

    class ExposeWatch(QObject):
        done = False

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Expose and window.windowHandle().isExposed():
                # let Qt paint this expose first; the callback runs on the next loop turn
                QTimer.singleShot(0, self.fire)
            return False

        def fire(self) -> None:
            if self.done:
                return
            self.done = True
            handle = window.windowHandle()
            if handle is not None:
                handle.removeEventFilter(self)
            self.deleteLater()
            callback()

    window.winId()  # creates the native window (windowHandle) before it is shown
    watch = ExposeWatch(window)
    window.windowHandle().installEventFilter(watch)
    QTimer.singleShot(EXPOSE_TIMEOUT_MS, watch, watch.fire)


def _finish_start(
    window: MainWindow, database: str | os.PathLike[str] | None, principal: Principal
) -> None:
    """The deferred second stage: open, migrate and seed the database, then attach."""
    from rehab_tracker.data.database import DatabaseError
    from rehab_tracker.data.resources import ResourceError

    try:
        services = open_services(database, principal)
    except (DatabaseError, ResourceError) as exc:
        window.startup_failed = True
        _end_start(window, exc)
        return
    window.attach(services)


def _end_start(shown: QWidget, exc: Exception) -> None:
    """The deferred open failed: say so, close what is shown, end the event loop with 2."""
    from PySide6.QtCore import QCoreApplication

    from rehab_tracker.ui.shell.main_window import MainWindow

    _report_start_error(shown if isinstance(shown, MainWindow) else None, exc)
    shown.close()
    QCoreApplication.exit(EXIT_DATABASE)


def _report_start_error(parent: MainWindow | None, exc: Exception) -> None:
    """One line for the terminal (and for scripts), a dialog for whoever sits at the screen."""
    from PySide6.QtGui import QGuiApplication

    from rehab_tracker import APP_NAME
    from rehab_tracker.ui.widgets import dialogs

    # one line even when SQLite's detail spans several (quick_check lists every bad page)
    line = " ".join(str(exc).split())
    print(f"rehab-tracker: error: {line}", file=sys.stderr)
    if QGuiApplication.platformName() not in ("offscreen", "minimal"):
        dialogs.error(parent, APP_NAME, str(exc))


class Startup:
    """The start of the desktop app with its sign-in: the dialog first, then the window."""

    def __init__(self, dialog: SignInDialog) -> None:
        self.dialog = dialog
        self.db: Database | None = None
        self.window: MainWindow | None = None
        self.failed = False


def start_signed_in(
    database: str | os.PathLike[str] | None,
    *,
    today: Today = None,
    on_shown: Callable[[SignInDialog], object] | None = None,
) -> Startup:
    """The app's start-up path: the sign-in dialog at once, before any patient data.

    Once the dialog is on screen (``on_shown(dialog)``: the start-up benchmark times it), the
    database is opened, upgraded and checked from the event loop; a database without accounts
    turns the dialog into the first start's "create the administrator". A sign-in opens the
    main window for the signed-in principal (services, seeding, the patient list) and closes
    the dialog; Quit ends the app. A database that cannot be opened is reported as
    ``start_window`` does (one line on stderr, a dialog on a real screen, exit code 2).
    """
    from rehab_tracker.data import locations
    from rehab_tracker.data.patient_list import at_newest_schema
    from rehab_tracker.ui.shell.sign_in import SignInDialog

    clock = _clock(today)
    path = existing_sqlite_file(database)
    opened: Database | None = None
    if path is None or not at_newest_schema(path):
        from rehab_tracker.data.database import open_database

        opened = open_database(database)  # a new, older or server database: before the dialog
    dialog = SignInDialog(locations.last_user())
    startup = Startup(dialog)

    def open_database_behind() -> None:
        if on_shown is not None:
            on_shown(dialog)
        from rehab_tracker.data.database import DatabaseError, open_database
        from rehab_tracker.data.resources import ResourceError
        from rehab_tracker.domain.roles import Role
        from rehab_tracker.services import users
        from rehab_tracker.ui.shell.sign_in import NewAdministrator, SignInHandlers

        try:
            db = startup.db = opened or open_database(database)
            first = not users.has_users(db)
        except (DatabaseError, ResourceError) as exc:
            startup.failed = True
            _end_start(dialog, exc)
            return
        os_name = users.os_user()

        def create(new: NewAdministrator) -> Principal:
            form = users.UserForm(new.username, new.display_name, Role.ADMINISTRATOR,
                                  new.password, new.registration_number)
            return users.create_first_administrator(db, form, os_name=os_name)

        dialog.ready(
            SignInHandlers(
                sign_in=lambda name, password: users.sign_in(db, name, password, os_name=os_name),
                create=create,
            ),
            first_run=first,
        )

    def signed_in(principal: Principal) -> None:
        from rehab_tracker.ui.features import FEATURES
        from rehab_tracker.ui.shell.main_window import MainWindow

        assert startup.db is not None
        locations.remember_user(principal.username)
        services = open_services(startup.db, principal)
        window = MainWindow(clock, services.db.display_name, FEATURES, open_services=open_services)
        window.attach(services)
        startup.window = window
        window.show()

    dialog.on_signed_in = signed_in
    _after_first_expose(dialog, open_database_behind)
    dialog.show()
    return startup


#: run_gui's exit code when there is no screen to show the window on
EXIT_NO_DISPLAY = 2


def _x_display_answers(number: str) -> bool:
    """Whether a local X server listens as display ``number`` (abstract socket or socket file)."""
    import socket

    for address in (f"\0/tmp/.X11-unix/X{number}", f"/tmp/.X11-unix/X{number}"):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
            probe.settimeout(1.0)
            try:
                probe.connect(address)
            except OSError:
                continue
            return True
    return False


def display_problem(
    environ: Mapping[str, str] | None = None, platform: str = sys.platform
) -> str | None:
    """Why Qt would find no screen here (it aborts the process then), or None.

    Only the cases that can be told cheaply and surely: a Linux/BSD session with neither an X
    nor a Wayland display, or a local X display nobody listens on. A platform plug-in chosen
    with QT_QPA_PLATFORM (offscreen for tests, vnc, ...) is trusted; so is a remote X display.
    """
    env = os.environ if environ is None else environ
    if platform in ("win32", "darwin", "cygwin") or env.get("QT_QPA_PLATFORM"):
        return None
    if env.get("WAYLAND_DISPLAY"):
        return None
    display = env.get("DISPLAY", "")
    if not display:
        return "no graphical display: neither DISPLAY nor WAYLAND_DISPLAY is set"
    host, _, screen = display.rpartition(":")
    number = screen.split(".")[0]
    if host in ("", "unix") and number.isdigit() and not _x_display_answers(number):
        return f"no graphical display: nothing answers on DISPLAY={display}"
    return None


def run_gui(database: str | os.PathLike[str] | None = None) -> int:
    """Start the desktop app; returns the exit code (2 when the database cannot be opened or
    there is no screen)."""
    problem = display_problem()
    if problem is not None:
        print(
            f"rehab-tracker: {problem}; the command-line subcommands still work "
            "(rehab-tracker --help)",
            file=sys.stderr,
        )
        return EXIT_NO_DISPLAY
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    from rehab_tracker import APP_ID, APP_NAME

    QCoreApplication.setOrganizationName("Rehab Tracker")
    QCoreApplication.setApplicationName(APP_NAME)
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setDesktopFileName(APP_ID)
    from rehab_tracker.ui.shell.errors import install_exception_hook

    install_exception_hook()  # a bug: one dialog and a private log file, without patient data
    try:
        startup = start_signed_in(database)
    except Exception as exc:
        # the error classes are imported only now: they live beside SQLAlchemy
        from rehab_tracker.data.database import DatabaseError
        from rehab_tracker.data.resources import ResourceError

        if not isinstance(exc, DatabaseError | ResourceError):
            raise
        _report_start_error(None, exc)
        return EXIT_DATABASE
    code = app.exec()
    if startup.window is not None:
        _release(startup.window)
    elif startup.db is not None:
        startup.db.close()
    failed = startup.failed or (startup.window is not None and startup.window.startup_failed)
    return EXIT_DATABASE if failed else code


def _release(window: MainWindow) -> None:
    """After the event loop: close the database, and let the interpreter end without a last
    garbage collection over every widget wrapper (a second or more at exit, measured in
    tests/benchmarks/test_quit.py). Everything that must reach the disk is written by then."""
    import gc

    if window.attached:
        window.workspace.services.db.close()
    gc.freeze()  # what is left lives until exit: Python's final collection skips it
