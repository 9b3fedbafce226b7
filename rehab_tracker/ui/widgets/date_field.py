"""The one date field of the app: a date typed (ISO or the locale's short format) or picked from a
calendar, shown back as YYYY-MM-DD once the field is left, so the date saved is the date seen.

QDateEdit's sections turned a typed ``1978-04-12`` into 1978-01-04 (issue 11). A
:class:`DateField` is a line edit: the text stays as typed until the field is left (Tab, a click
elsewhere, Enter); then :func:`parse_date` reads it and the field shows the date as YYYY-MM-DD, or
``problem()`` says why it is not a date (the form shows that under the field) and ``value()`` is
None. A year is always four digits (``4/12/78`` could be 1978 or 2078). Alt+Down or F4 opens the
calendar; Up and Down move the date by a day. An optional field may stay empty.

    dob = form.add("date_of_birth", "&Date of birth", DateField(optional=True))
    dob.dateChanged.connect(check)     # on leaving the field, Enter, the calendar, set_value
    dob.value()                        # dt.date, or None (empty, or see dob.problem())
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Mapping

from PySide6.QtCore import QDate, QLocale, QPoint, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QGuiApplication,
    QHideEvent,
    QIcon,
    QKeyEvent,
    QPainter,
    QPalette,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import QApplication, QCalendarWidget, QLineEdit, QSizePolicy, QWidget

MINIMUM = dt.date(1900, 1, 1)
MAXIMUM = dt.date(2099, 12, 31)
#: the date the hints show (its day is past 12, so the order of day and month shows)
EXAMPLE = dt.date(2026, 10, 27)
NOT_A_DATE = "Not a date."


class DateTextError(ValueError):
    """Why a text is not a date; ``example`` when the way to type one is worth showing."""

    def __init__(self, message: str, *, example: bool = True) -> None:
        super().__init__(message)
        self.message = message
        self.example = example


def field_order(date_format: str) -> str | None:
    """The order of day, month and year in a numeric Qt date format (``dd/MM/yyyy`` -> ``dMy``);
    None when it writes the month or weekday in words or lacks a part."""
    pattern = re.sub(r"'[^']*'", "", date_format)  # quoted literals ('г' in Bulgarian)
    if re.search(r"ddd|MMM", pattern):
        return None
    order = "".join(dict.fromkeys(ch for ch in pattern if ch in "dMy"))
    return order if len(order) == 3 else None


def parse_date(text: str, order: str | None) -> dt.date | None:
    """The date ``text`` names, None when it is empty; ``DateTextError`` when it is not a date.

    Year first with four digits is ISO order (``1978-04-12``, ``1978/4/12``, ``19780412``);
    otherwise the parts follow ``order`` (see :func:`field_order`: ``12/04/1978`` for ``dMy``).
    """
    text = text.strip()
    if not text:
        return None
    if re.fullmatch(r"\d{8}", text):
        parts = [text[:4], text[4:6], text[6:]]
    elif re.fullmatch(r"[\d\s./-]+", text):
        parts = re.findall(r"\d+", text)
    else:
        raise DateTextError(NOT_A_DATE)
    if len(parts) < 3:
        raise DateTextError("The date is not complete: it needs a day, a month and a year.")
    if len(parts) > 3 or (len(parts[0]) != 4 and order is None):
        raise DateTextError(NOT_A_DATE)
    named = dict(zip("yMd" if len(parts[0]) == 4 else order or "", parts, strict=True))
    if len(named["y"]) != 4:
        raise DateTextError("Type the year with four digits (1978, not 78).", example=False)
    if len(named["M"]) > 2 or len(named["d"]) > 2:
        raise DateTextError(NOT_A_DATE)
    year, month, day = int(named["y"]), int(named["M"]), int(named["d"])
    if not 1 <= month <= 12:
        raise DateTextError(f"There is no month {month}.")
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        raise DateTextError(
            f"There is no {day} {calendar.month_name[month]} {year}: the month has {days} days.",
            example=False,
        )
    return dt.date(year, month, day)


def _qdate(value: dt.date) -> QDate:
    return QDate(value.year, value.month, value.day)


def calendar_icon(color: QColor) -> QIcon:
    """A small calendar drawn in ``color`` (no icon theme needed), sharp at 100% and 200%."""
    icon = QIcon()
    for side in (16, 32, 64):
        pixmap = QPixmap(side, side)
        pixmap.fill(Qt.GlobalColor.transparent)
        u = side / 16
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(color, u))
        painter.drawRoundedRect(QRectF(1.5 * u, 3 * u, 13 * u, 11.5 * u), u, u)
        painter.fillRect(QRectF(1.5 * u, 3 * u, 13 * u, 3 * u), color)
        for x in (5, 11):
            painter.drawLine(QPoint(round(x * u), round(1 * u)), QPoint(round(x * u), round(4 * u)))
        for row in range(2):
            for col in range(3):
                painter.fillRect(QRectF((3.5 + 3.5 * col) * u, (8 + 3 * row) * u, 2 * u, 2 * u),
                                 color)
        painter.end()
        icon.addPixmap(pixmap)
    return icon


class CalendarPopup(QCalendarWidget):
    """The field's calendar as a popup window; ``closed`` when it goes (a day taken, Escape, a
    click outside)."""

    closed = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowFlags(Qt.WindowType.Popup)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self.closed.emit()


class DateField(QLineEdit):
    """A date typed or picked; ``value()`` the date, ``problem()`` why the text is not one."""

    #: the text was settled (field left, Enter, calendar, Up/Down, ``set_value``) and differs
    dateChanged = Signal()

    def __init__(
        self,
        value: dt.date | None = None,
        *,
        optional: bool = False,
        minimum: dt.date = MINIMUM,
        maximum: dt.date = MAXIMUM,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.optional = optional
        self.minimum, self.maximum = minimum, maximum
        self.calendar: CalendarPopup | None = None
        self._settled = ""
        self._order, examples = self._locale_examples()
        self._examples = " or ".join(examples)
        self.setPlaceholderText(" or ".join(self._patterns(examples)))
        self.setToolTip(f"Type the date like {self._examples}, or press Alt+Down to pick it.")
        color = self.palette().color(QPalette.ColorRole.Text)
        self.picker_action = self.addAction(
            calendar_icon(color), QLineEdit.ActionPosition.TrailingPosition
        )
        self.picker_action.setText("Choose the date from a calendar")
        self.picker_action.triggered.connect(self.open_calendar)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.set_value(value)

    # --- the date --------------------------------------------------------------------------

    def _read(self) -> tuple[dt.date | None, str | None]:
        try:
            value = parse_date(self.text(), self._order)
        except DateTextError as exc:
            hint = f" Type it like {self._examples}." if exc.example else ""
            return None, exc.message + hint
        if value is None:
            return None, None if self.optional else "Enter the date."
        if not self.minimum <= value <= self.maximum:
            return None, (f"The date must be from {self.minimum.isoformat()} "
                          f"to {self.maximum.isoformat()}.")
        return value, None

    def value(self) -> dt.date | None:
        """The date the text names; None when empty or not a date (see ``problem``)."""
        return self._read()[0]

    def problem(self) -> str | None:
        """Why the text is not an acceptable date (empty is one when not optional)."""
        return self._read()[1]

    def set_value(self, value: dt.date | None) -> None:
        self.setText("" if value is None else value.isoformat())
        self.settle()

    def settle(self) -> None:
        """Show a date the text names as YYYY-MM-DD; ``dateChanged`` when the text changed."""
        value = self.value()
        if value is not None and self.text() != value.isoformat():
            self.setText(value.isoformat())
        if self.text() != self._settled:
            self._settled = self.text()
            self.dateChanged.emit()

    # --- keyboard and focus ----------------------------------------------------------------

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        if event.reason() != Qt.FocusReason.PopupFocusReason:  # not when the calendar opens
            self.settle()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, modifiers = event.key(), event.modifiers()
        alt = modifiers == Qt.KeyboardModifier.AltModifier
        if key == Qt.Key.Key_F4 or (alt and key == Qt.Key.Key_Down):
            self.open_calendar()
        elif modifiers == Qt.KeyboardModifier.NoModifier and key in (Qt.Key.Key_Up,
                                                                     Qt.Key.Key_Down):
            self._step(1 if key == Qt.Key.Key_Up else -1)
        else:
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.settle()  # before the dialog's default button reads the value
            super().keyPressEvent(event)

    def _step(self, days: int) -> None:
        value = self.value()
        if value is not None and self.minimum <= value + dt.timedelta(days) <= self.maximum:
            self.set_value(value + dt.timedelta(days))
            self.selectAll()

    # --- the calendar ----------------------------------------------------------------------

    def open_calendar(self) -> None:
        """The calendar below the field, on the field's date (or today); a click or Enter on a
        day takes it, Escape leaves the field as it was."""
        popup = CalendarPopup(self)
        popup.setAccessibleName(f"{self.accessibleName() or 'Date'} calendar")
        popup.setDateRange(_qdate(self.minimum), _qdate(self.maximum))
        start = self.value() or min(max(dt.date.today(), self.minimum), self.maximum)
        popup.setSelectedDate(_qdate(start))
        popup.clicked.connect(self._picked)
        popup.activated.connect(self._picked)
        popup.closed.connect(self._calendar_closed)
        popup.adjustSize()
        popup.move(self._popup_position(popup.sizeHint()))
        self.calendar = popup
        popup.show()
        popup.setFocus(Qt.FocusReason.PopupFocusReason)

    def _popup_position(self, size: QSize) -> QPoint:
        """Below the field's left edge, inside the screen (above it when there is no room)."""
        below = self.mapToGlobal(QPoint(0, self.height()))
        screen = self.screen() or QGuiApplication.primaryScreen()
        area = screen.availableGeometry()
        x = max(area.left(), min(below.x(), area.right() - size.width()))
        y = below.y()
        if y + size.height() > area.bottom():
            y = max(area.top(), self.mapToGlobal(QPoint(0, 0)).y() - size.height())
        return QPoint(x, y)

    def _picked(self, day: QDate) -> None:
        self.setText(day.toString("yyyy-MM-dd"))
        if self.calendar is not None:
            self.calendar.close()
        self.settle()

    def _calendar_closed(self) -> None:
        """The focus back in the field (its window active again where the platform forgot)."""
        self.calendar = None
        if QApplication.activeWindow() is None:
            self.window().activateWindow()
        self.setFocus(Qt.FocusReason.PopupFocusReason)

    # --- size and hints --------------------------------------------------------------------

    def _locale_examples(self) -> tuple[str | None, list[str]]:
        """The locale's field order and the example date as ISO and (when it differs in order)
        in the locale's short format with a four-digit year."""
        locale = QLocale()
        short = locale.dateFormat(QLocale.FormatType.ShortFormat)
        order = field_order(short)
        examples = [EXAMPLE.isoformat()]
        if order is not None and order[0] != "y":
            examples.append(locale.toString(_qdate(EXAMPLE), re.sub(r"y+", "yyyy", short)))
        return order, examples

    @staticmethod
    def _patterns(examples: list[str]) -> list[str]:
        """The examples as patterns: 2026-10-27 -> YYYY-MM-DD, 27/10/2026 -> DD/MM/YYYY."""
        day, month, year = str(EXAMPLE.day), f"{EXAMPLE.month}", str(EXAMPLE.year)
        return [
            e.replace(year, "YYYY").replace(month, "MM").replace(day, "DD") for e in examples
        ]

    def _width_for(self, text: str) -> int:
        """The width that shows ``text`` beside the calendar button."""
        metrics = self.fontMetrics()
        frame = super().sizeHint().width() - metrics.horizontalAdvance("x" * 17)
        return metrics.horizontalAdvance(text) + max(frame, 0) + metrics.height() * 2

    def sizeHint(self) -> QSize:
        """Wide enough for the pattern hint (shown while empty) and the calendar button."""
        text = max(self.placeholderText(), "8888-88-88", key=self.fontMetrics().horizontalAdvance)
        return QSize(self._width_for(text), super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:
        """Never narrower than a whole date."""
        return QSize(self._width_for("8888-88-88"), super().minimumSizeHint().height())


def date_problems(fields: Mapping[str, QWidget]) -> dict[str, str]:
    """The message of every date field among ``fields`` whose text is not a date, by key."""
    return {
        key: problem
        for key, field in fields.items()
        if isinstance(field, DateField) and (problem := field.problem())
    }
