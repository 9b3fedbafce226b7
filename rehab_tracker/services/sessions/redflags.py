"""Positive red-flag screens still waiting for a clinician: the overview's banner, and the
acknowledgement that takes a screen off it."""

from __future__ import annotations

import uuid

from rehab_tracker.data.types import utcnow
from rehab_tracker.services import _lookup as lookup
from rehab_tracker.services.sessions._base import SessionServiceBase
from rehab_tracker.services.sessions._queries import red_flag_alerts, session_log
from rehab_tracker.services.sessions.types import RedFlagAlert


class RedFlagAcknowledgement(SessionServiceBase):
    def open_red_flags(self, patient_id: uuid.UUID) -> list[RedFlagAlert]:
        """Positive screens not yet acknowledged (the overview shows them as a banner)."""
        with self.db.reading() as session:
            return red_flag_alerts(session, patient_id)

    def acknowledge_red_flag(self, session_id: uuid.UUID) -> None:
        """A clinician has seen the positive screen (it leaves the overview banner)."""
        with lookup.editing(self.db, self.actor, "This session") as session:
            log = session_log(session, session_id)
            log.red_flag_acknowledged_at = utcnow()
            log.red_flag_acknowledged_by = self.actor
