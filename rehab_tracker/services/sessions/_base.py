"""What every part of :class:`~rehab_tracker.services.sessions.SessionService` shares: the
database, the actor whose name goes on every write, and the program service it asks for
prescriptions and progression suggestions."""

from __future__ import annotations

from rehab_tracker.data.database import Database
from rehab_tracker.domain.roles import Principal
from rehab_tracker.services.programs import ProgramService


class SessionServiceBase:
    def __init__(
        self, db: Database, principal: Principal, programs: ProgramService | None = None
    ) -> None:
        self.db = db
        self.principal = principal
        self.actor = principal.username
        self.programs = programs or ProgramService(db, principal)
