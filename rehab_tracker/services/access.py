"""Roles enforced in the services: every entry point that writes names the permission it needs.

``@requires(Permission.X)`` on a service method refuses a principal whose role lacks ``X`` with
:class:`PermissionDenied` before the method reads or writes anything (so a refusal leaves no
trace but the message); the GUI and the CLI show it like any other ``ServiceError``. The matrix
itself is the domain's (``domain.roles``); tests/services/test_roles.py drives every entry point
with every role.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Protocol, TypeVar, cast

from rehab_tracker.domain.roles import Permission, Principal, refusal
from rehab_tracker.services.errors import ServiceError


class PermissionDenied(ServiceError):
    """The signed-in user's role may not do this (the message says what and whom to ask)."""

    def __init__(self, principal: Principal, permission: Permission) -> None:
        super().__init__(refusal(principal.role, permission))
        self.permission = permission
        self.role = principal.role


class _HasPrincipal(Protocol):
    principal: Principal


F = TypeVar("F", bound=Callable[..., Any])

#: the attribute a checked method carries (tests enumerate the entry points by it)
PERMISSION_ATTR = "required_permission"


def check(principal: Principal, permission: Permission) -> None:
    """Refuse unless ``principal`` may ``permission``."""
    if not principal.may(permission):
        raise PermissionDenied(principal, permission)


def requires(permission: Permission) -> Callable[[F], F]:
    """Decorate a service method: it runs only for a principal whose role has ``permission``."""

    def decorate(method: F) -> F:
        @functools.wraps(method)
        def checked(self: _HasPrincipal, *args: Any, **kwargs: Any) -> Any:
            check(self.principal, permission)
            return method(self, *args, **kwargs)

        setattr(checked, PERMISSION_ATTR, permission)
        return cast(F, checked)

    return decorate
