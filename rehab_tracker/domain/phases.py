"""The phase of a program a date falls in: one rule for the program screen, the home exercise
sheet, the session form's prescriptions and progression; and the span every view of a phase
carries (:data:`SPAN_FIELDS`). Standard library only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any, Protocol, TypeVar

__all__ = ["SPAN_FIELDS", "PhaseOutline", "phase_on", "phase_span"]


@dataclass(frozen=True)
class PhaseOutline:
    """What every view of a program phase carries (the program screen's detail, the edit draft,
    the report's time axis), named as in the stored phase row: its code and name, its program
    weeks and its dates (first and last scheduled session)."""

    code: str
    name: str
    start_week: int
    end_week: int
    start_date: dt.date
    end_date: dt.date


#: the fields of :class:`PhaseOutline`
SPAN_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(PhaseOutline))


def phase_span(phase: object) -> dict[str, Any]:
    """The :data:`SPAN_FIELDS` of a phase (its stored row or one of its views) by name: the one
    mapping of a phase's code, name, weeks and dates from one view to the next."""
    return {name: getattr(phase, name) for name in SPAN_FIELDS}


class DatedPhase(Protocol):
    @property
    def start_date(self) -> dt.date: ...

    @property
    def end_date(self) -> dt.date: ...


P = TypeVar("P", bound=DatedPhase)


def phase_on(phases: Sequence[P], day: dt.date) -> P | None:
    """The phase ``day`` falls in; ``phases`` in program order, each from its ``start_date`` to
    its ``end_date`` (both inclusive: its first and last scheduled session).

    * Inside a phase's dates: that phase (where phases edited by hand overlap, the later one in
      program order: it has begun).
    * Before the first phase starts (the education day, the days before exercise session 1):
      the first phase, the one the patient is about to start.
    * Between two phases (the weekend after the last session of one and before the first of
      the next): the phase that ended last; its exercises go on until the next one starts.
    * After the last phase has ended: None, the program is over (the exercise sheet says so).
    * No phases: None.
    """
    if not phases or day > max(p.end_date for p in phases):
        return None
    inside = [p for p in phases if p.start_date <= day <= p.end_date]
    if inside:
        return inside[-1]
    ended = [p for p in phases if p.end_date < day]
    if ended:
        return max(ended, key=lambda p: p.end_date)
    return min(phases, key=lambda p: p.start_date)
