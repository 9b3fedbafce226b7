"""A button that starts a write the signed-in role may not make: disabled (not hidden), its
tooltip and status tip saying why (``domain.roles.refusal``). The menus get the same from
``MainWindow.add_action(permission=...)``; the services refuse the write all the same."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton

from rehab_tracker.domain.roles import Permission, Principal, refusal


def gate(
    button: QAbstractButton, principal: Principal, permission: Permission, *,
    enabled: bool, tip: str,
) -> None:
    """Enable ``button`` when ``enabled`` and the role may ``permission``; otherwise a refused
    role's button is disabled and says why in its tips."""
    allowed = principal.may(permission)
    button.setEnabled(enabled and allowed)
    text = tip if allowed else refusal(principal.role, permission)
    button.setToolTip(text)
    button.setStatusTip(text)
