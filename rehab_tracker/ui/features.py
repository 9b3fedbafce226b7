"""The features of the main window, installed in this order.

One line per feature: its folder's ``feature.install`` (see :mod:`rehab_tracker.ui.shell.feature`
for the contract, the module docstring of :mod:`rehab_tracker.ui.shell.main_window` for an
example). The order is the order of the patient view's tabs (Overview, Program, Charts, Sessions,
Outcomes) and of the actions in a menu two features share (Tools: Exercise Library, Education,
Clinic Settings, Check Database, Audit Trail). ``app.py`` passes this tuple to the main window.

Importing this module imports only the light ``feature.py`` entries (Qt and the shell): each
feature imports its tabs, dialogs and services in its ``attach`` or on first use.
"""

from __future__ import annotations

from rehab_tracker.ui.audit import feature as audit
from rehab_tracker.ui.checks import feature as checks
from rehab_tracker.ui.clinic import feature as clinic
from rehab_tracker.ui.education import feature as education
from rehab_tracker.ui.library import feature as library
from rehab_tracker.ui.outcomes import feature as outcomes
from rehab_tracker.ui.patients import feature as patients
from rehab_tracker.ui.program import feature as program
from rehab_tracker.ui.reports import feature as reports
from rehab_tracker.ui.sessions import feature as sessions
from rehab_tracker.ui.shell.feature import Install
from rehab_tracker.ui.today import feature as today

FEATURES: tuple[Install, ...] = (
    patients.install,
    program.install,
    reports.install,
    sessions.install,
    outcomes.install,
    library.install,
    education.install,
    clinic.install,
    checks.install,  # Tools > Check Database… after the clinic's settings
    audit.install,
    today.install,  # last: its home page needs the sessions feature attached
)
