"""The composition root: open the database, seed it, build the services and the main window.

Nothing here imports matplotlib or report code: those load on first use.
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
import sys
from collections.abc import Callable

from PySide6.QtWidgets import QMainWindow

from rehab_tracker.data.database import Database, DatabaseError, open_database
from rehab_tracker.services.container import Services


def default_actor() -> str:
    """The signed-in OS user (the audit trail's 'who')."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return os.environ.get("USER") or os.environ.get("USERNAME") or "clinician"


def create_main_window(
    database: str | os.PathLike[str] | Database | None,
    *,
    today: dt.date | Callable[[], dt.date] | None = None,
    actor: str | None = None,
) -> QMainWindow:
    """Open ``database`` (path, URL or an open Database), seed it on first run, build the window.

    ``today`` fixes the date (tests); by default it is the workstation's date, asked each time.
    """
    from rehab_tracker.ui.main_window import MainWindow

    db = database if isinstance(database, Database) else open_database(database)
    services = Services(db, actor or default_actor())
    services.library.ensure_seeded()
    services.education.ensure_seeded()
    if today is None:
        clock: Callable[[], dt.date] = dt.date.today
    elif isinstance(today, dt.date):
        fixed = today
        clock = lambda: fixed  # noqa: E731
    else:
        clock = today
    return MainWindow(services, clock)


def run_gui(database: str | os.PathLike[str] | None = None) -> int:
    """Start the desktop app; returns the exit code (2 when the database cannot be opened)."""
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    from rehab_tracker import APP_ID, APP_NAME
    from rehab_tracker.data.resources import ResourceError
    from rehab_tracker.ui import dialogs

    QCoreApplication.setOrganizationName("Rehab Tracker")
    QCoreApplication.setApplicationName(APP_NAME)
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setDesktopFileName(APP_ID)
    try:
        window = create_main_window(database)
    except (DatabaseError, ResourceError) as exc:
        # one line for the terminal (and for scripts), a dialog for whoever sits at the screen
        print(f"rehab-tracker: error: {exc}", file=sys.stderr)
        if app.platformName() not in ("offscreen", "minimal"):
            dialogs.error(None, APP_NAME, str(exc))
        return 2
    window.show()
    return app.exec()
