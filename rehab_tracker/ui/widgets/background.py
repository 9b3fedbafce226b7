"""Long work off the GUI thread: a Qt-free callable run in a worker thread, its progress and its
outcome delivered to the GUI thread as signals (issue 12 items 2 and 5).

The work gets a progress callback ``(stage, done, total) -> bool`` (``total`` 0 when unknown),
which it calls as it goes: the call emits :attr:`BackgroundTask.progressed` (queued to the GUI
thread) and returns False once :meth:`BackgroundTask.cancel` was asked, so the work stops at its
next step (the services raise their own "cancelled" exception then). The work must use only its
own database connections (the engine's pool gives the worker thread its own).

:func:`progress_dialog` and :func:`show_progress` make and update the window-modal progress
dialog with Cancel that the foreground use of a task shows (the window repaints and the dialog
answers while the work runs in its thread).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

#: (stage, done, total) -> False to stop
Progress = Callable[[str, int, int], bool]
#: at most this long a step of an ``in_step`` task waits for the GUI thread (s)
_STEP_WAIT = 5.0
#: the worker threads that are running
_RUNNING: set[QThread] = set()


class BackgroundTask(QObject):
    """``work(progress)`` in a worker thread; exactly one of ``succeeded(result)`` (it
    returned), ``cancelled()`` (it raised one of ``cancelled_by``) or ``failed(exception)``
    follows, in the GUI thread, then ``finished()``."""

    progressed = Signal(str, int, int)
    succeeded = Signal(object)
    failed = Signal(object)
    cancelled = Signal()
    #: after any of the three (and after their slots ran)
    finished = Signal()

    def __init__(
        self,
        work: Callable[[Progress], Any],
        parent: QObject | None = None,
        *,
        cancelled_by: tuple[type[BaseException], ...] = (),
        in_step: bool = False,
    ) -> None:
        """``cancelled_by``: the exceptions that mean the work stopped when asked;
        ``in_step``: each progress call waits (up to :data:`_STEP_WAIT` s) until the GUI
        thread has handled it, so a Cancel seen there stops the work before its next step."""
        super().__init__(parent)
        self._work = work
        self._cancelled_by = cancelled_by
        self._in_step = in_step
        self._stop = threading.Event()
        self._handled = threading.Event()
        self._thread: _Runner | None = None

    def start(self) -> None:
        # connected last, so it runs after every slot the caller connected
        self.progressed.connect(lambda *_: self._handled.set())
        for ended in [runner for runner in _RUNNING if runner.isFinished()]:
            _RUNNING.discard(ended)  # dropped only once ended (never from its own signal)
        self._thread = _Runner(self._run)
        _RUNNING.add(self._thread)  # kept while it runs, even if the task's owner is gone
        self._thread.start()

    def cancel(self) -> None:
        self._stop.set()

    @property
    def cancel_requested(self) -> bool:
        return self._stop.is_set()

    def running(self) -> bool:
        return self._thread is not None and self._thread.isRunning()

    def wait(self, seconds: float) -> bool:
        """Block until the worker ends (at most ``seconds``); True when it has."""
        if self._thread is not None:
            self._thread.wait(int(seconds * 1000))
        return not self.running()

    def _progress(self, stage: str, done: int, total: int) -> bool:
        if self._stop.is_set():
            return False
        self._handled.clear()
        try:
            self.progressed.emit(stage, done, total)
        except RuntimeError:  # the task was deleted with its window: stop
            return False
        if self._in_step:
            self._handled.wait(_STEP_WAIT)
        return not self._stop.is_set()

    def _run(self) -> None:
        try:
            result = self._work(self._progress)
        except self._cancelled_by:
            self._emit(self.cancelled)
        except Exception as exc:  # delivered to the GUI thread, which shows or raises it
            self._emit(self.failed, exc)
        else:  # the work returned: it decided what a cancel asked of it meant (a batch
            # returns what it wrote before it stopped)
            self._emit(self.succeeded, result)
        finally:  # queued after the outcome, so its slots run first
            self._emit(self.finished)

    def _emit(self, signal: Any, *args: Any) -> None:
        with contextlib.suppress(RuntimeError):  # the task was deleted with its window
            signal.emit(*args)


class _Runner(QThread):
    """A QThread (not a bare Python thread): Qt objects the work makes, a QTextDocument's
    layout among them, need the thread's own event dispatcher for their timers. It has no
    parent (a QThread deleted while it runs aborts the process): :data:`_RUNNING` keeps it."""

    def __init__(self, call: Callable[[], None]) -> None:
        super().__init__()
        self._call = call

    def run(self) -> None:
        self._call()


def run_and_wait(task: BackgroundTask) -> Any:
    """Start ``task`` and run the event loop until it ends (the window repaints and a progress
    dialog answers meanwhile): its result (None when cancelled), or its exception raised here,
    in the GUI thread (so ``run_action`` shows it as it shows any action's failure)."""
    loop = QEventLoop()
    outcome: dict[str, Any] = {}
    task.succeeded.connect(lambda result: outcome.update(value=result))
    task.failed.connect(lambda exc: outcome.update(error=exc))
    task.finished.connect(loop.quit)
    task.start()
    loop.exec()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def progress_dialog(
    parent: QWidget | None, title: str, name: str, label: str | None = None, maximum: int = 0
) -> QProgressDialog:
    """A window-modal progress dialog with Cancel that stays until closed (a busy bar while
    ``maximum`` is 0)."""
    dialog = QProgressDialog(label or f"{title}…", "Cancel", 0, maximum, parent)
    dialog.setObjectName(name)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(0)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    return dialog


def show_progress(dialog: QProgressDialog, stage: str, done: int, total: int) -> None:
    """``stage`` with ``done`` of ``total`` (a busy bar when ``total`` is 0)."""
    dialog.setMaximum(max(total, 0))
    if total:
        dialog.setValue(min(done, total))
        dialog.setLabelText(f"{stage}: {done:,} of {total:,}")
    else:
        dialog.setValue(0)
        dialog.setLabelText(f"{stage}…")
