"""Acknowledging a red flag: the Sessions tab's and the overview panel's Acknowledge button.

A clinician confirms that the positive screen has been seen and the patient referred; the
acknowledgement goes through the action runner like every other user action.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QPushButton, QWidget

from rehab_tracker.services.container import Services
from rehab_tracker.services.sessions import RedFlagAlert
from rehab_tracker.ui.shell.actions import run_action
from rehab_tracker.ui.widgets import dialogs
from rehab_tracker.ui.widgets.forms import push_button

TITLE = "Acknowledge red flag"


def acknowledge_button(object_name: str, slot: Callable[[], None]) -> QPushButton:
    """The "Acknowledge red flag" button (Alt+K), calling ``slot``."""
    button = push_button("Ac&knowledge red flag", object_name)
    button.clicked.connect(slot)
    return button


def acknowledge_red_flag(parent: QWidget, services: Services, alert: RedFlagAlert) -> bool:
    """Ask for the confirmation, then record it; True once recorded (a refusal or a database
    problem has been shown by the action runner)."""
    if not dialogs.confirm(
        parent,
        TITLE,
        f"Confirm that the red flag of {alert.session_date.isoformat()} has been seen and "
        "the patient referred.",
    ):
        return False
    return bool(
        run_action(parent, lambda: services.sessions.acknowledge_red_flag(alert.session_id),
                   title=TITLE)
    )
