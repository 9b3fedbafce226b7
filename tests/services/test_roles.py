"""Roles are enforced in the services (issue 13 item 1): every entry point, every role.

Two views of the same rule:

- the gate: every public method of every service on ``Services`` either names the permission it
  needs (``services.access.requires``) or is listed below as a read (every role may) or as the
  system's own work; each role without the permission is refused with ``PermissionDenied``
  before anything is written, each role with it passes the gate;
- the entry points users type into (``fuzz_entry_points.ENTRY_POINTS``, shared with the input
  fuzzer), called with ordinary input for each role: the matrix's answer, and nothing written
  on a refusal.
"""

from __future__ import annotations

import dataclasses
import inspect
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fuzz_entry_points as fuzz

from rehab_tracker.data.database import Database
from rehab_tracker.domain.roles import MATRIX, Permission, Principal, Role, may, refusal
from rehab_tracker.services.access import PERMISSION_ATTR, PermissionDenied
from rehab_tracker.services.container import Services
from tests.staff import staff

#: the methods every role may call: they only read
READS = {
    "settings": {
        "clinic_details",
        "clinic_logo",
        "load",
        "lock_minutes",
        "report_signer",
        "thresholds",
        "units",
        "versions",
    },
    "patients": {
        "find",
        "list_ids",
        "list_patients",
        "list_rows",
        "list_summary",
        "overview",
        "record",
    },
    "restrictions": {"active", "list_for"},
    "programs": {
        "active_program_for",
        "clinic_contact",
        "current_program_for",
        "end_assessment_recorded",
        "exercises",
        "logging_refusal",
        "phase_names",
        "prescription_history",
        "prescriptions_for_session",
        "preview",
        "program",
        "restriction_breaches",
        "resume_preview",
        "suggested_start",
        "suggestion_for",
        "suggestions",
        "template",
        "template_breaches",
        "templates",
    },
    "library": {"check", "detail", "list_exercises", "media_file", "media_folder"},
    "education": {"covered", "item", "list_items"},
    "drafts": {"list_drafts", "load"},
    "sessions": {
        "adherence",
        "edit_form",
        "history",
        "logged_on",
        "new_form",
        "next_slot",
        "open_red_flags",
        "overview",
        "red_flag_follow_up",
        "slots",
    },
    "outcomes": {
        "changes",
        "history",
        "neuro_change",
        "nprs_rows",
        "odi_row",
        "overview_summary",
        "psfs_baseline",
        "review_plan",
        "review_timepoint",
        "rmdq_row",
        "schedule",
        "six_minute_row",
        "six_minute_walk_result",
        "walk_row",
    },
    "reports": {"active_patient_ids", "gather", "signer"},
    "disclosures": {"history"},
    "schedule": {"bookable", "today", "week"},
    # change_own_password: any signed-in user, their own account only (the principal's)
    "users": {"change_own_password", "signer"},
    # verify: reads and checks the file, writes nothing (import_bytes is the write)
    "home_logs": {"verify"},
}
#: the system's own work, whoever is signed in: seeding the shipped library and catalogue
SYSTEM = {"library": {"ensure_seeded"}, "education": {"ensure_seeded"}}

SERVICE_NAMES = sorted(READS)


def _methods(services: Services, name: str) -> list[tuple[str, Any]]:
    service = getattr(services, name)
    return [
        (attr, member)
        for attr, member in inspect.getmembers(type(service), inspect.isfunction)
        if not attr.startswith("_")
    ]


def test_every_service_entry_point_names_its_permission_or_is_a_read(db: Database) -> None:
    services = Services(db, staff())
    undecided = []
    for name in SERVICE_NAMES:
        for attr, member in _methods(services, name):
            checked = getattr(member, PERMISSION_ATTR, None)
            listed = attr in READS[name] or attr in SYSTEM.get(name, set())
            if checked is None and not listed:
                undecided.append(f"{name}.{attr}")
            if checked is not None and attr in SYSTEM.get(name, set()):
                undecided.append(f"{name}.{attr} (both checked and system)")
            if checked is Permission.READ:
                assert attr in READS[name], f"{name}.{attr} reads: list it in READS"
    assert undecided == [], "name the permission (@requires) or list it as a read: " + ", ".join(
        undecided
    )


