"""When a scheduled outcome assessment is due, and when it is done: standard library only (the
start-up path's patient list uses it before anything heavy is imported).

An assessment (a review at a time point: baseline, mid-program, end of program, follow-up) lists
its instruments (ODI, back and leg pain, walking tests, ...). A record or a skip of an instrument
*counts* for the assessment when it is marked with the assessment's timepoint (any date; not for
``follow_up``, which can repeat) or dated within :data:`DONE_WITHIN_DAYS` days of its due date D
(|record - D| <= 14). A skip is the clinician's "not done, because ..." for one instrument (issue
11 item 4), given here as a record of its instrument.

The state, on a day T (``today``):

* *done*: every listed instrument has a record or a skip that counts (an assessment listing no
  instruments: any record that counts). Done wins over every other state.
* *overdue*: not done and D < T.
* *due*: not done and T <= D <= T + :data:`DUE_AHEAD_DAYS` (from 7 days before its date).
* *upcoming*: later than that.

What counts as a record: every questionnaire, walking test and neurological screen of the
patient, and every skip, whichever program it was recorded in. The neurological screen is not one
of the default instruments (CLINICAL.md names the ODI and the walking tests as the program's
outcomes; the screen is the clinician's examination when it is indicated): it completes a review
only where a clinic lists it. The patient list flags a patient whose open program has an
assessment due or overdue; the patient's Outcomes schedule shows the four states. Both call
:func:`schedule_progress` with the same records, so they never disagree.

Every form and the assessment screen default their timepoint with :func:`default_timepoint`: the
first review due or overdue and not complete, the same for every instrument.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Literal

__all__ = [
    "DONE_WITHIN_DAYS",
    "DUE_AHEAD_DAYS",
    "AssessmentState",
    "Record",
    "assessment_state",
    "default_timepoint",
    "due_by",
    "missing_instruments",
    "needs_doing",
    "schedule_progress",
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
#: a record or a skip: (date, timepoint or None, instrument)
Record = tuple[dt.date, str | None, str]


def due_by(today: dt.date) -> dt.date:
    """The latest due date that is already due on ``today`` (today + 7 days; the last date
    there is for a ``today`` within a week of it)."""
    if today > dt.date.max - dt.timedelta(days=DUE_AHEAD_DAYS):
        return dt.date.max
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


def needs_doing(state: str) -> bool:
    """Due or overdue: what the patient list flags."""
    return state in ("due", "overdue")


def _counts(record: Record, timepoint: str, due: dt.date) -> bool:
    """``record`` counts for the assessment ``(timepoint, due)``."""
    day, mark, _instrument = record
    same_point = mark is not None and mark == timepoint and timepoint != FOLLOW_UP
    return same_point or abs((day - due).days) <= DONE_WITHIN_DAYS


def missing_instruments(
    timepoint: str, due: dt.date, instruments: Sequence[str], records: Iterable[Record]
) -> tuple[str, ...]:
    """The assessment's instruments with no record or skip that counts for it, in list order."""
    covered = {r[2] for r in records if _counts(r, timepoint, due)}
    return tuple(i for i in instruments if i not in covered)


def schedule_progress(
    scheduled: Iterable[tuple[str, dt.date, Sequence[str]]],
    records: Iterable[Record],
    today: dt.date,
) -> list[tuple[AssessmentState, tuple[str, ...]]]:
    """The state and the missing instruments of each scheduled assessment ``(timepoint, due
    date, instruments)``, in the order given (see the module docstring)."""
    kept = list(records)
    out: list[tuple[AssessmentState, tuple[str, ...]]] = []
    for tp, due, instruments in scheduled:
        if instruments:
            missing = missing_instruments(tp, due, instruments, kept)
            done = not missing
        else:
            missing, done = (), any(_counts(r, tp, due) for r in kept)
        out.append((assessment_state(due, today, [], timepoint_recorded=done), missing))
    return out


def schedule_states(
    scheduled: Iterable[tuple[str, dt.date, Sequence[str]]],
    records: Iterable[Record],
    today: dt.date,
) -> list[AssessmentState]:
    """The state of each scheduled assessment (:func:`schedule_progress` without the missing
    instruments)."""
    return [state for state, _missing in schedule_progress(scheduled, records, today)]


def default_timepoint(schedule: Iterable[tuple[str, dt.date, str]]) -> str:
    """The timepoint every form and the assessment screen start with, from the schedule's
    ``(timepoint, due date, state)`` on the day (:func:`schedule_progress`): the first
    scheduled assessment (earliest due date) that is due or overdue and not complete (not every
    instrument recorded or skipped); never one already done. Else "other" (nothing is due). One
    rule for every instrument: the forms of one review share its timepoint until it is
    complete."""
    open_ = sorted((due, tp) for tp, due, state in schedule if needs_doing(state))
    return open_[0][1] if open_ else "other"
