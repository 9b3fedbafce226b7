"""When a scheduled outcome assessment is due: standard library only (the start-up path's patient
list uses it before anything heavy is imported).

The window, in days around an assessment's due date D, on a day T (``today``):

* *done*: a record dated within :data:`DONE_WITHIN_DAYS` days either side of D counts for it
  (|record - D| <= 14), and so does a record marked with the assessment's timepoint (any date;
  not for ``follow_up``, which can repeat). Done wins over every other state.
* *overdue*: not done and D < T.
* *due*: not done and T <= D <= T + :data:`DUE_AHEAD_DAYS` (from 7 days before its date).
* *upcoming*: later than that.

What counts as a record: every questionnaire of the patient (with its timepoint) and every
walking test (by its date only), whichever program it was recorded in. The patient list flags a
patient whose open program has an assessment due or overdue; the patient's Outcomes schedule shows
the four states. Both call :func:`schedule_states` with the same records, so they never disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Literal

__all__ = [
    "DONE_WITHIN_DAYS",
    "DUE_AHEAD_DAYS",
    "AssessmentState",
    "assessment_state",
    "due_by",
    "needs_doing",
    "schedule_states",
]

#: an assessment is due from this many days before its date (a clinic default)
DUE_AHEAD_DAYS = 7
#: a record this many days either side of the due date counts for the assessment (a clinic
#: default: the trial measured at baseline 4-6 weeks after surgery and after the 12 weeks,
#: CLINICAL.md, without a window)
DONE_WITHIN_DAYS = 14
#: the timepoint that can repeat: a record marked with it does not mark every follow-up done
FOLLOW_UP = "follow_up"

AssessmentState = Literal["done", "overdue", "due", "upcoming"]


def due_by(today: dt.date) -> dt.date:
    """The latest due date that is already due on ``today`` (today + 7 days)."""
    return today + dt.timedelta(days=DUE_AHEAD_DAYS)


def assessment_state(
    due: dt.date,
    today: dt.date,
    recorded_on: Iterable[dt.date],
    *,
    timepoint_recorded: bool = False,
) -> AssessmentState:
    """The state of an assessment due on ``due`` (see the module docstring).

    ``recorded_on``: the dates of the records that may count for it; ``timepoint_recorded``:
    a record is marked with this assessment's timepoint (the caller leaves it False for
    ``follow_up``)."""
    if timepoint_recorded or any(abs((d - due).days) <= DONE_WITHIN_DAYS for d in recorded_on):
        return "done"
    if due < today:
        return "overdue"
    if due <= due_by(today):
        return "due"
    return "upcoming"


def needs_doing(state: AssessmentState) -> bool:
    """Due or overdue: what the patient list flags."""
    return state in ("due", "overdue")


def schedule_states(
    scheduled: Iterable[tuple[str, dt.date]],
    records: Iterable[tuple[dt.date, str | None]],
    today: dt.date,
) -> list[AssessmentState]:
    """The state of each scheduled assessment ``(timepoint, due date)``, in the order given.

    ``records``: ``(date, timepoint)`` of the patient's questionnaires, ``(date, None)`` of their
    walking tests (see the module docstring)."""
    dates: list[dt.date] = []
    timepoints: set[str] = set()
    for day, timepoint in records:
        dates.append(day)
        if timepoint is not None:
            timepoints.add(timepoint)
    return [
        assessment_state(
            due, today, dates, timepoint_recorded=tp in timepoints and tp != FOLLOW_UP
        )
        for tp, due in scheduled
    ]
