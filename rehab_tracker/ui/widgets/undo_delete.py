"""Delete with one level of Undo: the Sessions and Outcomes tabs' Delete and Undo delete buttons.

Delete asks first, runs the service call through the action runner, remembers what was deleted
and enables Undo; Undo restores it. After each the tab's message says what happened and
``changed`` reloads the tab (and tells the window).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from rehab_tracker.services.errors import ServiceError
from rehab_tracker.ui.shell.actions import run_action
from rehab_tracker.ui.widgets import dialogs

T = TypeVar("T")


class UndoableDelete(Generic[T]):
    """Deletes ``T`` (an id, or a kind and an id) for ``owner``; ``undo_button`` is enabled while
    there is something to restore."""

    def __init__(
        self,
        owner: QWidget,
        undo_button: QPushButton,
        message: QLabel,
        changed: Callable[[], None],
    ) -> None:
        self.owner = owner
        self.undo_button = undo_button
        self.message = message
        self.changed = changed
        self.last_deleted: T | None = None

    def delete(
        self,
        target: T | None,
        delete: Callable[[T], object],
        *,
        title: str,
        question: str,
        done: str,
    ) -> None:
        """Ask ``question`` (under ``title``), delete ``target``, say ``done``."""
        if target is None:
            return
        if not dialogs.confirm(self.owner, title, question):
            return
        if not run_action(self.owner, lambda: delete(target), title=title):
            return
        self._remember(target)
        self.message.setText(done)
        self.changed()

    def undo(
        self, restore: Callable[[T], object], *, done: str, refused: str | None = None
    ) -> None:
        """Restore the last deleted, say ``done``. With ``refused``: when the service refuses
        (a ``ServiceError``, e.g. the slot was logged again meanwhile) this undo can no longer
        succeed, so it is dropped and ``refused`` said."""
        target = self.last_deleted
        if target is None:
            return
        restored = run_action(self.owner, lambda: restore(target), title="Undo delete")
        if not restored:
            if refused is not None and isinstance(restored.error, ServiceError):
                self._remember(None)
                self.message.setText(refused)
            return
        self._remember(None)
        self.message.setText(done)
        self.changed()

    def _remember(self, target: T | None) -> None:
        self.last_deleted = target
        self.undo_button.setEnabled(target is not None)
