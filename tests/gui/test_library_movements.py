"""The library editor keeps what an exercise asks of the back (the movements a surgeon
restriction can rule out): shown as check boxes, kept on edit, changed by the clinic."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt

from rehab_tracker.domain.restrictions import Restriction
from tests.gui.a11y import assert_accessible
from tests.gui.test_library_view import make_view


def _select(qtbot, view, name: str):  # type: ignore[no-untyped-def]
    qtbot.keyClicks(view.search, name)
    view.table.selectRow(0)
    row = view.selected_row()
    assert row is not None and row.name == name
    return row


def test_editing_an_exercise_keeps_its_movements_and_the_clinic_can_change_them(
    qtbot, services, patient_ids, today
) -> None:
    view = make_view(qtbot, services)
    row = _select(qtbot, view, "Pallof press")
    twisting = view.editor.movements["rotation"]
    assert twisting.isChecked() and twisting.text() == (
        "It twists the trunk or resists a twisting force"
    )
    assert_accessible(view)
    view.editor.cautions.setPlainText("Keep the trunk still.")
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    assert services.library.detail(row.id).form.movements == ("rotation",)

    # the clinic decides the bridge with a weight on the hips counts as loaded bending
    view.search.clear()
    bridge = _select(qtbot, view, "Bridge")
    qtbot.mouseClick(view.editor.movements["loaded_flexion"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    assert services.library.detail(bridge.id).form.movements == ("loaded_flexion",)
    # and the builder's restriction check now reads it
    patient = patient_ids[0]
    services.restrictions.add(patient, Restriction("no_loaded_flexion", today), today=today)
    program = services.programs.program(services.programs.create_from_template(
        patient, "usc-12-week", "high", today, today=today))
    phase = program.to_draft().phases[0]
    j, item = next((j, i) for j, i in enumerate(phase.items) if i.exercise_code == "bridge")
    items = list(phase.items)
    items[j] = replace(item, dosage=replace(item.dosage, sets=item.dosage.sets + 1))
    draft = replace(program.to_draft(), phases=(replace(phase, items=tuple(items)),
                                               *program.to_draft().phases[1:]))
    breaches = services.programs.restriction_breaches(program.id, draft, today=today)
    assert "bends the low back forward" in breaches[f"phases[0].items[{j}].restriction"]
