"""Save a patient's program as a clinic template: code and name, errors at the fields."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from rehab_tracker.services.container import Services
from rehab_tracker.services.programs import ProgramDetail
from rehab_tracker.ui.shell.actions import run_action
from rehab_tracker.ui.widgets.forms import FieldForm


class SaveTemplateDialog(QDialog):
    """Code and name for saving the program as a clinic template; errors at the fields."""

    def __init__(
        self, services: Services, program: ProgramDetail, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("saveTemplateDialog")
        self.setWindowTitle("Save as template")
        self.services = services
        self.program = program
        self.saved_code: str | None = None
        self.form = FieldForm()
        self.code_edit = self.form.add("code", "&Code", QLineEdit())
        self.code_edit.setPlaceholderText("e.g. clinic-usc-gentle")
        self.name_edit = self.form.add("name", "&Name", QLineEdit(f"{program.name} (clinic)"))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        note = QLabel(
            "The template keeps the phases and the current dosages (the same for both "
            "intensities); the sources of the original template travel with it."
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addWidget(self.form)
        layout.addWidget(buttons)

    def accept(self) -> None:
        done = run_action(
            self,
            lambda: self.services.programs.save_as_template(
                self.program.id, self.code_edit.text().strip(), self.name_edit.text()
            ),
            form=self.form,
        )
        if not done:
            return
        self.saved_code = done.value
        super().accept()
