"""Counting program weeks: a tiny module, because the start-up path needs it before anything else.

``rehab_tracker.domain.template`` re-exports ``program_week`` for everything else.
"""

from __future__ import annotations

from datetime import date

__all__ = ["program_week"]


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
