"""Every service, built once at start-up by the composition root (app.py, cli.py) and passed in."""

from __future__ import annotations

import contextlib
import functools
from typing import TYPE_CHECKING

from rehab_tracker.data.database import Database
from rehab_tracker.domain.roles import Principal
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
from rehab_tracker.services.users import UserService

if TYPE_CHECKING:
    from rehab_tracker.services.home_log import HomeLogImport


class Services:
    """The services for one signed-in user (``principal``) over one open database.

    Every service checks the principal's role at each entry point that writes
    (``services.access``); ``actor`` is the principal's user name, the audit trail's "who"."""

    def __init__(self, db: Database, principal: Principal) -> None:
        self.db = db
        self.principal = principal
        self.actor = principal.username
        self.settings = SettingsService(db, principal)
        self.patients = PatientService(db, principal)
        self.restrictions = RestrictionService(db, principal)
        self.programs = ProgramService(db, principal, self.settings)
        self.library = LibraryService(db, principal)
        self.education = EducationService(db, principal)
        self.drafts = DraftService(db, principal)
        self.sessions = SessionService(db, principal, self.programs)
        self.outcomes = OutcomeService(db, principal, self.settings)
        self.reports = ReportDataService(db, principal, self.settings)
        self.disclosures = DisclosureService(db, principal)
        self.schedule = ScheduleService(db, principal)
        self.users = UserService(db, principal)
        self.audit_view = AuditViewService(db, principal)

    @functools.cached_property
    def home_logs(self) -> HomeLogImport:
        """Importing a patient's home log (issue 14 item 6). Made on first use: it loads the
        age and Ed25519 code, which the window's start does not need."""
        from rehab_tracker.services.home_log import HomeLogImport

        return HomeLogImport(self.db, self.principal)

    def snapshot(self) -> contextlib.AbstractContextManager[None]:
        """One consistent look for a burst of reads (``Database.snapshot``): what a selection
        asks the services inside it reads each row once; a write inside, or its end, forgets it."""
        return self.db.snapshot()
