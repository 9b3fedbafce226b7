"""The builder's first page, for a patient without a program: choose the template, intensity,
start date and training weekdays (and an early start's reason); see the schedule and warnings
before the program is created."""

from __future__ import annotations

import datetime as dt
import html
import uuid
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.services.container import Services
from rehab_tracker.services.errors import ServiceError
from rehab_tracker.services.programs import TemplateInfo
from rehab_tracker.ui.program.builder.reason_dialog import RestrictionReasonDialog
from rehab_tracker.ui.shell.actions import run_action
from rehab_tracker.ui.widgets.date_field import DateField
from rehab_tracker.ui.widgets.forms import (
    WARNING_STYLE,
    FieldForm,
    focus_first_error,
    name_widget,
    text_label,
)
from rehab_tracker.ui.widgets.scroll import scrolled

WEEKDAY_LABELS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
DEFAULT_WEEKDAYS = (0, 2, 4)
#: what the page says when the reason for a dose past a restriction is not given
NO_REASON = "Not created: a template dose goes past a surgeon restriction and no reason was given."


def esc(text: str) -> str:
    """``text`` safe inside a rich-text label."""
    return html.escape(text, quote=False)


def template_sources_html(info: TemplateInfo) -> str:
    """The template's dosage note and its sources, as rich text."""
    sources = "".join(f"<li>{esc(s)}</li>" for s in info.sources)
    return (
        f"<p><b>Dosages are clinic defaults.</b> {esc(info.dosage_note)}</p>"
        f"<p>Sources:</p><ul>{sources}</ul>"
    )


