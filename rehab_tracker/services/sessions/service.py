"""The one object the app uses for a visit: :class:`SessionService`, made of its parts."""

from __future__ import annotations

from rehab_tracker.services.sessions.forms import SessionForms
from rehab_tracker.services.sessions.reads import SessionReads
from rehab_tracker.services.sessions.recording import SessionRecording
from rehab_tracker.services.sessions.redflags import RedFlagFollowUp


class SessionService(SessionReads, SessionForms, SessionRecording, RedFlagFollowUp):
    """Reads (slots, history, adherence, overview), the session form, the log/correct/delete/
    restore units of work and the red-flag follow-up (outcome and clearance); built with
    ``(db, principal, programs)``
    (:class:`~rehab_tracker.services.sessions._base.SessionServiceBase`).
    """
