"""Principals for tests: who acts when a test builds services without signing in.

``staff("tester")`` is an administrator (every permission), the role the suite's tests have
always acted with; ``staff("kim", Role.ASSISTANT)`` for a test of another role. The OS user is
recorded beside the user name as the app does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rehab_tracker.domain.roles import Principal, Role


def staff(username: str = "tester", role: Role = Role.ADMINISTRATOR) -> Principal:
    return Principal(username, role, None, "os-tester")


def signs_in(
    username: str = "tester", role: Role = Role.ADMINISTRATOR
) -> Callable[[Any], Principal]:
    """What the command line's report commands call to sign in (``cli.sign_in``), answering
    ``staff(username, role)`` for any database."""
    return lambda _db: staff(username, role)
