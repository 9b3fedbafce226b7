"""What follows a positive red-flag screen: the open screens (the overview's banner, the
progression hold), and the record of their outcome (advice given, referred to whom) and of the
clearance (who cleared exercise to resume, when), which closes a screen."""

from __future__ import annotations

import datetime as dt
import uuid

from rehab_tracker.data.models import SessionLog
from rehab_tracker.data.types import utcnow
from rehab_tracker.domain.errors import Collector
from rehab_tracker.domain.redflags import (
    ClearanceEntry,
    RedFlagOutcomeEntry,
    check_clearance,
    check_outcome,
)
from rehab_tracker.domain.roles import Permission
from rehab_tracker.services import _lookup as lookup
from rehab_tracker.services.access import requires
from rehab_tracker.services.errors import ServiceError
from rehab_tracker.services.sessions._base import SessionServiceBase
from rehab_tracker.services.sessions._queries import alert, red_flag_alerts, session_log
from rehab_tracker.services.sessions.types import RedFlagAlert


class RedFlagFollowUp(SessionServiceBase):
    def open_red_flags(self, patient_id: uuid.UUID) -> list[RedFlagAlert]:
        """Positive screens with no clearance recorded yet, oldest first (the overview shows
        them as a banner; progression holds while there is one)."""
        with self.db.reading() as session:
            return red_flag_alerts(session, patient_id)

    def red_flag_follow_up(
        self, session_id: uuid.UUID
    ) -> tuple[RedFlagAlert, ClearanceEntry | None]:
        """The positive screen of this session with what followed it, and its clearance (None:
        not cleared), open or not: what the outcome dialog shows to correct a record."""
        with self.db.reading() as session:
            log = session_log(session, session_id, live=True)
            if log.red_flag_result != "positive":
                raise ServiceError("this session's red-flag screen was not positive")
            found = alert(
                lookup.OpenRedFlag(
                    log.id,
                    log.session_date,
                    dict(log.red_flags or {}),
                    log.red_flag_advice,
                    log.red_flag_referred_to,
                    log.red_flag_referral_details,
                )
            )
            cleared = (
                ClearanceEntry(
                    log.red_flag_cleared_by or "",
                    log.red_flag_cleared_on,
                    log.red_flag_clearance_note or "",
                )
                if log.red_flag_acknowledged_at is not None
                else None
            )
        return found, cleared

    @requires(Permission.RED_FLAG_OUTCOME)
    def record_red_flag_outcome(
        self,
        session_id: uuid.UUID,
        outcome: RedFlagOutcomeEntry,
        clearance: ClearanceEntry | None = None,
        *,
        today: dt.date,
        withdraw_clearance: bool = False,
    ) -> None:
        """Record what followed the positive screen of this session (the advice given and who
        the patient was referred to), and with ``clearance`` who cleared exercise to resume and
        when: the screen is then closed. One unit of work; the audit trail keeps every change
        (recording again corrects the record). Field errors for every problem at once; nothing
        is saved on bad input.

        ``withdraw_clearance`` takes back a clearance recorded by mistake: the screen is open
        again, so progression holds and the next session asks for a clearance first (the audit
        trail keeps the withdrawn one, who withdrew it and when)."""
        with lookup.editing(self.db, self.principal, "This session") as session:
            log = session_log(session, session_id, live=True)
            if log.red_flag_result != "positive":
                raise ServiceError("this session's red-flag screen was not positive")
            errors = Collector()
            check_outcome(outcome, errors)
            if clearance is not None:
                check_clearance(clearance, errors, flagged_on=log.session_date, today=today)
                if withdraw_clearance:
                    errors.add("cleared", "Record a clearance or withdraw it, not both.")
            errors.raise_if_any()
            if withdraw_clearance:
                _withdraw(log)
            now = utcnow()
            log.red_flag_advice = outcome.advice.strip()
            log.red_flag_referred_to = outcome.referred_to
            log.red_flag_referral_details = outcome.referral_details.strip() or None
            log.red_flag_outcome_at = now
            log.red_flag_outcome_by = self.actor
            if clearance is not None:
                log.red_flag_cleared_by = clearance.cleared_by.strip()
                log.red_flag_cleared_on = clearance.cleared_on
                log.red_flag_clearance_note = clearance.note.strip() or None
                log.red_flag_acknowledged_at = now
                log.red_flag_acknowledged_by = self.actor


def _withdraw(log: SessionLog) -> None:
    """The screen's clearance taken back: open again (the audit trail keeps what it was)."""
    log.red_flag_cleared_by = None
    log.red_flag_cleared_on = None
    log.red_flag_clearance_note = None
    log.red_flag_acknowledged_at = None
    log.red_flag_acknowledged_by = None
