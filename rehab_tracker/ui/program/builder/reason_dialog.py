"""Ask why a dose goes past a surgeon restriction before the builder saves it.

Lists each new or changed dose that goes past a restriction in force and asks for one reason
(for example "the surgeon agreed 8 kg at the 4-week review"). The reason is checked by the
service's rule (:func:`rehab_tracker.services.programs.restricted.checked_reason`): blank or too
long is refused at the field and nothing is saved. The builder then saves with the reason, which
is stored on each such prescription and so in the audit trail.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.services.programs.restricted import checked_reason
from rehab_tracker.ui.widgets import dialogs
from rehab_tracker.ui.widgets.forms import FieldForm
from rehab_tracker.ui.widgets.scroll import scroll_area


class RestrictionReasonDialog(QDialog):
    """The breaches (``key -> what it goes past``, as the service names them) and a reason."""

    def __init__(
        self,
        breaches: dict[str, str],
        lines: list[str],
        parent: QWidget | None = None,
        *,
        can_lower: bool = False,
    ) -> None:
        """``can_lower`` adds "Lower the doses to the limits" (a new program: its loads and
        sitting times can be brought down to the limits instead; :attr:`lowered` is then True)."""
        super().__init__(parent)
        self.setObjectName("restrictionReasonDialog")
        self.setWindowTitle("Dose past a surgeon restriction")
        self.breaches = breaches
        self.reason: str | None = None
        intro = QLabel(
            "These doses go past a restriction the surgeon set. Lower them, or say why they "
            "are right for this patient (the reason is kept with the prescription):"
        )
        intro.setWordWrap(True)
        listing = QLabel("\n".join(f"- {line}" for line in lines))
        listing.setObjectName("restrictionBreaches")
        listing.setWordWrap(True)
        listing.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.form = FieldForm()
        self.reason_edit = self.form.add("restriction_reason", "&Reason", QPlainTextEdit())
        self.reason_edit.setTabChangesFocus(True)
        # four lines for the reason: the list of doses above takes the rest of the height
        self.reason_edit.setMaximumHeight(self.reason_edit.fontMetrics().lineSpacing() * 4 + 16)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("Save with this reason")
        self.save_button.setAccessibleName("Save with this reason")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        #: the choice to lower the loads and sitting times instead of giving a reason
        self.lowered = False
        self.lower_button: QPushButton | None = None
        if can_lower:
            self.lower_button = self.buttons.addButton(
                "&Lower the doses to the limits", QDialogButtonBox.ButtonRole.ActionRole
            )
            self.lower_button.setAccessibleName("Lower the doses to the limits")
            self.lower_button.clicked.connect(self._lower)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(scroll_area(listing, frame=False), 1)  # a long list scrolls at 200%
        layout.addWidget(self.form)
        layout.addWidget(self.buttons)
        dialogs.fit_to_screen(self, 720, 520)
        self.reason_edit.setFocus()

    def _lower(self) -> None:
        """Lower what can be lowered; a movement a restriction rules out is asked again."""
        self.lowered = True
        super().accept()

    def accept(self) -> None:
        try:
            self.reason = checked_reason(self.reason_edit.toPlainText(), self.breaches)
        except ValidationError as exc:
            self.form.show_errors(
                {"restriction_reason": exc.errors.get("restriction_reason", str(exc))}
            )
            self.reason_edit.setFocus()
            return
        super().accept()
