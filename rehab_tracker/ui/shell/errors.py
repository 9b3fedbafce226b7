"""The exception hook: a bug shows one dialog and is written to a private, rotating log file.

``install_exception_hook`` is called by the composition root (``app.run_gui``), never at import
time. The log sits in the user's data folder (``logs/rehab-tracker.log``, mode 0600, the folder
0700) and holds no patient data: a bug is logged as its exception types and the file, line and
function of each traceback frame only. Exception messages, SQL, parameters, source lines and
locals are never written (a database error's text carries the values typed for a patient).
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
from collections.abc import Callable, Iterator
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QApplication, QWidget

from rehab_tracker.data import locations, private_files
from rehab_tracker.data.errors import DatabaseError
from rehab_tracker.ui.widgets import dialogs

#: the app's logger; its records must never carry patient data (see the module docstring)
log = logging.getLogger("rehab_tracker")

LOG_FILE_NAME = "rehab-tracker.log"
LOG_MAX_BYTES = 1_000_000
LOG_BACKUPS = 5

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def log_file() -> Path:
    """Where the log is written: ``logs/`` in the user's data folder."""
    return locations.data_dir() / "logs" / LOG_FILE_NAME


class PrivateRotatingFileHandler(RotatingFileHandler):
    """A rotating log whose files (the current one and each new one after a rollover) are 0600."""

    def _open(self):  # type: ignore[no-untyped-def]
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        os.chmod(self.baseFilename, 0o600)  # a file left by an older version may be wider
        return os.fdopen(fd, "a", encoding=self.encoding, errors=self.errors)


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and the exceptions it was raised from or during, innermost last."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__
        )


def exception_type(exc: BaseException) -> str:
    """The qualified type name, plus the code of an environment problem (never the message)."""
    kind = type(exc)
    name = kind.__qualname__ if kind.__module__ == "builtins" else (
        f"{kind.__module__}.{kind.__qualname__}"
    )
    code = getattr(exc, "code", None)
    return f"{name} [{code}]" if isinstance(code, str) and code else name


def _frames(exc: BaseException, *, with_callers: bool) -> traceback.StackSummary:
    """The frames ``exc`` went through; ``with_callers`` adds the frames that called the
    handler that caught it (the action runner catches a bug below the button's slot)."""
    tb = exc.__traceback__
    frames = traceback.extract_tb(tb)
    caller = tb.tb_frame.f_back if with_callers and tb is not None else None
    if caller is not None:
        frames = traceback.StackSummary.from_list([*traceback.extract_stack(caller), *frames])
    return frames


def describe(exc: BaseException) -> str:
    """A traceback without data: each exception's type and its frames' file, line, function."""
    lines: list[str] = []
    for i, link in enumerate(_chain(exc)):
        if i:
            lines.append("raised while handling or from:")
        lines.append(exception_type(link))
        for frame in _frames(link, with_callers=i == 0):
            lines.append(f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}')
    return "\n".join(lines)


class ExceptionHook:
    """``sys.excepthook`` for the GUI: logs a bug (no patient data) and tells the user once."""

    TITLE = "Something went wrong"
    #: the title for an environment problem that reached the hook (a read outside an action)
    ENVIRONMENT_TITLE = "Database problem"

    def __init__(
        self,
        path: Path,
        parent: Callable[[], QWidget | None] = QApplication.activeWindow,
    ) -> None:
        self.path = path
        self.parent = parent
        self.handler: logging.Handler | None = None
        self._previous: Callable[..., object] | None = None
        self._showing = False

    def install(self) -> ExceptionHook:
        private_files.private_dir(self.path.parent, ours=True)
        handler = PrivateRotatingFileHandler(
            self.path, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8"
        )
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        self.handler = handler
        self._previous = sys.excepthook
        sys.excepthook = self
        return self

    def uninstall(self) -> None:
        if sys.excepthook is self:
            sys.excepthook = self._previous or sys.__excepthook__
        if self.handler is not None:
            log.removeHandler(self.handler)
            self.handler.close()
            self.handler = None

    def __call__(
        self,
        kind: type[BaseException],
        exc: BaseException,
        tb: TracebackType | None,
    ) -> None:
        if issubclass(kind, KeyboardInterrupt | SystemExit):
            sys.__excepthook__(kind, exc, tb)
            return
        if exc.__traceback__ is None:
            exc = exc.with_traceback(tb)
        if isinstance(exc, DatabaseError):  # busy, read-only, server gone: not a bug
            log.warning("environment problem %s outside an action", exception_type(exc))
            self._tell(self.ENVIRONMENT_TITLE, str(exc))
            return
        log.error("unexpected error\n%s", describe(exc))
        print(f"rehab-tracker: unexpected error {exception_type(exc)}; details in {self.path}",
              file=sys.stderr)
        self._tell(
            self.TITLE,
            "Something went wrong in Rehab Tracker; what you were doing was not "
            f"completed.\n\nThe details were written to {self.path} (they contain no "
            "patient data): please send that file to your IT support.",
        )

    def _tell(self, title: str, text: str) -> None:
        if self._showing:  # a second error while the dialog is open: logged only
            return
        self._showing = True
        try:
            dialogs.error(self.parent(), title, text)
        finally:
            self._showing = False


def install_exception_hook(path: Path | None = None) -> ExceptionHook:
    """Log to ``path`` (default :func:`log_file`) and show bugs in a dialog; for app start-up."""
    return ExceptionHook(path or log_file()).install()
