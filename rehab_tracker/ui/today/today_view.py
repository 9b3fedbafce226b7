"""The Today view, the window's home: today's sessions, the sessions missed or not logged of the
last days, red flags to review and assessments due or overdue (page "Today"), and the week's
sessions by day (page "Week").

Each list acts with one key: Enter on a session logs it (or opens its log to correct), on a
missed session logs it late (its Move button books it again), on a red flag records its outcome
and clearance, on an assessment opens its record form. The view only
reads (one service call per page) and hands each action to ``acts``
(:class:`TodayActs`, the Today feature), which runs it with the rest of the window.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QWidget,
)

from rehab_tracker.domain.roles import Permission
from rehab_tracker.domain.schedule import MISSED_WINDOW_DAYS, short_day
from rehab_tracker.services.schedule import (
    Appointment,
    AssessmentToDo,
    FlagToReview,
    week_of,
)
from rehab_tracker.ui.widgets import permits
from rehab_tracker.ui.widgets.forms import push_button
from rehab_tracker.ui.widgets.lazy_tab import LazyTab
from rehab_tracker.ui.widgets.scroll import scrolled_column
from rehab_tracker.ui.widgets.table_model import RowsTableModel

if TYPE_CHECKING:
    from rehab_tracker.services.container import Services

Index = QModelIndex | QPersistentModelIndex
RowT = TypeVar("RowT")
_ROOT = QModelIndex()
RED = QColor("#b00020")
DONE = QColor("#5f6368")
_ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole)


class TodayActs(Protocol):
    """What the view's keys and buttons do (the Today feature runs them)."""

    def log_session(self, appointment: Appointment) -> None: ...

    def review_flag(self, flag: FlagToReview) -> None: ...

    def record_assessment(self, item: AssessmentToDo) -> None: ...

    def book(self, appointment: Appointment | None) -> None: ...


def long_date(day: dt.date) -> str:
    """A day in words, e.g. "Monday 23 November 2026" (English, as the rest of the app)."""
    return f"{day:%A} {day.day} {day:%B %Y}"


# --- the lists' models ----------------------------------------------------------------------


