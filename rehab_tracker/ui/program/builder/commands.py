"""The builder's undo commands: every edit of a phase is one of these on the dialog's QUndoStack.

A command only calls the model's (or the phase editor's) ``apply_*`` / ``*_item`` methods, which
change the data and tell the views; it never pushes further commands.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QUndoCommand

from rehab_tracker.domain.dosage import Dosage
from rehab_tracker.services.programs import PrescriptionDraft
from rehab_tracker.ui.program.builder.cells import HEADER, item_name

if TYPE_CHECKING:
    from rehab_tracker.ui.program.builder.model import PrescriptionModel
    from rehab_tracker.ui.program.builder.phase_editor import PhaseEditor


class SetCellCommand(QUndoCommand):
    def __init__(self, model: PrescriptionModel, row: int, key: str, old: Any, new: Any) -> None:
        super().__init__(f"change {HEADER[key]} of {item_name(model.items[row])}")
        self.model, self.row, self.key, self.old, self.new = model, row, key, old, new

    def redo(self) -> None:
        self.model.apply_cell(self.row, self.key, self.new)

    def undo(self) -> None:
        self.model.apply_cell(self.row, self.key, self.old)


class SetDosageCommand(QUndoCommand):
    def __init__(
        self, model: PrescriptionModel, row: int, old: Dosage, new: Dosage, text: str
    ) -> None:
        super().__init__(text)
        self.model, self.row, self.old, self.new = model, row, old, new

    def redo(self) -> None:
        self.model.apply_dosage(self.row, self.new)

    def undo(self) -> None:
        self.model.apply_dosage(self.row, self.old)


class InsertRowCommand(QUndoCommand):
    def __init__(self, model: PrescriptionModel, row: int, item: PrescriptionDraft) -> None:
        super().__init__(f"add {item_name(item)}")
        self.model, self.row, self.item = model, row, item

    def redo(self) -> None:
        self.model.insert_item(self.row, self.item)

    def undo(self) -> None:
        self.model.remove_item(self.row)


class RemoveRowCommand(QUndoCommand):
    def __init__(self, model: PrescriptionModel, row: int) -> None:
        self.item = model.items[row]
        super().__init__(f"remove {item_name(self.item)}")
        self.model, self.row = model, row

    def redo(self) -> None:
        self.model.remove_item(self.row)

    def undo(self) -> None:
        self.model.insert_item(self.row, self.item)


class MoveRowCommand(QUndoCommand):
    def __init__(self, model: PrescriptionModel, row: int, to: int) -> None:
        super().__init__(f"move {item_name(model.items[row])}")
        self.model, self.row, self.to = model, row, to

    def redo(self) -> None:
        self.model.move_item(self.row, self.to)

    def undo(self) -> None:
        self.model.move_item(self.to, self.row)


class PhaseFieldCommand(QUndoCommand):
    """A phase's name, start or end date changed in its editor."""

    def __init__(self, editor: PhaseEditor, key: str, old: Any, new: Any, text: str) -> None:
        super().__init__(text)
        self.editor, self.key, self.old, self.new = editor, key, old, new

    def redo(self) -> None:
        self.editor.apply_field(self.key, self.new)

    def undo(self) -> None:
        self.editor.apply_field(self.key, self.old)