class CreatePage(QWidget):
    """Template, intensity, start date, weekdays, early-start reason; preview and warnings."""

    def __init__(
        self,
        services: Services,
        patient_id: uuid.UUID,
        today: Callable[[], dt.date],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.patient_id = patient_id
        self.today = today
        self.templates: list[TemplateInfo] = services.programs.templates()
        self.form = FieldForm()
        self._build_template_fields()
        start = services.programs.suggested_start(patient_id, today=today())
        self.start_edit = self.form.add("start_date", "&Start date (education day)",
                                        DateField(start))
        self._build_weekdays()
        self._build_early_start()
        self.preview_label = text_label("schedulePreview", "Schedule")
        self.warnings_label = text_label("planWarnings", "Warnings", style=WARNING_STYLE)
        self.info_label = text_label("templateInfo", "About the template", rich=True)
        self.create_button = QPushButton("&Create program")
        self.create_button.setObjectName("createProgram")
        self.create_button.setDefault(True)
        name_widget(self.create_button, "Create program")
        self._build_layout()

        self.template_combo.currentIndexChanged.connect(self._template_changed)
        self.intensity_combo.currentIndexChanged.connect(self.update_preview)
        self.start_edit.dateChanged.connect(self.update_preview)
        self.early_check.toggled.connect(self._early_toggled)
        self.reason_edit.textChanged.connect(lambda _t: self.form.show_errors({}))
        self._early_needed = False
        self._template_changed()

    # --- building --------------------------------------------------------------------------------

    def _build_template_fields(self) -> None:
        combo = QComboBox()
        # the row's width where there is room (a template's name is long), 24 characters at least
        combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.template_combo = self.form.add("template", "&Template", combo)
        self.template_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.template_combo.setMinimumContentsLength(24)
        for t in self.templates:
            self.template_combo.addItem(t.name, t.code)
            self.template_combo.setItemData(
                self.template_combo.count() - 1, t.name, Qt.ItemDataRole.ToolTipRole
            )
        self.intensity_combo = self.form.add("intensity", "&Intensity", QComboBox())

    def _build_weekdays(self) -> None:
        days = QWidget()
        row = QHBoxLayout(days)
        row.setContentsMargins(0, 0, 0, 0)
        self.weekday_boxes: list[QCheckBox] = []
        for i, label in enumerate(WEEKDAY_LABELS):
            box = QCheckBox(label)
            box.setObjectName(f"weekday{i}")
            box.setAccessibleName(label)
            box.setChecked(i in DEFAULT_WEEKDAYS)
            box.toggled.connect(self.update_preview)
            self.weekday_boxes.append(box)
            row.addWidget(box)
        row.addStretch(1)
        self.form.add("weekdays", "Training &weekdays", days, buddy=self.weekday_boxes[0])

    def _build_early_start(self) -> None:
        self.early_check = QCheckBox("Start &early (before the usual weeks after surgery)")
        self.early_check.setObjectName("earlyStart")
        name_widget(self.early_check, self.early_check.text())
        self.form.add("early_start", "", self.early_check)
        self.reason_edit = self.form.add(
            "early_start_reason", "Early start &reason", QLineEdit()
        )
        self.reason_edit.setObjectName("earlyStartReason")

    def _build_layout(self) -> None:
        info_box = QGroupBox("About the template")
        QVBoxLayout(info_box).addWidget(self.info_label)
        scroll = scrolled(
            self.form, self.preview_label, self.warnings_label, info_box, stretch=True
        )
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll, 1)
        self.bottom = QHBoxLayout()
        self.bottom.addStretch(1)
        self.bottom.addWidget(self.create_button)
        outer.addLayout(self.bottom)

    # --- the choices -----------------------------------------------------------------------------

    def template(self) -> TemplateInfo | None:
        code = self.template_combo.currentData()
        return next((t for t in self.templates if t.code == code), None)

    def _template_changed(self) -> None:
        info = self.template()
        self.intensity_combo.blockSignals(True)
        self.intensity_combo.clear()
        if info is not None:
            for code, name in info.variants:
                self.intensity_combo.addItem(name, code)
            self.info_label.setText(
                f"<p>{esc(info.description)}</p>{template_sources_html(info)}"
            )
        self.intensity_combo.blockSignals(False)
        self.update_preview()

    def weekdays(self) -> tuple[int, ...]:
        return tuple(i for i, box in enumerate(self.weekday_boxes) if box.isChecked())

    def _early_toggled(self, checked: bool) -> None:
        self.reason_edit.setEnabled(checked and self._early_needed)
        if checked:
            self.reason_edit.setFocus()
        self.update_preview()

    def early_reason(self) -> str | None:
        if self._early_needed and self.early_check.isChecked():
            return self.reason_edit.text().strip() or None
        return None

    def update_preview(self) -> None:
        info = self.template()
        start = self.start_edit.value()
        if info is None or start is None:
            self.form.show_error("start_date", self.start_edit.problem() or "")
            self.create_button.setEnabled(False)
            return
        try:
            preview = self.services.programs.preview(
                self.patient_id,
                info.code,
                self.intensity_combo.currentData() or "high",
                start,
                today=self.today(),
                early_start_reason="(checking)",
                weekdays=self.weekdays(),
            )
        except ValidationError as exc:
            self._early_needed = False
            self.preview_label.setText("")
            self.warnings_label.setText("")
            self.form.show_errors(exc.errors)
            self.create_button.setEnabled(False)
            self._sync_early()
            return
        except ServiceError as exc:
            self.form.show_errors({"template": str(exc)})
            self.create_button.setEnabled(False)
            return
        self.form.show_errors({})
        self._early_needed = preview.early_start
        phases = "; ".join(
            f"{name}: {a.isoformat()} to {b.isoformat()}" for name, a, b in preview.phases
        )
        self.preview_label.setText(
            f"{preview.sessions} exercise sessions from {preview.exercise_start.isoformat()} "
            f"to {preview.end_date.isoformat()}. {phases}."
        )
        warnings = list(preview.warnings)
        if preview.early_start:
            warnings.insert(
                0,
                f"This start is earlier than {info.start_weeks_min} weeks after surgery: "
                "tick 'Start early' and give the reason to go ahead.",
            )
        self.warnings_label.setText("\n".join(warnings))
        self.warnings_label.setVisible(bool(warnings))
        self._sync_early()
        self.create_button.setEnabled(bool(self.weekdays()))

    def _sync_early(self) -> None:
        self.early_check.setEnabled(self._early_needed)
        self.reason_edit.setEnabled(self._early_needed and self.early_check.isChecked())

    def submit(self) -> uuid.UUID | None:
        info = self.template()
        start = self.start_edit.value()
        if info is None or start is None:
            return None

        def refused(errors: dict[str, str]) -> None:
            if "start_date" in errors and self._early_needed:
                errors["early_start_reason"] = "Give the reason for starting early."
            self.form.show_errors(errors)

        choice = run_action(self, lambda: self._restriction_choice(info.code, start),
                            title="Build program", form=refused)
        if not choice:
            return None
        if choice.value is None:
            self.form.show_errors({"restriction_reason": NO_REASON})
            focus_first_error(self)
            return None
        within, reason = choice.value
        done = run_action(
            self,
            lambda: self.services.programs.create_from_template(
                self.patient_id,
                info.code,
                self.intensity_combo.currentData() or "high",
                start,
                today=self.today(),
                early_start_reason=self.early_reason(),
                weekdays=self.weekdays(),
                restriction_reason=reason,
                within_limits=within,
            ),
            title="Build program",
            form=refused,
        )
        return done.value if done else None

    def _restriction_choice(
        self, template_code: str, start: dt.date
    ) -> tuple[bool, str | None] | None:
        """How to create when template doses go past a restriction: (lower the doses to the
        limits, the reason for what is still past one); None when the therapist cancels."""
        within = False
        while True:
            breaches = self.services.programs.template_breaches(
                self.patient_id,
                template_code,
                self.intensity_combo.currentData() or "high",
                start,
                today=self.today(),
                early_start_reason=self.early_reason(),
                weekdays=self.weekdays(),
                within_limits=within,
            )
            if not breaches:
                return within, None
            dialog = RestrictionReasonDialog(
                breaches, list(breaches.values()), self, can_lower=not within
            )
            if not dialog.exec():
                return None
            if not dialog.lowered:
                return within, dialog.reason
            within = True
