"""A program's status over its life: paused and resumed, completed, stopped early.

Pure rules (no clock: ``today`` is passed in). The statuses (``data.models.Program.status``):

* ``planned`` and ``active``: the program runs (``active`` is what the builder creates);
* ``paused``: interrupted (an illness, a revision operation) since ``paused_on``; it is still the
  patient's current program (:data:`rehab_tracker.domain.programs.OPEN_STATUSES`) but no session
  can be logged as attended against it until it is resumed;
* ``completed``: the program ended as planned, or the clinician ended it when its goals were met;
* ``stopped``: ended early, with the reason.

The transitions (:data:`TRANSITIONS`): pause (planned/active -> paused), resume (paused ->
active), complete (active/paused -> completed), stop (planned/active/paused -> stopped). A
completed or stopped program is closed: its doses are not edited any more
(:func:`refuse_dose_edit`) and no new session is logged against it.

What each change needs (clinic default rules, not from a published source):

* a pause: its first day (not before the program's start, not after today, not before a session
  logged already) and its reason;
* a resume: the day training starts again (not before the pause's first day, nor more than
  :data:`~rehab_tracker.domain.bounds.YEARS_AHEAD` years after it);
* completion: the day (not before the start or a pause's first day, not after today) and the
  end-of-program assessment, recorded (:func:`end_assessment_recorded`) or explicitly skipped
  with a reason, as the USC program measured its outcomes again after the 12 weeks (Kulig et al.
  2009; see CLINICAL.md);
* an early stop: the day and the reason.

Each reason, note and skip reason is free text (:func:`rehab_tracker.domain.bounds.check_notes`:
no control or text-direction character, at most ``LONG_TEXT`` characters).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any, Final, Literal

from rehab_tracker.domain import bounds
from rehab_tracker.domain.assessments import assessment_state
from rehab_tracker.domain.errors import Collector, ValidationError

__all__ = [
    "CLOSED_STATUSES",
    "END_TIMEPOINT",
    "STATUS_WORDS",
    "TRANSITIONS",
    "Change",
    "ProgramFacts",
    "StatusDetails",
    "allowed",
    "check_complete",
    "check_pause",
    "check_resume",
    "check_stop",
    "due_until",
    "end_assessment_recorded",
    "is_closed",
    "logging_refusal",
    "refuse_dose_edit",
    "status_details",
    "status_words",
]

Change = Literal["pause", "resume", "complete", "stop"]

#: the statuses each change starts from, and the status it leads to
TRANSITIONS: Final[dict[Change, tuple[tuple[str, ...], str]]] = {
    "pause": (("planned", "active"), "paused"),
    "resume": (("paused",), "active"),
    "complete": (("active", "paused"), "completed"),
    "stop": (("planned", "active", "paused"), "stopped"),
}
CLOSED_STATUSES: Final = ("completed", "stopped")
#: the timepoint a questionnaire of the end-of-program assessment is marked with
END_TIMEPOINT: Final = "end"

STATUS_WORDS: Final = {
    "planned": "planned",
    "active": "active",
    "paused": "paused",
    "completed": "completed",
    "stopped": "stopped early",
}
_VERBS: Final[dict[Change, str]] = {
    "pause": "paused",
    "resume": "resumed",
    "complete": "completed",
    "stop": "stopped",
}


def status_words(status: str) -> str:
    """The status as the screens and reports say it ("stopped early")."""
    return STATUS_WORDS.get(status, status)


def is_closed(status: str | None) -> bool:
    """Completed or stopped: the program has ended."""
    return status in CLOSED_STATUSES


def allowed(status: str, change: Change) -> bool:
    """Whether a program with ``status`` can be ``change``d (:data:`TRANSITIONS`)."""
    return status in TRANSITIONS[change][0]


def _check_allowed(status: str, change: Change) -> str:
    """The status after ``change``; ValidationError at ``status`` when it is not allowed."""
    sources, target = TRANSITIONS[change]
    if status not in sources:
        raise ValidationError.single(
            "status",
            f"This program is {status_words(status)}: it cannot be {_VERBS[change]}.",
        )
    return target


def refuse_dose_edit(status: str) -> None:
    """A completed or stopped program's doses stay as they were when it ended."""
    if is_closed(status):
        raise ValidationError.single(
            "status",
            f"This program is {status_words(status)}: its doses cannot be changed any more. "
            "Build a new program to continue training.",
        )


