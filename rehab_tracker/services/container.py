"""Every service, built once at start-up by the composition root (app.py, cli.py) and passed in."""

from __future__ import annotations

from rehab_tracker.data.database import Database
from rehab_tracker.services.education import EducationService
from rehab_tracker.services.library import LibraryService
from rehab_tracker.services.patients import PatientService


class Services:
    """The services for one signed-in user over one open database."""

    def __init__(self, db: Database, actor: str) -> None:
        self.db = db
        self.actor = actor
        self.patients = PatientService(db, actor)
        self.library = LibraryService(db, actor)
        self.education = EducationService(db, actor)
