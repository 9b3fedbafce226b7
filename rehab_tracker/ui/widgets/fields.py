"""Small widgets shared by the session and outcome forms: checked number fields, the date check
as typed, and autosave.

A :class:`NumberField` is a QLineEdit that checks what is typed as it is typed and shows what is
allowed in its own red label (nothing is clamped silently, so "11" for pain is refused with a
message, not turned into 10). :class:`DraftAutosaver` saves a form's payload ~500 ms after the last
edit through :class:`~rehab_tracker.services.drafts.DraftService` (one short write each).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from rehab_tracker.data.errors import DatabaseError
from rehab_tracker.domain.errors import Collector
from rehab_tracker.domain.sessions import check_date
from rehab_tracker.services.drafts import DraftService
from rehab_tracker.ui.shell.errors import exception_type, log
from rehab_tracker.ui.widgets.date_field import DateField
from rehab_tracker.ui.widgets.forms import ERROR_STYLE, FieldForm, mark_error, plain

AUTOSAVE_MS = 500


def number_text(value: float | None, decimals: int = 1) -> str:
    if value is None:
        return ""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.{decimals}f}".rstrip("0").rstrip(".")


class NumberField(QLineEdit):
    """A number typed as text, checked live. ``value()`` is None when empty or invalid."""

    checked = Signal()

    def __init__(
        self,
        name: str,
        *,
        low: float,
        high: float,
        integer: bool = True,
        message: str,
        low_inclusive: bool = True,
        required: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.low, self.high, self.integer = low, high, integer
        self.low_inclusive = low_inclusive
        self.required = required
        self.message = message
        self.setAccessibleName(plain(name))
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        self.error.setAccessibleName(f"{plain(name)} error")
        self.textChanged.connect(self._check)

    def parsed(self) -> tuple[float | None, str | None]:
        """(value, problem): value None for empty; problem None when acceptable."""
        text = self.text().strip().replace(",", ".")
        if not text:
            return None, (self.message if self.required else None)
        try:
            number = float(text)
        except ValueError:
            return None, self.message
        if not math.isfinite(number):
            return None, self.message
        if self.integer and not number.is_integer():
            return None, self.message
        low_ok = number >= self.low if self.low_inclusive else number > self.low
        if not low_ok or number > self.high:
            return None, self.message
        return number, None

    def value(self) -> float | None:
        return self.parsed()[0]

    def int_value(self) -> int | None:
        value = self.value()
        return None if value is None else int(value)

    def problem(self) -> str | None:
        return self.parsed()[1]

    def set_value(self, value: float | None) -> None:
        self.setText(number_text(value))

    def show_error(self, message: str | None) -> None:
        self.error.setText(message or "")
        self.error.setVisible(bool(message))
        mark_error(self, message or "")

    def _check(self) -> None:
        problem = self.problem()
        # "required" only complains once the user has typed something and cleared it
        if problem and self.required and not self.text().strip():
            problem = None
        self.show_error(problem)
        self.checked.emit()

    def use_error_label(self, label: QLabel) -> None:
        """Show messages in ``label`` (e.g. the FieldForm's own label under the field)."""
        self.error.deleteLater()
        self.error = label

    def with_error(self) -> QWidget:
        """The field with its error label below it, for layouts."""
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(1)
        column.addWidget(self)
        column.addWidget(self.error)
        return box


def add_number_field(form: FieldForm, key: str, label: str, field: NumberField) -> NumberField:
    """Add ``field`` to ``form`` under ``label``; its messages show in the form's error label."""
    form.add(key, label, field)
    field.use_error_label(form.errors[key])
    return field


def typed_date_errors(
    edit: DateField,
    key: str,
    *,
    today: dt.date,
    surgery_date: dt.date | None,
    what: str = "The date",
) -> dict[str, str]:
    """Why the text is not a date, else the domain's date rule on it (nothing while it is
    blank): not in the future, not before the surgery. The messages are keyed ``key``."""
    problem = edit.problem()
    if problem is not None:
        return {key: problem}
    value = edit.value()
    errors = Collector()
    if value is not None:
        check_date(value, key, errors, today=today, surgery_date=surgery_date, what=what)
    return errors.errors


class DraftAutosaver(QObject):
    """Saves ``payload()`` under ``key`` AUTOSAVE_MS after the last ``touch()``."""

    saved = Signal()

    def __init__(
        self,
        drafts: DraftService,
        key: str,
        payload: Callable[[], dict[str, Any]],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.drafts = drafts
        self.key = key
        self.payload = payload
        self.enabled = True
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(AUTOSAVE_MS)
        self.timer.timeout.connect(self.flush)

    def touch(self, *_args: object) -> None:
        if self.enabled:
            self.timer.start()

    def flush(self) -> None:
        self.timer.stop()
        if not self.enabled:
            return
        try:
            self.drafts.save(self.key, self.payload())
        except DatabaseError as exc:
            # busy, disk full, read-only, connection lost: the form still holds what was typed
            # and its Save tells the user, once; a message per keystroke would not help
            log.warning("draft not saved: %s", exception_type(exc))
            return
        self.saved.emit()

    def flush_pending(self) -> None:
        """Save now if an edit is waiting for the timer (a form closing keeps its last edit)."""
        if self.enabled and self.timer.isActive():
            self.flush()

    def discard(self) -> None:
        self.enabled = False
        self.timer.stop()
        self.drafts.discard(self.key)