def due_until(
    status: str, *, paused_on: dt.date | None, ended_on: dt.date | None, today: dt.date
) -> dt.date:
    """The day adherence counts a program's sessions as due up to (``today`` for the adherence
    rule, :func:`rehab_tracker.domain.sessions.compute_adherence`): a session scheduled after a
    program ended, or from the first day of the pause under way (it moves at the resume), is not
    missed."""
    limit = paused_on if status == "paused" else ended_on if is_closed(status) else None
    return today if limit is None else min(today, limit)


def logging_refusal(
    status: str, *, paused_on: dt.date | None, ended_on: dt.date | None
) -> str | None:
    """Why no new session can be logged against a program with this status, None when one can.

    Nothing is logged against a completed or stopped program, nor against a paused one: its
    remaining sessions move when it is resumed, and a visit logged meanwhile (attended or
    missed) would keep its slot where it was."""
    if is_closed(status):
        when = f" on {ended_on.isoformat()}" if ended_on else ""
        return (
            f"The program was {status_words(status)}{when}: no session can be logged against "
            "it. Build a new program to continue training."
        )
    if status == "paused":
        since = f" since {paused_on.isoformat()}" if paused_on else ""
        return (
            f"The program is paused{since}: no session can be logged until it is resumed "
            "(Program > Resume Program)."
        )
    return None


def _check_day(
    day: dt.date | None,
    field: str,
    col: Collector,
    *,
    what: str,
    not_before: Iterable[tuple[dt.date | None, str]],
    today: dt.date | None,
) -> None:
    """``day`` is given, not after ``today`` (when given) and not before any of ``not_before``
    (each a date and what it is, e.g. "the program's start")."""
    if day is None:
        col.add(field, f"Enter {what}.")
        return
    if today is not None and day > today:
        col.add(field, f"{what[0].upper()}{what[1:]} cannot be after today.")
        return
    for limit, name in not_before:
        if limit is not None and day < limit:
            col.add(
                field,
                f"{what[0].upper()}{what[1:]} cannot be before {name} ({limit.isoformat()}).",
            )
            return


def _check_reason(reason: str | None, field: str, col: Collector, message: str) -> str:
    text = (reason or "").strip()
    col.check(bool(text), field, message)
    bounds.check_notes(col, field, text)
    return text


@dataclass(frozen=True, kw_only=True)
class StatusDetails:
    """A program's pause and end as every reader shows them (the program detail, the report):
    the pause under way, the days of earlier pauses, the end of a completed or stopped program,
    its reason, and why the end-of-program assessment was skipped (when it was)."""

    paused_on: dt.date | None = None
    pause_reason: str | None = None
    paused_days: int = 0
    ended_on: dt.date | None = None
    end_reason: str | None = None
    end_assessment_skip_reason: str | None = None


def status_details(row: object) -> dict[str, Any]:
    """The :class:`StatusDetails` fields of a stored program (any object with those
    attributes), as keyword arguments."""
    values = {f.name: getattr(row, f.name) for f in fields(StatusDetails)}
    values["paused_days"] = values["paused_days"] or 0
    return values


@dataclass(frozen=True, slots=True)
class ProgramFacts:
    """What the rules of a change read of the program: its status and start, the pause under
    way, the date of its latest session log."""

    status: str
    start_date: dt.date
    paused_on: dt.date | None = None
    last_logged: dt.date | None = None