@pytest.mark.parametrize("role", list(Role))
def test_every_gated_entry_point_refuses_each_role_without_its_permission(
    db: Database, role: Role
) -> None:
    """Called without arguments: a refused role gets ``PermissionDenied`` (the gate comes before
    anything else, so the missing arguments never matter); an allowed role passes the gate and
    only then trips over the missing arguments."""
    services = Services(db, staff(f"a.{role.value}", role))
    before = fuzz.row_counts(db)
    checked = 0
    for name in SERVICE_NAMES:
        for attr, _member in _methods(services, name):
            permission = getattr(
                getattr(type(getattr(services, name)), attr), PERMISSION_ATTR, None
            )
            if permission is None:
                continue
            bound = getattr(getattr(services, name), attr)
            checked += 1
            if may(role, permission):
                try:
                    bound()  # past the gate; a read without arguments simply answers
                except TypeError as exc:
                    assert "argument" in str(exc), (name, attr, exc)
            else:
                with pytest.raises(PermissionDenied) as refused:
                    bound()
                assert refused.value.permission is permission
                assert str(refused.value) == refusal(role, permission)
                assert " cannot " in str(refused.value)
                assert str(refused.value).endswith("Ask an administrator.")
    assert checked >= 60, checked  # every write of every service (and the user service's)
    assert fuzz.row_counts(db) == before


def test_the_matrix_is_the_issues() -> None:
    """Issue 13: the physiotherapist does everything clinical; the assistant logs sessions and
    records outcomes and cannot change programs, settings or users; read-only reads and
    prints; the administrator manages users, settings, backups and the audit trail."""
    clinical = {
        Permission.PATIENTS,
        Permission.PROGRAMS,
        Permission.SESSIONS,
        Permission.OUTCOMES,
        Permission.RED_FLAG_OUTCOME,
        Permission.LIBRARY,
    }
    assert clinical <= MATRIX[Role.PHYSIOTHERAPIST]
    assert (
        not {Permission.USERS, Permission.SETTINGS, Permission.BACKUPS}
        & MATRIX[Role.PHYSIOTHERAPIST]
    )
    assistant = MATRIX[Role.ASSISTANT]
    assert {Permission.SESSIONS, Permission.OUTCOMES} <= assistant
    assert not {Permission.PROGRAMS, Permission.SETTINGS, Permission.USERS} & assistant
    assert MATRIX[Role.READ_ONLY] == {Permission.READ, Permission.DISCLOSE}
    assert MATRIX[Role.ADMINISTRATOR] == set(Permission)


