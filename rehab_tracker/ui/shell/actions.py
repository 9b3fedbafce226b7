"""One way to run a user action: call the service, show any failure the one way it is shown.

A small synchronous cousin of Anki's ``CollectionOp``::

    done = run_action(self, lambda: self.services.patients.enrol(...), form=self,
                      on_conflict=self.reload)
    if not done:
        return            # the dialog stays open, as typed; the user has been told why
    self.saved_id = done.value

What each failure becomes (the form is never cleared or closed by the runner):

- ``ValidationError``: each message at its field through ``form.show_errors`` (a FieldForm, a
  dialog with its own ``show_errors`` or any callable taking the errors), the keyboard on the
  first field in error (``forms.focus_first_error``); without a form, one error dialog listing
  the messages.
- ``ConflictError``: with ``on_conflict``, the message and a Reload / Keep what I typed choice
  (``on_conflict()`` runs on Reload); without it, an error dialog.
- any other ``ServiceError`` (not found, refused): an error dialog with its message.
- an environment problem (``data.errors.EnvironmentProblem``: busy, disk full, read-only, I/O
  error, connection lost, value too long; any other ``DatabaseError``; an ``OSError`` reading or
  writing a file): one dialog with its plain message (no patient data), and a log line with its
  type only.
- anything else is a bug: it goes to ``sys.excepthook`` (the app's hook from ``ui.errors`` shows
  its dialog and logs the traceback without data; under pytest-qt it fails the test).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from typing import Generic, Protocol, TypeVar, runtime_checkable

from PySide6.QtWidgets import QWidget

from rehab_tracker import APP_NAME
from rehab_tracker.data.errors import DatabaseError
from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.services.errors import ConflictError, ServiceError
from rehab_tracker.ui.shell.errors import exception_type, log
from rehab_tracker.ui.widgets import dialogs
from rehab_tracker.ui.widgets.forms import focus_first_error

T = TypeVar("T")

#: added to an environment problem's message when a form keeps what was typed
KEPT = "What you typed is still in the form."


@runtime_checkable
class ShowsErrors(Protocol):
    """A form (or a dialog of forms) that shows field messages under its fields."""

    def show_errors(self, errors: dict[str, str]) -> object: ...


Form = ShowsErrors | Callable[[dict[str, str]], object]


class Outcome(Generic[T]):
    """What ``run_action`` gives back: true when the call succeeded, with its ``value``."""

    __slots__ = ("_value", "error", "ok")

    def __init__(self, ok: bool, value: T | None = None, error: BaseException | None = None):
        self.ok = ok
        self._value = value
        #: the exception that was shown, when it failed (for callers that undo some state)
        self.error = error

    def __bool__(self) -> bool:
        return self.ok

    @property
    def value(self) -> T:
        if not self.ok:
            raise RuntimeError("the action failed: it has no value")
        return self._value  # type: ignore[return-value]

    def __repr__(self) -> str:
        return f"Outcome(ok={self.ok})"


def run_action(
    parent: QWidget | None,
    call: Callable[[], T],
    *,
    title: str | None = None,
    form: Form | None = None,
    on_conflict: Callable[[], object] | None = None,
) -> Outcome[T]:
    """Run ``call`` (one service call: one user action) and show its failure, if any.

    ``title`` heads the dialogs (default: the parent's window title). Returns an ``Outcome``:
    true with ``.value`` on success, false (with ``.error``) once the failure has been shown.
    """
    try:
        return Outcome(True, call())
    except ValidationError as exc:
        show_validation(parent, exc.errors, title=title, form=form)
        return Outcome(False, error=exc)
    except ConflictError as exc:
        heading = _title(parent, title)
        if on_conflict is None:
            dialogs.error(parent, heading, str(exc))
        elif dialogs.ask_reload(parent, heading, f"{exc}\n\nReload the latest version? "
                                "What you typed here would be replaced."):
            on_conflict()
        return Outcome(False, error=exc)
    except ServiceError as exc:
        dialogs.error(parent, _title(parent, title), str(exc))
        return Outcome(False, error=exc)
    except (DatabaseError, OSError) as exc:
        log.warning("environment problem %s in %s", exception_type(exc),
                    getattr(call, "__qualname__", "an action"))
        text = str(exc) if isinstance(exc, DatabaseError) else _file_problem(exc)
        dialogs.error(parent, _title(parent, title), f"{text}\n\n{KEPT}" if form else text)
        return Outcome(False, error=exc)
    except Exception as exc:  # a bug: the exception hook shows it and logs it without data
        sys.excepthook(type(exc), exc, exc.__traceback__)
        return Outcome(False, error=exc)


def show_validation(
    parent: QWidget | None,
    errors: Mapping[str, str],
    *,
    title: str | None = None,
    form: Form | None = None,
) -> None:
    """Field messages at their fields (``form``), the keyboard on the first field in error;
    or listed in one error dialog."""
    if form is None:
        dialogs.error(parent, _title(parent, title), "\n".join(errors.values()))
        return
    if isinstance(form, ShowsErrors):
        form.show_errors(dict(errors))
    else:
        form(dict(errors))
    if parent is not None:
        focus_first_error(parent)


def _title(parent: QWidget | None, title: str | None) -> str:
    if title:
        return title
    if parent is not None and parent.window().windowTitle():
        return parent.window().windowTitle()
    return APP_NAME


def _file_problem(exc: OSError) -> str:
    reason = exc.strerror or type(exc).__name__
    where = f" ({exc.filename})" if exc.filename else ""
    return f"The file could not be read or written: {reason}{where}."
