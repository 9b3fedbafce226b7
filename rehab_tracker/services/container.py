"""Every service, built once at start-up by the composition root (app.py, cli.py) and passed in."""

from __future__ import annotations

from rehab_tracker.data.database import Database
from rehab_tracker.services.audit_view import AuditViewService
from rehab_tracker.services.disclosures import DisclosureService
from rehab_tracker.services.drafts import DraftService
from rehab_tracker.services.education import EducationService
from rehab_tracker.services.library import LibraryService
from rehab_tracker.services.outcomes import OutcomeService
from rehab_tracker.services.patients import PatientService
from rehab_tracker.services.programs import ProgramService
from rehab_tracker.services.report_data.service import ReportDataService
from rehab_tracker.services.restrictions import RestrictionService
from rehab_tracker.services.schedule import ScheduleService
from rehab_tracker.services.sessions import SessionService
from rehab_tracker.services.settings import SettingsService


class Services:
    """The services for one signed-in user over one open database."""

    def __init__(self, db: Database, actor: str) -> None:
        self.db = db
        self.actor = actor
        self.settings = SettingsService(db, actor)
        self.patients = PatientService(db, actor)
        self.restrictions = RestrictionService(db, actor)
        self.programs = ProgramService(db, actor, self.settings)
        self.library = LibraryService(db, actor)
        self.education = EducationService(db, actor)
        self.drafts = DraftService(db, actor)
        self.sessions = SessionService(db, actor, self.programs)
        self.outcomes = OutcomeService(db, actor, self.settings)
        self.reports = ReportDataService(db, actor, self.settings)
        self.disclosures = DisclosureService(db, actor)
        self.schedule = ScheduleService(db, actor)
        self.audit_view = AuditViewService(db, actor)