def check_pause(
    program: ProgramFacts, *, paused_on: dt.date | None, reason: str | None, today: dt.date
) -> str:
    """A pause's rules (see the module docstring); returns the reason as stored."""
    _check_allowed(program.status, "pause")
    col = Collector()
    _check_day(
        paused_on,
        "paused_on",
        col,
        what="the first day of the pause",
        not_before=(
            (program.start_date, "the program's start"),
            (program.last_logged, "a session logged on"),
        ),
        today=today,
    )
    text = _check_reason(
        reason, "reason", col, "Say why the program is paused (an illness, a revision operation)."
    )
    col.raise_if_any()
    return text


def check_resume(program: ProgramFacts, *, resume_on: dt.date | None) -> None:
    """A resume's rules: the day training starts again, not before the pause's first day."""
    _check_allowed(program.status, "resume")
    col = Collector()
    _check_day(
        resume_on,
        "resume_on",
        col,
        what="the day training starts again",
        not_before=((program.paused_on, "the first day of the pause"),),
        today=None,
    )
    if program.paused_on is not None and resume_on is not None:
        latest = bounds.latest_planned(program.paused_on)
        col.check(
            resume_on <= latest,
            "resume_on",
            f"The day training starts again cannot be after {latest.isoformat()} "
            f"({bounds.YEARS_AHEAD} years after the pause's first day).",
        )
    col.raise_if_any()


#: the timepoint marks a record may carry and still count for the end of the program by its date
#: (the unmarked ones: "other", or none)
_UNMARKED: Final = (None, "other")


def end_assessment_recorded(
    records: Iterable[tuple[dt.date, str | None]], ended_on: dt.date
) -> bool:
    """Whether the end-of-program assessment is recorded for a program ending on ``ended_on``:
    a record marked "end of program" (any date), or an unmarked one within the window of
    :func:`rehab_tracker.domain.assessments.assessment_state` around the end day (the same rule
    as a scheduled assessment's). A record marked for another time point (baseline, mid-program,
    follow-up) is not the end-of-program assessment, however close to the end.

    ``records``: ``(date, timepoint)`` of the program's questionnaires and walking tests."""
    dates: list[dt.date] = []
    marked = False
    for day, timepoint in records:
        marked = marked or timepoint == END_TIMEPOINT
        if timepoint in _UNMARKED:
            dates.append(day)
    return assessment_state(ended_on, ended_on, dates, timepoint_recorded=marked) == "done"


def _check_end(
    program: ProgramFacts, change: Change, ended_on: dt.date | None, today: dt.date
) -> Collector:
    """The rules every end shares: the change is allowed, and its day; returns the collector
    holding the day's error, if any."""
    _check_allowed(program.status, change)
    col = Collector()
    _check_day(
        ended_on,
        "ended_on",
        col,
        what="the day the program ended",
        not_before=(
            (program.start_date, "the program's start"),
            (program.paused_on, "the first day of the pause"),
            (program.last_logged, "a session logged on"),
        ),
        today=today,
    )
    return col


def check_complete(
    program: ProgramFacts,
    *,
    ended_on: dt.date | None,
    today: dt.date,
    assessment_recorded: bool,
    skip_reason: str | None,
    note: str | None = None,
) -> str | None:
    """Completion's rules (see the module docstring); returns the skip reason to store (None
    when the end-of-program assessment is recorded: a reason is then not asked for). ``note``
    (optional, e.g. "goals met") is checked as free text."""
    col = _check_end(program, "complete", ended_on, today)
    bounds.check_notes(col, "note", note)
    skip: str | None = None
    if not assessment_recorded:
        skip = _check_reason(
            skip_reason,
            "end_assessment",
            col,
            "The end-of-program assessment is not recorded: record it (Outcomes) first, or "
            "say why the program is completed without it.",
        )
    col.raise_if_any()
    return skip


def check_stop(
    program: ProgramFacts, *, ended_on: dt.date | None, reason: str | None, today: dt.date
) -> str:
    """An early stop's rules (see the module docstring); returns the reason as stored."""
    col = _check_end(program, "stop", ended_on, today)
    text = _check_reason(reason, "reason", col, "Say why the program is stopped early.")
    col.raise_if_any()
    return text
