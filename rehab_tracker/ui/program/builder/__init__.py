"""The program builder: create a patient's program from a template, then edit it.

Every edit (a dosage cell, a phase's name or dates, adding, removing or moving an exercise,
accepting a progression suggestion) is a command on one QUndoStack, so Ctrl+Z / Ctrl+Shift+Z
(Ctrl+Y) undo and redo it. Nothing is written until Save, which hands the whole edited program to
``ProgramService.save_edits`` (one unit of work). The widgets never touch the database: they hold
plain dataclasses from the service.

The parts, one module each:

- :mod:`.cells`: the prescription table's columns, which cells apply to a dosage type, their
  ranges (the domain's limits table), reading and parsing a cell;
- :mod:`.commands`: the undo commands;
- :mod:`.model`: ``PrescriptionModel``, one phase's prescriptions as a Qt table model;
- :mod:`.delegate`: ``DosageDelegate``, the checked line edit of a cell;
- :mod:`.picker`: ``ExercisePicker`` and ``pick_exercise``;
- :mod:`.phase_editor`: ``PhaseEditor``, one phase's page;
- :mod:`.create_page`: ``CreatePage``, the template, start and weekdays of a new program;
- :mod:`.template_dialog`: ``SaveTemplateDialog``;
- :mod:`.dialog`: ``ProgramBuilderDialog`` and ``open_program_builder``, the entry point.

The names below stay importable from this package. The phase editor calls ``pick_exercise``
through this package, so a test that replaces ``builder.pick_exercise`` drives the picker.
"""

from rehab_tracker.ui.program.builder.cells import (
    APPLIES,
    CELL_LIMITS,
    COLUMN,
    COLUMNS,
    NOT_APPLICABLE,
    cell_value,
    parse_cell,
    with_cell,
)
from rehab_tracker.ui.program.builder.commands import (
    InsertRowCommand,
    MoveRowCommand,
    PhaseFieldCommand,
    RemoveRowCommand,
    SetCellCommand,
    SetDosageCommand,
)
from rehab_tracker.ui.program.builder.create_page import WEEKDAY_LABELS, CreatePage
from rehab_tracker.ui.program.builder.delegate import DosageDelegate
from rehab_tracker.ui.program.builder.dialog import ProgramBuilderDialog, open_program_builder
from rehab_tracker.ui.program.builder.model import PrescriptionModel
from rehab_tracker.ui.program.builder.phase_editor import PhaseEditor
from rehab_tracker.ui.program.builder.picker import ExercisePicker, pick_exercise
from rehab_tracker.ui.program.builder.template_dialog import SaveTemplateDialog
from rehab_tracker.ui.program.suggestion import ACTION_TEXT

__all__ = [
    "ACTION_TEXT",
    "APPLIES",
    "CELL_LIMITS",
    "COLUMN",
    "COLUMNS",
    "NOT_APPLICABLE",
    "WEEKDAY_LABELS",
    "CreatePage",
    "DosageDelegate",
    "ExercisePicker",
    "InsertRowCommand",
    "MoveRowCommand",
    "PhaseEditor",
    "PhaseFieldCommand",
    "PrescriptionModel",
    "ProgramBuilderDialog",
    "RemoveRowCommand",
    "SaveTemplateDialog",
    "SetCellCommand",
    "SetDosageCommand",
    "cell_value",
    "open_program_builder",
    "parse_cell",
    "pick_exercise",
    "with_cell",
]