class SessionsModel(RowsTableModel[Appointment]):
    headers = ("Time", "Patient", "Record", "Session", "Status")

    def cell(self, r: Appointment, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and r.logged:
            return DONE
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{r.name}, week {r.week}: {r.state_text}"
        if role not in _ROLES:
            return None
        return (
            r.time_text,
            r.patient_name,
            r.record_number,
            f"{r.name} (week {r.week})",
            r.state_text,
        )[column]


class MissedModel(SessionsModel):
    """The sessions missed or not logged: the day each was planned on first."""

    headers = ("Planned", *SessionsModel.headers[1:])

    def cell(self, r: Appointment, column: int, role: int) -> Any:
        if column == 0 and role in _ROLES:
            when = short_day(r.scheduled_on)
            return when if r.time is None else f"{when} {r.time_text}"
        return super().cell(r, column, role)


class FlagsModel(RowsTableModel[FlagToReview]):
    headers = ("Reported", "Patient", "Record", "Action", "What followed")

    def cell(self, r: FlagToReview, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole:
            return RED
        if role == Qt.ItemDataRole.ToolTipRole:
            return r.alert.message
        if role not in _ROLES:
            return None
        a = r.alert
        return (
            a.session_date.isoformat(),
            r.patient_name,
            r.record_number,
            a.action or "review",
            a.follow_up,
        )[column]


class AssessmentsModel(RowsTableModel[AssessmentToDo]):
    headers = ("Due", "Patient", "Record", "Assessment", "State")

    def cell(self, r: AssessmentToDo, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and r.state == "overdue":
            return RED
        if role not in _ROLES:
            return None
        return (r.due_date.isoformat(), r.patient_name, r.record_number, r.label, r.state)[column]


class WeekModel(QAbstractTableModel):
    """One column per day (Monday to Sunday), that day's sessions down it by time."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.monday = dt.date.min
        self.days: list[list[Appointment]] = [[] for _ in range(7)]

    def set_week(self, monday: dt.date, appointments: Sequence[Appointment]) -> None:
        self.beginResetModel()
        self.monday = monday
        self.days = [[] for _ in range(7)]
        for a in appointments:
            self.days[(a.day - monday).days].append(a)
        self.endResetModel()

    def day(self, column: int) -> dt.date:
        return self.monday + dt.timedelta(days=column)

    def appointment(self, index: Index) -> Appointment | None:
        if not index.isValid():
            return None
        column = self.days[index.column()]
        return column[index.row()] if index.row() < len(column) else None

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else max((len(d) for d in self.days), default=0)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else 7

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role in _ROLES and 0 <= section < 7:
            return short_day(self.day(section))
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        a = self.appointment(index)
        if a is None:
            return None
        if role in _ROLES:
            when = "" if a.time is None else f"{a.time_text} "
            return f"{when}{a.patient_name}\n{a.name}, {a.state_text}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return (
                f"{long_date(a.day)}, {a.time_text}: {a.patient_name} ({a.record_number}), "
                f"{a.name}, week {a.week}: {a.state_text}"
            )
        if role == Qt.ItemDataRole.ForegroundRole and a.logged:
            return DONE
        return None


# --- the views ------------------------------------------------------------------------------


class ActTable(QTableView):
    """A read-only list whose Enter acts on the current row (``on_enter``); Tab leaves it."""

    def __init__(
        self,
        model: QAbstractTableModel,
        object_name: str,
        accessible_name: str,
        on_enter: Callable[[], None],
        *,
        cells: bool = False,
    ) -> None:
        super().__init__()
        self.setObjectName(object_name)
        self.setAccessibleName(accessible_name)
        self.setModel(model)
        self.on_enter = on_enter
        self.setTabKeyNavigation(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(
            QAbstractItemView.SelectionBehavior.SelectItems
            if cells
            else QAbstractItemView.SelectionBehavior.SelectRows
        )
        self.setWordWrap(cells)
        self.verticalHeader().setVisible(False)
        header = self.horizontalHeader()
        if cells:  # a calendar: the days share the width, a cell's lines wrap
            header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
            self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        else:
            # every column as wide as its text (the last one too: a stretched last column
            # shrinks to cut its text when the pane is narrow, e.g. at 200%); a scroll bar
            # when the pane is narrower than the columns
            header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            header.setStretchLastSection(False)
        self.doubleClicked.connect(lambda _i: self.on_enter())
        model.modelReset.connect(self._keep_current)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.on_enter()
            return
        super().keyPressEvent(event)

    def _keep_current(self) -> None:
        """After a reload the first row (cell) is current, so Enter acts at once."""
        model = self.model()
        if model.rowCount() and model.columnCount():
            first = model.index(0, 0)
            self.setCurrentIndex(first)


def _button(text: str, name: str, slot: Callable[[], None]) -> QPushButton:
    button = push_button(text, name)
    button.clicked.connect(slot)
    return button


def _button_rows(buttons: Sequence[QPushButton]) -> QGridLayout:
    """Buttons two a row, on the left."""
    grid = QGridLayout()
    for i, b in enumerate(buttons):
        grid.addWidget(b, i // 2, i % 2)
    grid.setColumnStretch(2, 1)
    return grid


def _section_title(object_name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(object_name)
    label.setWordWrap(True)  # the pane can be narrow (200%): the title wraps, buttons stay
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


def _current(table: QTableView, model: RowsTableModel[RowT]) -> RowT | None:
    index = table.currentIndex()
    if not index.isValid() or not 0 <= index.row() < len(model.rows):
        return None
    return model.row_at(index.row())


def _act(table: QTableView, model: RowsTableModel[RowT], act: Callable[[RowT], None]) -> None:
    """``act`` on the list's current row, if there is one."""
    if (row := _current(table, model)) is not None:
        act(row)


class _Page(LazyTab):
    """A page of the view: reads through the services when shown, acts through ``acts``."""

    object_name = ""

    def __init__(
        self,
        services: Services,
        today: Callable[[], dt.date],
        acts: TodayActs,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(self.object_name)
        self.services, self.today, self.acts = services, today, acts
        self.build()
        self.stale = True

    def build(self) -> None:
        raise NotImplementedError


class DayPage(_Page):
    """Today's four lists; reads ``services.schedule.today`` when shown."""

    object_name = "todayPage"

    def build(self) -> None:
        acts = self.acts
        self.heading = _section_title("todayHeading")
        self.sessions = SessionsModel(self)
        self.missed = MissedModel(self)
        self.flags = FlagsModel(self)
        self.assessments = AssessmentsModel(self)
        self.sessions_title = _section_title("todaySessionsTitle")
        self.missed_title = _section_title("todayMissedTitle")
        self.flags_title = _section_title("todayFlagsTitle")
        self.assessments_title = _section_title("todayAssessmentsTitle")
        self.sessions_table = ActTable(
            self.sessions, "todaySessions", "Sessions today", self.log_current
        )
        self.missed_table = ActTable(self.missed, "todayMissed", "Missed sessions", self.log_missed)
        self.flags_table = ActTable(
            self.flags, "todayRedFlags", "Red flags to review", self.review_current
        )
        self.assessments_table = ActTable(
            self.assessments, "todayAssessments", "Assessments due or overdue", self.assess_current
        )
        self.log_button = _button("&Log session…", "todayLogSession", self.log_current)
        self.book_button = _button("&Book session…", "todayBookSession", lambda: acts.book(None))
        permits.gate(self.book_button, self.services.principal, Permission.SCHEDULE, enabled=True)
        self.move_button = _button("&Move session…", "todayMoveSession", self.move_current)
        self.log_late_button = _button("Log l&ate…", "todayLogLate", self.log_missed)
        self.move_missed_button = _button(
            "Mov&e missed session…", "todayMoveMissed", self.move_missed
        )
        self.flag_button = _button("Re&view red flag…", "todayReviewFlag", self.review_current)
        self.assess_button = _button(
            "Re&cord assessment…", "todayRecordAssessment", self.assess_current
        )
        self._layout()

    def _layout(self) -> None:
        """Each list under its title, its buttons under it (two a row: the pane can be
        narrow); the page scrolls rather than squashes (200%)."""
        layout = scrolled_column(self, frame=False)
        layout.addWidget(self.heading)
        for title, table, buttons, stretch in (
            (
                self.sessions_title,
                self.sessions_table,
                (self.log_button, self.move_button, self.book_button),
                3,
            ),
            (
                self.missed_title,
                self.missed_table,
                (self.log_late_button, self.move_missed_button),
                2,
            ),
            (self.flags_title, self.flags_table, (self.flag_button,), 1),
            (self.assessments_title, self.assessments_table, (self.assess_button,), 2),
        ):
            layout.addWidget(title)
            layout.addWidget(table, stretch)
            layout.addLayout(_button_rows(buttons))

    def reload(self) -> None:
        items = self.services.schedule.today(today=self.today())
        self.heading.setText(f"Today: {long_date(items.day)}")
        self.sessions.set_rows(items.booked)
        self.missed.set_rows(items.missed)
        self.flags.set_rows(items.red_flags)
        self.assessments.set_rows(items.assessments)
        to_log = sum(not a.logged for a in items.booked)
        self.sessions_title.setText(
            f"Sessions today: {len(items.booked)} ({to_log} to log)"
            if items.booked
            else "Sessions today: none booked"
        )
        self.missed_title.setText(_missed_title(len(items.missed), items.missed_older))
        # nothing missed (the usual day): the title says so, the empty list takes no room
        for widget in (self.missed_table, self.log_late_button, self.move_missed_button):
            widget.setVisible(bool(items.missed))
        self.flags_title.setText(
            f"Red flags to review: {len(items.red_flags)}"
            if items.red_flags
            else "Red flags to review: none open"
        )
        self.assessments_title.setText(
            f"Assessments due or overdue: {len(items.assessments)}"
            if items.assessments
            else "Assessments due or overdue: none"
        )
        principal = self.services.principal
        for button, model, permission in (
            (self.log_button, self.sessions, Permission.SESSIONS),
            (self.move_button, self.sessions, Permission.SCHEDULE),
            (self.log_late_button, self.missed, Permission.SESSIONS),
            (self.move_missed_button, self.missed, Permission.SCHEDULE),
            (self.flag_button, self.flags, Permission.RED_FLAG_OUTCOME),
            (self.assess_button, self.assessments, Permission.OUTCOMES),
        ):
            permits.gate(button, principal, permission, enabled=bool(model.rows))
        permits.gate(self.book_button, principal, Permission.SCHEDULE, enabled=True)
        for title, table in (
            (self.sessions_title, self.sessions_table),
            (self.missed_title, self.missed_table),
            (self.flags_title, self.flags_table),
            (self.assessments_title, self.assessments_table),
        ):
            table.setAccessibleDescription(title.text())

    def log_current(self) -> None:
        _act(self.sessions_table, self.sessions, self.acts.log_session)

    def move_current(self) -> None:
        _act(self.sessions_table, self.sessions, self.acts.book)

    def log_missed(self) -> None:
        """Log the missed session late (the session form says which one it fills)."""
        _act(self.missed_table, self.missed, self.acts.log_session)

    def move_missed(self) -> None:
        _act(self.missed_table, self.missed, self.acts.book)

    def review_current(self) -> None:
        _act(self.flags_table, self.flags, self.acts.review_flag)

    def assess_current(self) -> None:
        _act(self.assessments_table, self.assessments, self.acts.record_assessment)

    def focus_first(self) -> None:
        """Focus the first list that has something to do (sessions, missed sessions, flags,
        assessments)."""
        for table, model in (
            (self.sessions_table, self.sessions),
            (self.missed_table, self.missed),
            (self.flags_table, self.flags),
            (self.assessments_table, self.assessments),
        ):
            if model.rows:
                table.setFocus(Qt.FocusReason.ShortcutFocusReason)
                return
        self.sessions_table.setFocus(Qt.FocusReason.ShortcutFocusReason)


def _missed_title(listed: int, older: int) -> str:
    """The missed group's title: how many it lists, and how many earlier ones it leaves out."""
    head = f"Missed / not logged in the last {MISSED_WINDOW_DAYS} days (clinic default)"
    text = f"{head}: {listed}" if listed else f"{head}: none"
    if older:
        text += f"; {older} earlier not shown (each patient's Sessions tab)"
    return text


class WeekPage(_Page):
    """A week's sessions, one column a day; reads ``services.schedule.week`` when shown."""

    object_name = "weekPage"

    def build(self) -> None:
        acts = self.acts
        self.monday: dt.date | None = None  # None: the current week
        self.model = WeekModel(self)
        self.heading = _section_title("weekHeading")
        self.table = ActTable(
            self.model, "weekSchedule", "Week schedule", self.log_current, cells=True
        )
        self.previous_button = _button("‹ Previous", "previousWeek", lambda: self.step(-1))
        self.previous_button.setToolTip("The week before")
        self.this_button = _button("This week", "thisWeek", self.this_week)
        self.next_button = _button("Next ›", "nextWeek", lambda: self.step(1))
        self.next_button.setToolTip("The week after")
        self.log_button = _button("&Log session…", "weekLogSession", self.log_current)
        self.book_button = _button("&Book session…", "weekBookSession", lambda: acts.book(None))
        permits.gate(self.book_button, self.services.principal, Permission.SCHEDULE, enabled=True)
        self.move_button = _button("&Move session…", "weekMoveSession", self.move_current)
        nav = QHBoxLayout()
        for b in (self.previous_button, self.this_button, self.next_button):
            nav.addWidget(b)
        nav.addStretch(1)
        layout = scrolled_column(self, frame=False)
        layout.addWidget(self.heading)
        layout.addLayout(nav)
        layout.addWidget(self.table, 1)
        layout.addLayout(_button_rows((self.log_button, self.move_button, self.book_button)))

    def shown_monday(self) -> dt.date:
        return self.monday if self.monday is not None else week_of(self.today())[0]

    def step(self, weeks: int) -> None:
        self.monday = self.shown_monday() + dt.timedelta(weeks=weeks)
        self.reload()

    def this_week(self) -> None:
        self.monday = None
        self.reload()

    def reload(self) -> None:
        monday = self.shown_monday()
        appointments = self.services.schedule.week(monday, today=self.today())
        self.model.set_week(monday, appointments)
        sunday = monday + dt.timedelta(days=6)
        self.heading.setText(
            f"Week of {long_date(monday)} to {short_day(sunday)}: "
            f"{len(appointments)} session{'' if len(appointments) == 1 else 's'}"
        )
        self.table.setAccessibleDescription(self.heading.text())
        # today's column is where the keyboard starts
        today = self.today()
        if monday <= today <= sunday:
            column = (today - monday).days
            if self.model.days[column]:
                self.table.setCurrentIndex(self.model.index(0, column))
        has = bool(appointments)
        principal = self.services.principal
        permits.gate(self.log_button, principal, Permission.SESSIONS, enabled=has)
        permits.gate(self.move_button, principal, Permission.SCHEDULE, enabled=has)
        permits.gate(self.book_button, principal, Permission.SCHEDULE, enabled=True)

    def current(self) -> Appointment | None:
        return self.model.appointment(self.table.currentIndex())

    def log_current(self) -> None:
        if (a := self.current()) is not None:
            self.acts.log_session(a)

    def move_current(self) -> None:
        if (a := self.current()) is not None:
            self.acts.book(a)


class TodayView(QTabWidget):
    """The home page: the Today and Week pages."""

    def __init__(
        self,
        services: Services,
        today: Callable[[], dt.date],
        acts: TodayActs,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("todayView")
        self.setAccessibleName("Today")
        self.day = DayPage(services, today, acts)
        self.week = WeekPage(services, today, acts)
        self.addTab(self.day, "Today")
        self.addTab(self.week, "Week")
        self.currentChanged.connect(self._focus_page)
        self._focus_page()

    def _focus_page(self, _index: int = 0) -> None:
        """Focusing the view focuses the page's list."""
        page = self.currentWidget()
        self.setFocusProxy(self.week.table if page is self.week else self.day.sessions_table)

    def load_when_visible(self) -> None:
        """Reload the page on screen now, the other when it is next shown."""
        self.day.load_when_visible()
        self.week.load_when_visible()

    def show_day(self) -> None:
        self.setCurrentWidget(self.day)
        self.day.focus_first()

    def show_week(self) -> None:
        self.setCurrentWidget(self.week)
        self.week.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
