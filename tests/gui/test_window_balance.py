"""The window opens with the patient pane and the detail pane balanced: the detail pane (whose
tables hold the program and the sessions) gets at least 60% of the width, not what is left
over beside the patient list's many columns (issue 11 item 7)."""

from __future__ import annotations

from rehab_tracker.ui.shell.main_window import LIST_SHARE


def test_the_detail_pane_gets_most_of_the_width(window) -> None:  # type: ignore[no-untyped-def]
    assert not window.settings.splitter_state, "a fresh profile has no saved layout"
    list_width, view_width = window.splitter.sizes()
    smallest = window.patient_list.minimumSizeHint().width()  # the list's own minimum wins
    assert list_width <= max((list_width + view_width) * LIST_SHARE, smallest) + 1
    assert list_width >= smallest
    assert view_width > list_width * 0.9, (list_width, view_width)
