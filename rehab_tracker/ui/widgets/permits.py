"""A button that starts a write the signed-in role may not make: disabled (not hidden), its
tooltip and status tip saying why (``domain.roles.refusal``). The menus get the same from
``MainWindow.add_action(permission=...)``; the services refuse the write all the same."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton

from rehab_tracker.domain.roles import Permission, Principal, refusal

#: the property keeping a gated button's own tip
_OWN_TIP = "permitsOwnTip"


def gate(
    button: QAbstractButton, principal: Principal, permission: Permission, *,
    enabled: bool, tip: str | None = None,
) -> None:
    """Enable ``button`` when ``enabled`` and the role may ``permission``; otherwise a refused
    role's button is disabled and says why in its tips. ``tip`` is the button's own tip (by
    default the one it had when first gated, kept for a role that may)."""
    if tip is None:
        kept = button.property(_OWN_TIP)
        tip = kept if isinstance(kept, str) else button.toolTip()
    button.setProperty(_OWN_TIP, tip)
    allowed = principal.may(permission)
    button.setEnabled(enabled and allowed)
    text = tip if allowed else refusal(principal.role, permission)
    button.setToolTip(text)
    button.setStatusTip(text)
