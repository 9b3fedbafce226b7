"""Staff roles, what each may do, and who is acting (pure: no I/O).

The four roles of a clinic (issue 13): the administrator (the clinic owner: users, clinic
settings, backups, the audit trail, and everything clinical, so that a practice of one
physiotherapist needs one account), the physiotherapist (everything clinical), the assistant
(logs sessions and records outcomes; cannot change programs, settings or users) and read-only
(reads and prints). The split is the issue's; where it says nothing (who enrols a patient, who
books a session) the matrix below is the clinic default and says so.

The services enforce the matrix (``services.access``): every entry point names the permission it
needs, and a principal whose role lacks it is refused before anything is read or written.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass


class Role(enum.StrEnum):
    ADMINISTRATOR = "administrator"
    PHYSIOTHERAPIST = "physiotherapist"
    ASSISTANT = "assistant"
    READ_ONLY = "read_only"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.ADMINISTRATOR: "Administrator",
    Role.PHYSIOTHERAPIST: "Physiotherapist",
    Role.ASSISTANT: "Assistant",
    Role.READ_ONLY: "Read-only",
}

#: roles whose profile carries a registration number that signs reports
SIGNING_ROLES = frozenset({Role.ADMINISTRATOR, Role.PHYSIOTHERAPIST})


class Permission(enum.StrEnum):
    #: see patients and their records, print and export reports
    READ = "read"
    #: record that a report left the clinic (printing is reading: every role may)
    DISCLOSE = "disclose"
    #: keep a draft of an unsaved form (any role that may save a form)
    DRAFT = "draft"
    #: enrol patients, change their details and surgeries, archive them (clinic default)
    PATIENTS = "patients"
    #: precautions and restrictions after surgery
    RESTRICTIONS = "restrictions"
    #: create, edit, progress, pause, complete a program; program templates
    PROGRAMS = "programs"
    #: the exercise library and the education catalogue (clinic content)
    LIBRARY = "library"
    #: log, correct and delete sessions; a red-flag stop during a session
    SESSIONS = "sessions"
    #: the clinical decision after a red-flag stop (clearance, referral)
    RED_FLAG_OUTCOME = "red_flag_outcome"
    #: questionnaires, walks, tests, neuro screens, assessment reviews; education covered
    OUTCOMES = "outcomes"
    #: book and cancel sessions (clinic default: the assistant at the desk does it too)
    SCHEDULE = "schedule"
    #: clinic details, logo, report signer, wording, progression thresholds
    SETTINGS = "settings"
    #: add staff, reset passwords, deactivate
    USERS = "users"
    #: back up and restore the database
    BACKUPS = "backups"
    #: read the audit trail
    AUDIT = "audit"


_CLINICAL = frozenset(
    {
        Permission.READ,
        Permission.DISCLOSE,
        Permission.DRAFT,
        Permission.PATIENTS,
        Permission.RESTRICTIONS,
        Permission.PROGRAMS,
        Permission.LIBRARY,
        Permission.SESSIONS,
        Permission.RED_FLAG_OUTCOME,
        Permission.OUTCOMES,
        Permission.SCHEDULE,
    }
)

#: the permission matrix: what each role may do
MATRIX: dict[Role, frozenset[Permission]] = {
    Role.ADMINISTRATOR: frozenset(Permission),
    Role.PHYSIOTHERAPIST: _CLINICAL,
    Role.ASSISTANT: frozenset(
        {
            Permission.READ,
            Permission.DISCLOSE,
            Permission.DRAFT,
            Permission.SESSIONS,
            Permission.OUTCOMES,
            Permission.SCHEDULE,
        }
    ),
    Role.READ_ONLY: frozenset({Permission.READ, Permission.DISCLOSE}),
}

#: what a refusal says the permission is for (completes "Your role cannot ...")
ACTION_WORDS = {
    Permission.READ: "see patient records",
    Permission.DISCLOSE: "record a report's disclosure",
    Permission.DRAFT: "keep drafts of forms",
    Permission.PATIENTS: "enrol patients or change their details",
    Permission.RESTRICTIONS: "change precautions and restrictions",
    Permission.PROGRAMS: "change programs",
    Permission.LIBRARY: "change the exercise library or the education catalogue",
    Permission.SESSIONS: "log or change sessions",
    Permission.RED_FLAG_OUTCOME: "record the outcome of a red-flag stop",
    Permission.OUTCOMES: "record outcomes",
    Permission.SCHEDULE: "book or cancel sessions",
    Permission.SETTINGS: "change the clinic's settings",
    Permission.USERS: "manage users",
    Permission.BACKUPS: "back up or restore the database",
    Permission.AUDIT: "read the audit trail",
}


def may(role: Role, permission: Permission) -> bool:
    return permission in MATRIX[role]


def refusal(role: Role, permission: Permission) -> str:
    """The message a refused action shows, as is."""
    if role is Role.READ_ONLY:  # "A read-only cannot ..." is not English
        return f"Read-only staff cannot {ACTION_WORDS[permission]}. Ask an administrator."
    name = role.label.lower()
    article = "An" if name[0] in "aeiou" else "A"
    return f"{article} {name} cannot {ACTION_WORDS[permission]}. Ask an administrator."


@dataclass(frozen=True)
class Principal:
    """Who is acting: the signed-in user (``user_id`` None only for the system's own work, such
    as seeding shipped content) and the operating-system account the app runs under, which the
    audit trail records beside the user name, never instead of it."""

    username: str
    role: Role
    user_id: uuid.UUID | None = None
    os_user: str | None = None

    def may(self, permission: Permission) -> bool:
        return may(self.role, permission)
