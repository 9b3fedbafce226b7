"""The patient dialog's surgeon restrictions: one small form per restriction, Add and Remove.

Each restriction has its kind (lifting limit, no loaded forward bending, no twisting, sitting
limit, free text), a limit where the kind has one (kg or minutes), the dates it runs from and
to, the surgeon's words and who set it. The rules are the domain's
(:func:`rehab_tracker.domain.restrictions.restriction_errors`); errors show under their field,
keyed ``restrictions[i].<field>`` as the service reports them. The dialog saves the list with
the patient in one unit of work.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QGroupBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from rehab_tracker.domain.restrictions import KINDS, Restriction, restrictions_errors
from rehab_tracker.domain.units import format_number
from rehab_tracker.ui.widgets.date_field import DateField, date_problems
from rehab_tracker.ui.widgets.forms import FieldForm, name_widget, push_button

FIELDS = ("kind", "limit", "starts_on", "until", "detail", "set_by")
_NOT_A_NUMBER = "Enter a number, like 5 or 2.5."


class RestrictionRow(QGroupBox):
    """One restriction's fields and its Remove button."""

    changed = Signal()

    def __init__(self, number: int, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(f"Restriction {number}", parent)
        self.setObjectName(f"restriction{number}")
        self.restriction_id: uuid.UUID | None = None
        f = self.form = FieldForm()
        self.kind = f.add("kind", "Kind", QComboBox())
        for code, kind in KINDS.items():
            self.kind.addItem(kind.label, code)
        self.limit = f.add("limit", "Limit", QLineEdit())
        self.starts_on = f.add("starts_on", "Starts", DateField(today))
        self.until = f.add("until", "Ends", DateField(optional=True))
        self.detail = f.add("detail", "Surgeon's words", QLineEdit())
        self.set_by = f.add("set_by", "Set by", QLineEdit("surgeon"))
        self.remove_button = push_button("Remove", f"removeRestriction{number}")
        self.remove_button.setAutoDefault(False)  # Enter in the dialog saves, never removes
        layout = QVBoxLayout(self)
        layout.addWidget(f)
        layout.addWidget(self.remove_button)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        for edit in (self.limit, self.detail, self.set_by):
            edit.textEdited.connect(self.changed)
        for date in (self.starts_on, self.until):
            date.dateChanged.connect(self.changed)
        self.kind.currentIndexChanged.connect(self.changed)
        self._kind_changed()

    def _kind_changed(self, *_args: object) -> None:
        """The limit row shows the kind's unit, and only for a kind that has a limit."""
        kind = KINDS[self.kind.currentData()]
        label = f"Limit ({kind.unit})" if kind.has_limit else "Limit"
        self.form.labels["limit"].setText(label)
        name_widget(self.limit, label)
        self.form.set_row_visible("limit", kind.has_limit)
        if not kind.has_limit:
            self.limit.clear()

    def set_value(self, r: Restriction) -> None:
        self.restriction_id = r.id
        self.kind.setCurrentIndex(max(self.kind.findData(r.kind), 0))
        self.limit.setText("" if r.limit is None else format_number(r.limit, 2))
        if r.starts_on is not None:
            self.starts_on.set_value(r.starts_on)
        self.until.set_value(r.until)
        self.detail.setText(r.detail)
        self.set_by.setText(r.set_by)

    def value(self) -> tuple[Restriction, str | None]:
        """The restriction as typed, and the limit's error when it is not a number."""
        text = self.limit.text().strip().replace(",", ".")
        limit: float | None = None
        problem = None
        if text:
            try:
                limit = float(text)
            except ValueError:
                problem = _NOT_A_NUMBER
        r = Restriction(
            kind=self.kind.currentData(),
            until=self.until.value(),
            limit=limit,
            detail=self.detail.text(),
            starts_on=self.starts_on.value(),
            set_by=self.set_by.text(),
            id=self.restriction_id,
        )
        return r, problem


class RestrictionsEditor(QGroupBox):
    """Every restriction of the patient, in order; ``changed`` on any edit."""

    changed = Signal()

    def __init__(self, today: Callable[[], dt.date], parent: QWidget | None = None) -> None:
        super().__init__("Surgeon restrictions", parent)
        self.setObjectName("restrictionsBox")
        self.today = today
        self.rows: list[RestrictionRow] = []
        self.hint = QLabel(
            "Limits the surgeon gave, each with the date it ends. Suggestions never go past "
            "one; prescribing a dose that does needs a reason."
        )
        self.hint.setWordWrap(True)
        self.add_button = push_button("Add restriction", "addRestriction")
        self.add_button.setAutoDefault(False)  # Enter in the dialog saves
        self.add_button.clicked.connect(self._add_clicked)
        self.column = QVBoxLayout()
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addLayout(self.column)
        layout.addWidget(self.add_button)

    def _add_clicked(self) -> None:
        row = self.add_row()
        row.kind.setFocus()
        self.changed.emit()

    def add_row(self, value: Restriction | None = None) -> RestrictionRow:
        row = RestrictionRow(len(self.rows) + 1, self.today())
        if value is not None:
            row.set_value(value)
        row.changed.connect(self.changed)
        row.remove_button.clicked.connect(lambda: self.remove_row(row))
        self.rows.append(row)
        self.column.addWidget(row)
        return row

    def remove_row(self, row: RestrictionRow) -> None:
        """Take the restriction out of the list (removed from the patient on Save)."""
        values = [r.value()[0] for r in self.rows if r is not row]
        self.set_items(values)
        self.add_button.setFocus()
        self.changed.emit()

    def set_items(self, items: Sequence[Restriction]) -> None:
        for row in self.rows:
            self.column.removeWidget(row)
            row.deleteLater()
        self.rows = []
        for item in items:
            self.add_row(item)

    def items(self) -> list[Restriction]:
        return [row.value()[0] for row in self.rows]

    def errors(self) -> dict[str, str]:
        """Every problem of the restrictions as typed, keyed ``restrictions[i].<field>``."""
        errors: dict[str, str] = {}
        for i, row in enumerate(self.rows):
            _value, problem = row.value()
            if problem is not None:
                errors[f"restrictions[{i}].limit"] = problem
        errors |= self.date_problems()
        for key, message in restrictions_errors(self.items(), today=self.today()).items():
            errors.setdefault(key, message)
        return errors

    def date_problems(self) -> dict[str, str]:
        """The dates typed that are not dates, keyed ``restrictions[i].<field>``."""
        return {
            f"restrictions[{i}].{key}": message
            for i, row in enumerate(self.rows)
            for key, message in date_problems(row.form.fields).items()
        }

    def show_errors(self, errors: dict[str, str]) -> None:
        for i, row in enumerate(self.rows):
            prefix = f"restrictions[{i}]."
            row.form.show_errors(
                {k[len(prefix):]: v for k, v in errors.items() if k.startswith(prefix)}
            )

    def shown_keys(self) -> set[str]:
        """The keys of the errors showing now (the live check re-checks only these)."""
        return {
            f"restrictions[{i}].{key}"
            for i, row in enumerate(self.rows)
            for key, label in row.form.errors.items()
            if label.text()
        }

