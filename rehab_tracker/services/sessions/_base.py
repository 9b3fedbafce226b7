"""What every part of :class:`~rehab_tracker.services.sessions.SessionService` shares: the
database, the actor whose name goes on every write, and the program service it asks for
prescriptions and progression suggestions."""

from __future__ import annotations

from rehab_tracker.data.database import Database
from rehab_tracker.services.programs import ProgramService


class SessionServiceBase:
    def __init__(self, db: Database, actor: str, programs: ProgramService | None = None) -> None:
        self.db = db
        self.actor = actor
        self.programs = programs or ProgramService(db, actor)
