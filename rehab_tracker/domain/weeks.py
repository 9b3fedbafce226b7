"""Counting weeks: a tiny module, because the start-up path needs it before anything else.

One numbering of program weeks on every screen, chart and report: :func:`program_week` for a
date, :func:`session_week` for a session (the schedule, ``rehab_tracker.domain.schedule``,
counts its weeks with it too).
"""

from __future__ import annotations

from datetime import date

__all__ = ["program_week", "session_week", "weeks_since"]


def program_week(start_date: date | None, on: date) -> int | None:
    """The program week ``on`` falls in, counted from the first exercise session.

    ``start_date`` is the date of exercise session 1 (``PlannedProgram.exercise_start``), not the
    education day. Returns None when the program has no start date yet, 0 before it starts, 1..N
    during it and N+1 or more after it (the caller knows N, usually 12).
    """
    if start_date is None:
        return None
    if on < start_date:
        return 0
    return (on - start_date).days // 7 + 1


def session_week(
    start_date: date | None, session_date: date, scheduled_week: int | None = None
) -> int | None:
    """The program week of a session (the form, the Sessions tab, charts and reports show it).

    A scheduled session belongs to the week it was scheduled in, ``scheduled_week`` (its slot's
    week, which is :func:`program_week` of its scheduled date): session 16, the first of week 6,
    stays in week 6 when it is logged two days early or late, as adherence counts it. A session
    without a slot belongs to the week its date falls in (:func:`program_week`; 0 before the
    program starts, None when there is no start date).
    """
    if scheduled_week is not None:
        return scheduled_week
    return program_week(start_date, session_date)


def weeks_since(start: date | None, today: date) -> int | None:
    """Whole weeks from ``start`` (e.g. the surgery) to ``today``; None without a start."""
    return None if start is None else (today - start).days // 7
