"""Menus and buttons by role in the real main window: every action that leads to a write the
signed-in role may not make is disabled (not hidden) and its tooltip and status tip say why in
the refusal's words; every action the role may take is enabled (issue 13)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QPushButton

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "services"))
from test_sessions_support import build_patient

from rehab_tracker.domain.roles import Permission, Role, refusal
from tests.staff import staff

#: buttons of the patient view's tabs that lead to a write, with what they need
TAB_BUTTONS = {
    "programTabBuild": Permission.PROGRAMS,
    "logUnscheduled": Permission.SESSIONS,
    "editSession": Permission.SESSIONS,
    "deleteSession": Permission.SESSIONS,
    "correctRedFlagOutcome": Permission.RED_FLAG_OUTCOME,
    "recordAssessmentButton": Permission.OUTCOMES,
    "addFollowUp": Permission.OUTCOMES,
    "deleteOutcome": Permission.OUTCOMES,
    "recordEducation": Permission.OUTCOMES,  # the Overview
    "overviewRedFlagOutcome": Permission.RED_FLAG_OUTCOME,  # shown only with an open flag
    "recordRedFlagOutcome": Permission.RED_FLAG_OUTCOME,
    "todayBookSession": Permission.SCHEDULE,  # the Today page
}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_sees_its_actions_enabled_and_the_others_greyed_out_with_why(
    qtbot, db, today, role: Role  # type: ignore[no-untyped-def]
) -> None:
    from rehab_tracker.app import create_main_window

    built = build_patient(db, today)
    principal = staff("kim", role)
    win = create_main_window(db, today=today, principal=principal)
    qtbot.addWidget(win)
    win.workspace.refresh_patients(select=built.patient_id)  # patient actions need a patient
    gated = win._permissions
    assert len(gated) >= 15  # every feature's write actions declare their permission
    for action, permission in gated.items():
        name = action.objectName()
        visible = any(action in menu.actions() for menu in win.menus.values())
        assert visible, f"{name} is hidden"
        if principal.may(permission):
            # a program's status change also needs the status to allow it
            assert action.isEnabled() == win._allowed.get(action, True), f"{role}: {name}"
            assert action.statusTip() == action.text().replace("&", "").rstrip(".…")
        else:
            assert not action.isEnabled(), f"{role}: {name} should be disabled"
            assert action.toolTip() == refusal(role, permission)
            assert action.statusTip() == refusal(role, permission)
    # the patient view's and the Today page's buttons that start a write: the same rule
    for name, permission in TAB_BUTTONS.items():
        button = win.findChild(QPushButton, name)
        assert button is not None, name
        if principal.may(permission):
            assert button.isEnabled(), f"{role}: {name} should be enabled"
            assert button.toolTip() != refusal(role, permission)
        else:
            assert not button.isEnabled(), f"{role}: {name} should be disabled"
            assert button.toolTip() == refusal(role, permission)
            assert button.statusTip() == refusal(role, permission)

def test_an_assistant_sees_edit_program_greyed_out_and_can_log_a_session(
    qtbot, db, today  # type: ignore[no-untyped-def]
) -> None:
    from rehab_tracker.app import create_main_window

    built = build_patient(db, today)
    win = create_main_window(db, today=today, principal=staff("kim", Role.ASSISTANT))
    qtbot.addWidget(win)
    win.workspace.refresh_patients(select=built.patient_id)
    build = win.findChild(QAction, "buildProgram")
    log = win.findChild(QAction, "logSession")
    assert not build.isEnabled()
    assert build.toolTip() == "An assistant cannot change programs. Ask an administrator."
    assert log.isEnabled()


@pytest.mark.parametrize("role", [Role.PHYSIOTHERAPIST, Role.ASSISTANT, Role.READ_ONLY])
def test_the_exercise_library_greys_out_its_writes_for_a_role_that_may_not_change_it(
    qtbot, db, role: Role  # type: ignore[no-untyped-def]
) -> None:
    from rehab_tracker.services.container import Services
    from rehab_tracker.ui.library.library_view import LibraryView

    view = LibraryView(Services(db, staff("kim", role)))
    qtbot.addWidget(view)
    may_change = role is Role.PHYSIOTHERAPIST
    for name in ("newExercise", "saveExercise"):
        button = view.findChild(QPushButton, name)
        assert button.isEnabled() is may_change, name
        if not may_change:
            assert button.toolTip() == refusal(role, Permission.LIBRARY)
