"""What the Sessions service hands to the UI: plain dataclasses, no database objects."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from rehab_tracker.domain.redflags import follow_up_text
from rehab_tracker.domain.restrictions import Restriction
from rehab_tracker.domain.schedule import short_day
from rehab_tracker.domain.sessions import Adherence, SessionEntry
from rehab_tracker.services.outcomes import AssessmentDue


@dataclass(slots=True)  # built per row on every selection: no frozen overhead
class SlotInfo:
    """One scheduled session of the patient's program and what was logged for it."""

    id: uuid.UUID
    number: int
    week: int
    scheduled_date: dt.date
    kind: str
    location: str
    session_id: uuid.UUID | None = None
    status: str | None = None
    attended: bool | None = None
    deleted: bool = False
    #: how many exercise sessions the program has (read with one slot, for the session form;
    #: 0 when not read)
    of: int = 0

    @property
    def label(self) -> str:
        name = "Education session" if self.kind == "education" else f"Session {self.number}"
        return f"{name} (week {self.week}, {self.scheduled_date.isoformat()})"

    def fills_text(self, on: dt.date) -> str | None:
        """What a log dated ``on`` fills when that is not the session's own day, e.g. "This
        fills the session booked for Thu 3 Dec (session 7 of 36), logged 2 days ahead of it."
        (None on its own day)."""
        if on == self.scheduled_date:
            return None
        days = abs((self.scheduled_date - on).days)
        when = f"{days} day{'s' if days != 1 else ''} " + (
            "ahead of it" if on < self.scheduled_date else "after it"
        )
        booked = f"booked for {short_day(self.scheduled_date)}"
        if self.kind == "education":
            return f"This fills the education session {booked}, logged {when}."
        of = f" of {self.of}" if self.of else ""
        return f"This fills the session {booked} (session {self.number}{of}), logged {when}."

    @property
    def open(self) -> bool:
        """Not logged yet (or its log was deleted)."""
        return self.session_id is None or self.deleted


@dataclass(frozen=True)
class SessionForm:
    """What the session form opens with: the slot, the patient, and a prefilled entry."""

    patient_id: uuid.UUID
    patient_name: str
    program_id: uuid.UUID | None
    slot: SlotInfo | None
    session_id: uuid.UUID | None  # None for a new log
    entry: SessionEntry
    surgery_date: dt.date | None
    status: str = "final"
    red_flag_result: str = "not_screened"
    #: the surgeon restrictions in force on the session's date
    restrictions: tuple[Restriction, ...] = ()
    #: the log's version when the form was read (a correction from it is refused once it moved)
    version: int = 0
    #: the patient's positive red-flag screens not cleared when the form was read (a new log:
    #: the form shows them first; an attended session is refused while one is open)
    open_red_flags: tuple[RedFlagAlert, ...] = ()

    @property
    def title(self) -> str:
        return self.slot.label if self.slot is not None else "Unscheduled session"


@dataclass(slots=True)  # built per row on every selection: no frozen overhead
class SessionRow:
    """One line of the Sessions tab; ``week`` is :func:`rehab_tracker.domain.weeks.session_week`
    (None for a log outside any program)."""

    id: uuid.UUID
    session_date: dt.date
    number: int | None
    week: int | None
    location: str
    attended: bool
    missed_reason: str | None
    status: str
    red_flag_result: str
    pain_back_before: int | None
    pain_back_after: int | None
    pain_leg_before: int | None
    pain_leg_after: int | None
    #: exercises done (as prescribed or changed; not those not done) and their sets
    exercises: int
    sets: int
    adverse_events: int
    deleted: bool = False
    #: a positive screen: its action ("emergency"/"urgent"), what followed and whether it is
    #: still open (no clearance recorded)
    red_flag_action: str | None = None
    red_flag_follow_up: str = ""
    red_flag_open: bool = False


@dataclass(frozen=True)
class RedFlagAlert:
    """A positive red-flag screen not cleared yet: what was answered yes, the action it needs
    (``domain.redflags.ACTIONS``), and the outcome recorded so far (None: not yet)."""

    session_id: uuid.UUID
    session_date: dt.date
    positives: tuple[str, ...]
    message: str
    action: str | None = None
    advice: str | None = None
    referred_to: str | None = None
    referral_details: str | None = None

    @property
    def follow_up(self) -> str:
        """What followed, in one line (``domain.redflags.follow_up_text``): open, so not
        cleared."""
        return follow_up_text(self.referred_to, None, None)


@dataclass(frozen=True)
class PatientSessions:
    """Everything the Sessions tab and the overview show, read in one go."""

    patient_id: uuid.UUID
    program_id: uuid.UUID | None
    rows: list[SessionRow]
    slots: list[SlotInfo]
    adherence: Adherence
    next_slot: SlotInfo | None
    red_flags: list[RedFlagAlert]
    #: the assessment schedule (OutcomeService.schedule), read in the same transaction
    assessments: list[AssessmentDue] = field(default_factory=list)
