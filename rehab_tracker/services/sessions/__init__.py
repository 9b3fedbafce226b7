"""Use cases of a visit: red-flag screen, session log, corrections, adherence, red-flag follow-up.

Every public method of :class:`SessionService` is one unit of work and returns plain
dataclasses. Rules live in :mod:`rehab_tracker.domain.sessions`; this package adds what needs the
database: the slot may be logged only once, dates are checked against the patient's surgery,
prescriptions prefill the form.

Soft delete: :meth:`SessionService.delete` sets ``deleted_at``; :meth:`SessionService.restore`
undoes it (details in :mod:`.recording`).

Where each part lives:

- :mod:`.types`: the transfer types (:class:`SlotInfo`, :class:`SessionForm`,
  :class:`SessionRow`, :class:`RedFlagAlert`, :class:`PatientSessions`);
- :mod:`._queries`: the prepared read statements and the rows they map to (slots, one slot,
  session rows, red-flag alerts, the session log lookup);
- :mod:`.reads`: slots, next slot, history, adherence and the one-read overview;
- :mod:`.forms`: the session form, new (prefilled) or to correct a log;
- :mod:`.recording`: red-flag stop, save, update, delete and restore;
- :mod:`.redflags`: open red-flag alerts, and the outcome and clearance that close them;
- :mod:`.service`: :class:`SessionService`, the parts put together.
"""

from rehab_tracker.services.sessions.service import SessionService
from rehab_tracker.services.sessions.types import (
    PatientSessions,
    RedFlagAlert,
    SessionForm,
    SessionRow,
    SlotInfo,
)

__all__ = [
    "PatientSessions",
    "RedFlagAlert",
    "SessionForm",
    "SessionRow",
    "SessionService",
    "SlotInfo",
]
