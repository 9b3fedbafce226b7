"""Clinic settings: the clinic's name and contact details (report header, exercise sheet), the
clinician who signs the reports and the clinic logo, units,
the ODI missing-section rule, the progression's pain ceiling (a clinic default),
clinically-important-change thresholds (each shown with its source) and a licensed clinic's
questionnaire wording."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.domain.progression import PAIN_CEILING_DEFAULT
from rehab_tracker.domain.thresholds import DEFAULT_THRESHOLDS, Threshold
from rehab_tracker.services.container import Services
from rehab_tracker.services.settings import (
    LOCK_DEFAULT,
    LOCK_MAX,
    LOCK_MIN,
    LOGO_KEY,
    ClinicDetails,
    ClinicSettings,
    ReportSigner,
    check_clinic_details,
    check_lock_minutes,
    check_report_signer,
)
from rehab_tracker.ui.shell.actions import run_action
from rehab_tracker.ui.widgets import dialogs
from rehab_tracker.ui.widgets.fields import NumberField
from rehab_tracker.ui.widgets.forms import FieldForm, focus_first_error, name_button
from rehab_tracker.ui.widgets.scroll import scrolled

MISSING_RULES = (
    ("At most 1 section missing", 1),
    ("No section missing", 0),
    ("Any number missing", None),
    ("At most 2 sections missing", 2),
)


class SettingsDialog(QDialog):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("clinicSettings")
        self.setWindowTitle("Clinic settings")
        self.services = services
        #: the settings' versions when read (first: a save over a newer one is refused)
        self.versions = services.settings.versions()
        current = services.settings.load()
        scroll = scrolled(
            self._build_clinic_box(),
            self._build_general_form(),
            self._build_thresholds(current),
            self._build_wording(),
        )
        layout = QVBoxLayout(self)
        layout.addWidget(scroll)
        layout.addLayout(self._build_buttons())
        self._fill(current, services.settings.clinic_details())
        self._fill_report(services.settings.report_signer())
        dialogs.fit_to_screen(self, 1000, 720)

    def _fill(self, current: ClinicSettings, details: ClinicDetails) -> None:
        """Show the stored settings in the fields."""
        for key, edit in self.clinic.items():
            edit.setText(getattr(details, key))
        self.units.setCurrentIndex(0 if current.units == "metric" else 1)
        self.odi_rule.setCurrentIndex(
            next(i for i, (_t, v) in enumerate(MISSING_RULES) if v == current.odi_max_missing)
            if current.odi_max_missing in [v for _t, v in MISSING_RULES]
            else 0
        )
        self.pain_ceiling.setCurrentIndex(current.progression_pain_ceiling - 1)
        self.lock_minutes.setText(str(self.services.settings.lock_minutes()))
        for key, t in current.thresholds.items():
            self.absolute[key].set_value(t.absolute)
            self.relative[key].set_value(None if t.relative is None else round(t.relative * 100, 1))

    def _fill_report(self, signer: ReportSigner) -> None:
        """The signing clinician and whether a logo is stored."""
        self.signer["signer_name"].setText(signer.name)
        self.signer["signer_registration"].setText(signer.registration)
        logo = self.services.settings.clinic_logo()
        self.logo_status.setText(
            f"Logo: an image of {max(1, round(len(logo) / 1024))} KB is printed in the report "
            "header."
            if logo
            else "Logo: none (the report header shows the clinic name only)."
        )
        self.remove_logo_button.setEnabled(logo is not None)

    def reload(self) -> None:
        """Show the settings as saved now (another workstation changed them meanwhile)."""
        self.versions = self.services.settings.versions()
        self._fill(self.services.settings.load(), self.services.settings.clinic_details())
        self._fill_report(self.services.settings.report_signer())
        self.clinic_form.show_errors({})
        self.banner.setText("")

    def _build_clinic_box(self) -> QGroupBox:
        """The clinic's name and contact details, in ``self.clinic_form``."""
        clinic_box = QGroupBox("Clinic")
        clinic_layout = QVBoxLayout(clinic_box)
        hint = QLabel(
            "Printed in the progress report header and on the home exercise sheet; the signing "
            "clinician and registration number above the report's signature line."
        )
        hint.setWordWrap(True)
        clinic_layout.addWidget(hint)
        self.clinic_form = FieldForm()
        self.clinic: dict[str, QLineEdit] = {}
        for key, label, placeholder in (
            ("name", "Clinic &name", "e.g. Riverside Physiotherapy"),
            ("address", "&Address", "street, town, postcode"),
            ("phone", "&Phone", "e.g. +44 20 7946 0000"),
            ("email", "&Email", "e.g. reception@clinic.example"),
        ):
            edit = QLineEdit()
            edit.setObjectName(f"clinic_{key}")
            edit.setPlaceholderText(placeholder)
            self.clinic[key] = self.clinic_form.add(key, label, edit)
        # the clinician who signs the reports (until clinic sign-in names the signed-in user)
        self.signer: dict[str, QLineEdit] = {}
        for key, label, placeholder in (
            ("signer_name", "Signing clin&ician", "printed above the report's signature line"),
            ("signer_registration", "Re&gistration number", "e.g. HCPC PH123456"),
        ):
            edit = QLineEdit()
            edit.setObjectName(key)
            edit.setPlaceholderText(placeholder)
            self.signer[key] = self.clinic_form.add(key, label, edit)
        clinic_layout.addWidget(self.clinic_form)
        clinic_layout.addLayout(self._build_logo_row())
        return clinic_box

    def _build_logo_row(self) -> QHBoxLayout:
        """Whether a logo is stored, and the buttons that choose or remove it."""
        self.logo_status = QLabel()
        self.logo_status.setObjectName("logoStatus")
        self.logo_status.setAccessibleName("Logo status")
        self.logo_status.setWordWrap(True)
        choose = name_button(QPushButton("Choose &logo…"), "chooseLogo")
        choose.clicked.connect(self.choose_logo)
        self.remove_logo_button = name_button(QPushButton("Remo&ve logo"), "removeLogo")
        self.remove_logo_button.clicked.connect(self.remove_logo)
        row = QHBoxLayout()
        row.addWidget(self.logo_status, 1)
        row.addWidget(choose)
        row.addWidget(self.remove_logo_button)
        return row

    def choose_logo(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Choose the clinic logo", "", "Images (*.png *.jpg *.jpeg)"
        )
        if path:
            self.import_logo(Path(path))

    def import_logo(self, path: Path) -> bool:
        """Store the image at ``path`` as the clinic's logo (saved at once, like a wording
        file)."""
        try:
            data = path.read_bytes()
        except OSError as exc:
            dialogs.error(self, "Clinic logo", f"Cannot read {path}: {exc}")
            return False
        return self._store_logo(data)

    def remove_logo(self) -> None:
        self._store_logo(None)

    def _store_logo(self, data: bytes | None) -> bool:
        def store() -> None:
            self.services.settings.set_clinic_logo(
                data, expected_version=self.versions.get(LOGO_KEY, 0)
            )

        if not run_action(self, store, title="Clinic logo", on_conflict=self.reload):
            return False
        # the logo's new version; the other settings keep the versions this form read
        self.versions = {k: v for k, v in self.versions.items() if k != LOGO_KEY}
        stored = self.services.settings.versions()
        if LOGO_KEY in stored:
            self.versions[LOGO_KEY] = stored[LOGO_KEY]
        self._fill_report(self.services.settings.report_signer())
        return True

    def _build_general_form(self) -> FieldForm:
        """Units, the ODI missing-section rule and the pain ceiling, in ``self.form`` (their
        values: :meth:`_fill`)."""
        form = FieldForm()
        self.units = form.add("units", "&Units", QComboBox())
        self.units.addItem("Metric (metres, kg)", "metric")
        self.units.addItem("Imperial (feet, lb)", "imperial")
        self.odi_rule = form.add("odi_max_missing", "&ODI missing sections", QComboBox())
        for text, value in MISSING_RULES:
            self.odi_rule.addItem(text, value)
        self.pain_ceiling = form.add(
            "progression_pain_ceiling", "Pain &ceiling for progression", QComboBox()
        )
        for value in range(1, 11):
            default = " (clinic default)" if value == PAIN_CEILING_DEFAULT else ""
            self.pain_ceiling.addItem(f"{value}/10{default}", value)
        self.pain_ceiling.setToolTip(
            "Back or leg pain at or above this, before or after a session, holds an exercise "
            "at its dose instead of progressing it."
        )
        self.lock_minutes = form.add(
            "lock_minutes", f"Loc&k after (minutes; clinic default {LOCK_DEFAULT})", QLineEdit()
        )
        self.lock_minutes.setObjectName("lockMinutes")
        self.lock_minutes.setToolTip(
            f"The window locks after this many minutes without use ({LOCK_MIN}-{LOCK_MAX})."
        )
        self.form = form
        return form

    def typed_lock_minutes(self) -> object:
        """The idle time as typed: a whole number, else the text (the check refuses it)."""
        text = self.lock_minutes.text().strip()
        return int(text) if text.isdigit() else text

    def _build_thresholds(self, current: ClinicSettings) -> QGroupBox:
        """One row per measure: its absolute and relative thresholds and their source."""
        box = QGroupBox("Clinically important change")
        grid = QGridLayout(box)
        for col, text in enumerate(("Measure", "Absolute", "Relative (%)", "Source")):
            grid.addWidget(QLabel(f"<b>{text}</b>"), 0, col)
        self.absolute: dict[str, NumberField] = {}
        self.relative: dict[str, NumberField] = {}
        self.sources: dict[str, QLabel] = {}
        for row, (key, t) in enumerate(current.thresholds.items(), 1):
            grid.addWidget(QLabel(t.label), row, 0)
            a, r, source = self._threshold_row(key, t)
            grid.addWidget(a.with_error(), row, 1)
            grid.addWidget(r.with_error(), row, 2)
            grid.addWidget(source, row, 3)
            self.absolute[key], self.relative[key], self.sources[key] = a, r, source
        grid.setColumnStretch(3, 1)
        reset = QPushButton("&Reset thresholds to the shipped defaults")
        reset.clicked.connect(self.reset_thresholds)
        grid.addWidget(reset, len(current.thresholds) + 1, 0, 1, 4)
        return box

    @staticmethod
    def _threshold_row(key: str, t: Threshold) -> tuple[NumberField, NumberField, QLabel]:
        a = NumberField(
            f"{t.label} absolute threshold ({t.unit})",
            low=0,
            high=1000,
            integer=False,
            low_inclusive=False,
            message=f"A number above 0 {t.unit}.",
        )
        a.setObjectName(f"threshold_{key}_absolute")
        r = NumberField(
            f"{t.label} relative threshold (%)",
            low=0,
            high=100,
            integer=False,
            low_inclusive=False,
            message="A percentage between 0 and 100, or empty.",
        )
        r.setObjectName(f"threshold_{key}_relative")
        source = QLabel(t.source)
        source.setWordWrap(True)
        source.setAccessibleName(f"{t.label} threshold source")
        return a, r, source

    def _build_wording(self) -> QGroupBox:
        """Which questionnaire wording is loaded, and the buttons that load one."""
        wording = QGroupBox("Licensed questionnaire wording")
        wl = QVBoxLayout(wording)
        self.wording_status = QLabel()
        self.wording_status.setWordWrap(True)
        self.wording_status.setAccessibleName("Wording status")
        wl.addWidget(self.wording_status)
        row_buttons = QHBoxLayout()
        for instrument, text in (("odi", "Load ODI &wording…"), ("rmdq", "Load RM&DQ wording…")):
            b = name_button(QPushButton(text))
            b.clicked.connect(lambda _c=False, i=instrument: self.choose_wording(i))
            row_buttons.addWidget(b)
        wl.addLayout(row_buttons)
        self._show_wording()
        return wording

    def _build_buttons(self) -> QHBoxLayout:
        """The message banner, Cancel and Save."""
        self.banner = QLabel()
        self.banner.setStyleSheet("color: #b00020;")
        self.banner.setWordWrap(True)
        save = QPushButton("&Save")
        save.setObjectName("saveSettings")
        save.setDefault(True)
        save.clicked.connect(self.save)
        cancel = QPushButton("Cancel")
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.banner, 1)
        buttons.addWidget(cancel)
        buttons.addWidget(save)
        return buttons

    def _show_wording(self) -> None:
        s = self.services.settings.load()
        parts = []
        for name, w in (("ODI", s.odi_wording), ("RMDQ", s.rmdq_wording)):
            parts.append(
                f"{name}: licensed wording loaded ({w.licence or 'no licence reference'})"
                if w is not None
                else f"{name}: neutral labels (no wording loaded)"
            )
        self.wording_status.setText(". ".join(parts) + ".")

    def reset_thresholds(self) -> None:
        for key, t in DEFAULT_THRESHOLDS.items():
            self.absolute[key].set_value(t.absolute)
            self.relative[key].set_value(None if t.relative is None else t.relative * 100)

    def choose_wording(self, instrument: str) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, f"Load {instrument.upper()} wording", "", "Wording files (*.json)"
        )
        if path:
            self.import_wording(instrument, Path(path))

    def import_wording(self, instrument: str, path: Path) -> bool:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            dialogs.error(self, "Load wording", f"Cannot read {path}: {exc}")
            return False
        if not run_action(self, lambda: self.services.settings.import_wording(instrument, text),
                          title="Load wording"):
            return False
        self._show_wording()
        return True

    def clinic_details(self) -> ClinicDetails:
        return ClinicDetails(**{key: edit.text() for key, edit in self.clinic.items()})

    def report_signer(self) -> ReportSigner:
        return ReportSigner(
            self.signer["signer_name"].text(), self.signer["signer_registration"].text()
        )

    def _checked_clinic(self) -> tuple[ClinicDetails, ReportSigner]:
        """The clinic details and the signer as typed, checked together: one ValidationError
        with every field's problem."""
        problems: dict[str, str] = {}
        details = signer = None
        try:
            details = check_clinic_details(self.clinic_details())
        except ValidationError as exc:
            problems.update(exc.errors)
        try:
            signer = check_report_signer(self.report_signer())
        except ValidationError as exc:
            problems.update(exc.errors)
        if problems or details is None or signer is None:
            raise ValidationError(problems)
        return details, signer

    def save(self) -> None:
        # nothing is saved until every part is valid: the clinic details are checked first
        def refused(errors: dict[str, str]) -> None:
            self.clinic_form.show_errors(errors)
            self.banner.setText("Fix the clinic details marked in red.")

        checked = run_action(self, self._checked_clinic, form=refused)
        if not checked:
            return
        details, signer = checked.value
        self.clinic_form.show_errors({})
        problems = [
            f.problem() for f in [*self.absolute.values(), *self.relative.values()] if f.problem()
        ]
        if problems:
            self.banner.setText("Fix the thresholds marked in red.")
            focus_first_error(self)
            return
        overrides = self._threshold_overrides()
        try:
            lock_minutes = check_lock_minutes(self.typed_lock_minutes())
        except ValidationError as exc:
            self.form.show_errors(exc.errors)
            self.banner.setText("Fix the settings marked in red.")
            focus_first_error(self)
            return
        self.form.show_errors({})

        def write() -> None:  # one unit of work: all of it saved, or none; refused if stale
            self.services.settings.save_clinic_settings(
                details,
                units=self.units.currentData(),
                odi_max_missing=self.odi_rule.currentData(),
                pain_ceiling=self.pain_ceiling.currentData(),
                threshold_overrides=overrides,
                expected_versions=self.versions,
                signer=signer,
                lock_minutes=lock_minutes,
            )

        def show(errors: dict[str, str]) -> None:
            self.banner.setText(" ".join(errors.values()))  # the messages, not the keys

        if run_action(self, write, form=show, on_conflict=self.reload):
            self.accept()

    def _threshold_overrides(self) -> dict[str, dict[str, float | None]]:
        """The thresholds that differ from the published defaults, per measure (relative as a
        fraction)."""
        overrides: dict[str, dict[str, float | None]] = {}
        for key, default in DEFAULT_THRESHOLDS.items():
            absolute = self.absolute[key].value()
            rel = self.relative[key].value()
            relative = None if rel is None else rel / 100.0
            change: dict[str, float | None] = {}
            if absolute is not None and abs(absolute - default.absolute) > 1e-9:
                change["absolute"] = absolute
            if relative != default.relative and not (
                relative is not None
                and default.relative is not None
                and abs(relative - default.relative) < 1e-9
            ):
                change["relative"] = relative
            if change:
                overrides[key] = change
        return overrides
