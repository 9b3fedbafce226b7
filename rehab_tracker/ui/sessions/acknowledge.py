"""Acknowledging a red flag: the Sessions tab's and the overview panel's Acknowledge button.

A clinician confirms that the positive screen has been seen and the patient referred; the
acknowledgement goes through the action runner like every other user action. It is also the
recorded clearance (who and when) that logging a new session needs while a positive screen is
open (:func:`clear_to_log`, issue 9 item 1): progression holds until then.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QPushButton, QWidget

from rehab_tracker.domain.redflags import RED_FLAGS_BY_CODE
from rehab_tracker.services.container import Services
from rehab_tracker.services.sessions import RedFlagAlert
from rehab_tracker.ui.shell.actions import run_action
from rehab_tracker.ui.widgets import dialogs
from rehab_tracker.ui.widgets.forms import push_button

TITLE = "Acknowledge red flag"
CLEARANCE_TITLE = "Red flag not yet cleared"


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
    return _record(parent, services, alert, TITLE)


def _record(parent: QWidget, services: Services, alert: RedFlagAlert, title: str) -> bool:
    return bool(
        run_action(parent, lambda: services.sessions.acknowledge_red_flag(alert.session_id),
                   title=title)
    )


def clear_to_log(parent: QWidget, services: Services, alerts: list[RedFlagAlert]) -> bool:
    """Before a new session is logged: each open positive screen (oldest first) is shown with
    what was answered yes, and its clearance recorded on Yes; False (cancel) at the first No or
    failure, and the session is not started."""
    for alert in alerts:
        answered = ", ".join(RED_FLAGS_BY_CODE[c].label for c in alert.positives) or "a question"
        question = (
            f"Red flag on {alert.session_date.isoformat()} not yet cleared: the patient answered "
            f"yes to {answered}.\n\n{alert.message}\n\nRecord the clearance now: a clinician "
            "has assessed the patient and exercise may resume (recorded under your name, with "
            "the time)? Choose No to cancel: the session is not logged until the clearance is "
            "recorded, and progression holds."
        )
        if not dialogs.confirm(parent, CLEARANCE_TITLE, question):
            return False
        if not _record(parent, services, alert, CLEARANCE_TITLE):
            return False
    return True
