"""How a progression suggestion reads on screen: the Program tab and the builder say it alike."""

from __future__ import annotations

from rehab_tracker.services.programs import ProgressionSuggestion

ACTION_TEXT = {
    "progress": "Progress",
    "hold": "Hold",
    "step_back": "Step back",
    "repeat": "Repeat",
}


def action_text(sug: ProgressionSuggestion) -> str:
    """The suggestion's action in words ("Step back")."""
    return ACTION_TEXT.get(sug.action, sug.action)


def suggestion_text(sug: ProgressionSuggestion) -> str:
    """The action and the dose it leads to, for a table cell ("Progress: 3 x 10-12 reps")."""
    return f"{action_text(sug)}: {sug.suggested.describe()}"