#: the permission the service method behind each typed-into entry point needs
ENTRY_PERMISSION = {
    "enrol": Permission.PATIENTS,
    "update_patient": Permission.PATIENTS,
    "add_restriction": Permission.RESTRICTIONS,
    "update_restriction": Permission.RESTRICTIONS,
    "save_session": Permission.SESSIONS,
    "update_session": Permission.SESSIONS,
    "red_flag_stop": Permission.SESSIONS,
    "red_flag_outcome": Permission.RED_FLAG_OUTCOME,
    "record_odi": Permission.OUTCOMES,
    "record_rmdq": Permission.OUTCOMES,
    "record_nprs": Permission.OUTCOMES,
    "record_psfs": Permission.OUTCOMES,
    "record_grc": Permission.OUTCOMES,
    "record_walk": Permission.OUTCOMES,
    "record_six_minute_walk": Permission.OUTCOMES,
    "record_performance": Permission.OUTCOMES,
    "record_neuro": Permission.OUTCOMES,
    "add_follow_up": Permission.OUTCOMES,
    "outcome_delete": Permission.OUTCOMES,
    "create_program": Permission.PROGRAMS,
    "save_program_edits": Permission.PROGRAMS,
    "save_as_template": Permission.PROGRAMS,
    "accept_suggestion": Permission.PROGRAMS,
    "add_exercise": Permission.LIBRARY,
    "update_exercise": Permission.LIBRARY,
    "add_link": Permission.LIBRARY,
    "attach_image": Permission.LIBRARY,
    "remove_media": Permission.LIBRARY,
    "add_education": Permission.LIBRARY,
    "record_covered": Permission.OUTCOMES,
    "clinic_details": Permission.SETTINGS,
    "clinic_settings": Permission.SETTINGS,
    "import_wording": Permission.SETTINGS,
    "save_draft": Permission.DRAFT,
    "record_review": Permission.OUTCOMES,
    "book_session": Permission.SCHEDULE,
    "report_signer": Permission.SETTINGS,
    "clinic_logo": Permission.SETTINGS,
    # reads (every role) and the entry points fuzzed since (issue 10's program status changes...)
    "accessed": Permission.DISCLOSE,
    "disclosed": Permission.DISCLOSE,
    "check_exercise": Permission.READ,
    "end_assessment_recorded": Permission.READ,
    "find_patient": Permission.READ,
    "program_preview": Permission.READ,
    "red_flag_follow_up": Permission.READ,
    "resume_preview": Permission.READ,
    "review_plan": Permission.READ,
    "schedule_today": Permission.READ,
    "schedule_week": Permission.READ,
    "complete_program": Permission.PROGRAMS,
    "pause_program": Permission.PROGRAMS,
    "resume_program": Permission.PROGRAMS,
    "stop_program": Permission.PROGRAMS,
    "delete_restore_session": Permission.SESSIONS,
    "draft_keys": Permission.DRAFT,
    "outcome_restore": Permission.OUTCOMES,
    "remove_restriction": Permission.RESTRICTIONS,
    "retire_restore_exercise": Permission.LIBRARY,
    "remove_wording": Permission.SETTINGS,
    "set_odi_max_missing": Permission.SETTINGS,
    "set_pain_ceiling": Permission.SETTINGS,
    "set_threshold_overrides": Permission.SETTINGS,
    "set_units": Permission.SETTINGS,
}


def test_every_fuzzed_entry_point_has_its_permission_here() -> None:
    assert set(ENTRY_PERMISSION) == set(fuzz.ENTRY_POINTS)


def _as(world: fuzz.World, principal: Principal) -> fuzz.World:
    return dataclasses.replace(world, services=Services(world.db, principal))


@pytest.mark.slow
def test_each_role_against_each_typed_entry_point(any_db: Database) -> None:
    """Ordinary input (no fuzzing) for every entry point as every role: refused exactly where
    the matrix says, with the app's error and nothing written; let through elsewhere (an
    allowed call may still be refused for its input, never for the role)."""
    world = fuzz.build_world(any_db)
    seen: list[tuple[str, Role, str]] = []

    @settings(
        max_examples=1,
        database=None,
        phases=[Phase.generate],
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.data())
    def run(data: st.DataObject) -> None:
        seen.clear()
        saved = fuzz._WILD[0]
        fuzz._WILD[0] = 0  # every field ordinary
        try:
            for entry, permission in ENTRY_PERMISSION.items():
                for role in Role:
                    acting = _as(world, staff(f"as.{role.value}", role))
                    before = fuzz.row_counts(any_db)
                    try:
                        fuzz.ENTRY_POINTS[entry](acting, data.draw)
                        outcome = "saved"
                    except PermissionDenied as exc:
                        assert exc.permission is permission, (entry, role, exc.permission)
                        assert fuzz.row_counts(any_db) == before, (entry, role)
                        outcome = "refused"
                    except fuzz.REFUSALS:
                        outcome = "invalid"
                    expected_refusal = not may(role, permission)
                    assert (outcome == "refused") == expected_refusal, (entry, role, outcome)
                    seen.append((entry, role, outcome))
        finally:
            fuzz._WILD[0] = saved

    run()
    assert len(seen) == len(ENTRY_PERMISSION) * len(Role)
    # the gate lets real writes through: each role that may write saved something
    for role in (Role.ADMINISTRATOR, Role.PHYSIOTHERAPIST, Role.ASSISTANT):
        assert any(r is role and outcome == "saved" for _, r, outcome in seen), role
    # read-only: refused every write; let through the reads and the disclosures (printing)
    lets_through = (Permission.READ, Permission.DISCLOSE)
    assert all(
        (outcome == "refused") == (ENTRY_PERMISSION[e] not in lets_through)
        for e, r, outcome in seen
        if r is Role.READ_ONLY
    )
