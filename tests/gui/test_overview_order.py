"""The Overview reads from the top in order of urgency: the red-flag panel before the patient's
title, the change since baseline after the latest scores (a screen reader follows this order)."""

from __future__ import annotations

from PySide6.QtWidgets import QGroupBox

from rehab_tracker.ui.outcomes.overview_panel import ChangesPanel


def _position(overview, widget) -> int:  # type: ignore[no-untyped-def]
    """Index in the Overview's column of the item holding ``widget`` (itself or its grid)."""
    column = overview.column
    for index in range(column.count()):
        item = column.itemAt(index)
        if item.widget() is widget:
            return index
        layout = item.layout()
        if layout is not None and layout.indexOf(widget) >= 0:
            return index
    raise AssertionError(f"{widget!r} is not in the Overview")


def test_change_since_baseline_comes_after_the_scores(window) -> None:  # type: ignore[no-untyped-def]
    overview = window.workspace.patient_view.overview
    [changes] = [p for p in overview.parts if isinstance(p, ChangesPanel)]
    boxes = {box.title(): box for box in overview.findChildren(QGroupBox)}
    scores, flags = boxes["Latest scores"], boxes["Red flags and assessments"]
    assert _position(overview, overview.banner) < _position(overview, flags)
    assert _position(overview, flags) < _position(overview, overview.title)
    assert _position(overview, scores) < _position(overview, changes)
